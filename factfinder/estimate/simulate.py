"""Simulated populations and lists with a known total, to test the estimators against the truth.

Each of N people is captured by list j with probability

    logit p_ij = logit(capture_j) + σ·u_i + Σ_{a<j} log(OR_aj)·x_ia

where u_i ~ Normal(0, 1) is the person's catchability (heterogeneity: the same people are easy
to record on every list, which makes lists look positively dependent and estimates too low),
and OR_aj the odds ratio by which being on list a changes the odds of being on list j (> 1
positive dependence, e.g. one list copies another; < 1 negative, e.g. lists that cover
different places). Alternatively ``classes`` gives latent classes, each with a share of the
population and its own capture probability per list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit, logit

from factfinder.estimate.table import MAX_LISTS, CaptureTable

ClassSpec = Sequence[tuple[float, Sequence[float]]]


class SimulationError(ValueError):
    """Settings a population cannot be simulated from; the message says why."""


@dataclass(frozen=True)
class Scenario:
    """Defaults of a named scenario (explicit arguments override them)."""

    description: str
    capture: float | Sequence[float] = 0.3
    heterogeneity: float = 0.0
    dependence: Mapping[tuple[int, int], float] = field(default_factory=dict)
    classes: ClassSpec | None = None


SCENARIOS: dict[str, Scenario] = {
    "independent": Scenario("lists capture independently, everyone equally catchable"),
    "heterogeneous": Scenario(
        "log-normal catchability (sigma 1 on the logit scale): the same people are easy to "
        "record on every list", heterogeneity=1.0),
    "dependent": Scenario(
        "list 1 and 2 positively dependent (odds ratio 4), list 3 and 4 (or 1 and 3 for three "
        "lists) negatively (odds ratio 0.25)",
        dependence={(0, 1): 4.0, (2, 3): 0.25}),
    "sparse": Scenario(
        "low capture (0.1 per list) with mild heterogeneity (sigma 0.5): few overlaps",
        capture=0.1, heterogeneity=0.5),
    "classes": Scenario(
        "two latent classes: 20% highly visible (capture 0.6), 80% hardly visible (0.1)",
        classes=((0.2, (0.6,)), (0.8, (0.1,)))),
}


def _list_names(k: int) -> tuple[str, ...]:
    letters = "ABCDEFGHIJKL"
    return tuple(letters[i] for i in range(k))


def _per_list(value: float | Sequence[float], k: int, what: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(value, dtype=float))
    if arr.size == 1:
        arr = np.repeat(arr, k)
    if arr.size != k:
        raise SimulationError(f"{what}: one value, or one per list ({k}), not {arr.size}")
    return arr


def _dependence(dependence: Mapping[Any, float], lists: tuple[str, ...]
                ) -> dict[tuple[int, int], float]:
    """Pairs as 0-based indices (or list names) → odds ratio; pairs off the table drop out
    when they come from a scenario."""
    out: dict[tuple[int, int], float] = {}
    for pair, odds in dependence.items():
        try:
            a, b = (lists.index(v) if isinstance(v, str) else int(v) for v in pair)
        except ValueError as exc:
            raise SimulationError(f"dependence pair {pair}: lists are {', '.join(lists)} "
                                  "(or 0-based indices)") from exc
        if a == b or not (0 <= a < len(lists) and 0 <= b < len(lists)):
            raise SimulationError(f"dependence pair {pair} is not two different lists of "
                                  f"{', '.join(lists)}")
        if not odds > 0:
            raise SimulationError(f"odds ratio for {pair} must be positive, not {odds}")
        out[(min(a, b), max(a, b))] = float(odds)
    return out


def simulate(N: int, k: int = 4, *, scenario: str = "independent",
             capture: float | Sequence[float] | None = None,
             heterogeneity: float | None = None,
             dependence: Mapping[Any, float] | None = None,
             classes: ClassSpec | None = None,
             lists: Sequence[str] | None = None,
             seed: int | np.random.Generator | None = None,
             ) -> tuple[CaptureTable, dict[str, Any]]:
    """Simulate ``N`` people and ``k`` lists; return the capture table and the truth.

    ``scenario`` names defaults (see :data:`SCENARIOS`); ``capture`` (one probability, or one
    per list), ``heterogeneity`` (σ of the log-normal catchability), ``dependence`` ({(a, b):
    odds ratio}, lists by 0-based index or name) and ``classes`` ([(share, [capture per list
    or one for all]), …]) override it. The same ``seed`` gives the same table.
    """
    if scenario not in SCENARIOS:
        raise SimulationError(f"unknown scenario {scenario!r}: {', '.join(SCENARIOS)}")
    if not 2 <= k <= MAX_LISTS:
        raise SimulationError(f"k must be between 2 and {MAX_LISTS}, not {k}")
    if N < 1:
        raise SimulationError(f"N must be at least 1, not {N}")
    base = SCENARIOS[scenario]
    names = tuple(lists) if lists is not None else _list_names(k)
    if len(names) != k:
        raise SimulationError(f"{len(names)} list names for {k} lists")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    explicit_dep = dependence is not None
    dep_spec = dependence if dependence is not None else base.dependence
    if not explicit_dep:      # a scenario's pairs that this many lists cannot hold
        dep_spec = {(a, b) if b < k else (a, k - 1 if a != k - 1 else 0): v
                    for (a, b), v in dep_spec.items() if a < k}
        dep_spec = {pair: v for pair, v in dep_spec.items() if pair[0] != pair[1]}
    dep = _dependence(dep_spec, names)
    use_classes = classes if classes is not None else (
        base.classes if capture is None and heterogeneity is None else None)
    sigma = float(heterogeneity if heterogeneity is not None else
                  (base.heterogeneity if use_classes is None else 0.0))
    if sigma < 0:
        raise SimulationError("heterogeneity (a standard deviation) cannot be negative")

    if use_classes is not None:
        shares = np.array([s for s, _ in use_classes], dtype=float)
        if shares.min() < 0 or shares.sum() <= 0:
            raise SimulationError("class shares must be non-negative and not all zero")
        shares = shares / shares.sum()
        probs = np.array([_per_list(p, k, "class capture") for _, p in use_classes])
        if probs.min() < 0 or probs.max() > 1:
            raise SimulationError("capture probabilities must lie in [0, 1]")
        cls = rng.choice(len(shares), size=N, p=shares)
        base_logit = logit(np.clip(probs[cls], 1e-12, 1 - 1e-12))         # N × k
        capture_spec: Any = None
    else:
        capture_arr = _per_list(capture if capture is not None else base.capture, k, "capture")
        if capture_arr.min() <= 0 or capture_arr.max() >= 1:
            raise SimulationError("capture probabilities must lie strictly between 0 and 1")
        base_logit = np.broadcast_to(logit(capture_arr), (N, k))
        if sigma > 0:
            base_logit = base_logit + sigma * rng.standard_normal(N)[:, None]
        capture_spec = [float(c) for c in capture_arr]
        cls = None

    x = np.zeros((N, k), dtype=np.int8)
    for j in range(k):
        eta = np.array(base_logit[:, j], dtype=float)
        for (a, b), odds in dep.items():
            if b == j:
                eta += np.log(odds) * x[:, a]
        x[:, j] = rng.random(N) < expit(eta)

    codes = x.astype(np.int64) @ (1 << np.arange(k - 1, -1, -1))
    tally = np.bincount(codes, minlength=2 ** k)
    counts = {tuple(int(b) for b in np.binary_repr(c, k)): int(tally[c])
              for c in range(1, 2 ** k) if tally[c]}
    table = CaptureTable(names, counts)
    observed = table.observed
    truth: dict[str, Any] = {
        "N": int(N),
        "observed": observed,
        "unobserved": int(N - observed),
        "scenario": scenario,
        "description": base.description if (capture is None and heterogeneity is None and
                                            dependence is None and classes is None) else
        "custom settings",
        "lists": list(names),
        "capture": capture_spec,
        "heterogeneity": sigma,
        "dependence": {f"{names[a]}:{names[b]}": v for (a, b), v in dep.items()},
        "classes": ([{"share": float(s), "capture": [float(v) for v in p]}
                     for s, p in zip(shares, probs, strict=True)]
                    if use_classes is not None else None),
        "capture_rate": {n: float(x[:, j].mean()) for j, n in enumerate(names)},
        "seed": seed if isinstance(seed, int) else None,
    }
    if cls is not None:
        truth["class_sizes"] = [int(v) for v in np.bincount(cls, minlength=len(shares))]
    return table, truth
