"""The one result type every estimation method returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Estimate:
    """An estimate of the total population with its interval and its caveats.

    ``estimate`` is the total N (observed plus the unobserved cell). ``lower``/``upper`` bound
    an interval at ``level`` (None when no interval could be computed — say why in
    ``warnings``). ``model`` names the log-linear terms beyond main effects ("c1:c2 + c2:c3",
    "independence"), a heterogeneity model ("Mh Chao"), or a summary for model-averaging methods,
    whose weighted models go in ``models``. ``fit`` holds deviance, df, AIC, BIC where defined;
    ``details`` method-specific diagnostics (R-hat, effective sample size, posterior summary).
    """

    method: str
    estimate: float | None
    lower: float | None = None
    upper: float | None = None
    level: float = 0.95
    observed: int = 0
    model: str | None = None
    models: list[dict[str, Any]] = field(default_factory=list)
    fit: dict[str, float | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    interval: str | None = None  # how it was made: "profile likelihood", "bootstrap" …
    stratum: str | None = None  # the stratum's value under --strata, None for the whole table
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
