"""Intervals for N: multinomial profile likelihood, log-normal, and a bootstrap that repeats the
model selection.

**Profile likelihood** (Cormack 1992; Rcapture's ``closedpCI``). For a trial N the all-absent
cell gets the count N − n and the model is refitted on all 2^k cells (its design row is the
intercept alone). With an intercept the fitted cells sum to N, so the *multinomial* log
likelihood is log N! − log (N − n)! + Σ_ω y_ω log(μ_ω / N) (constants dropped). Its maximum
(the multinomial estimate, slightly below the Poisson one) and the N where it has dropped by
χ²₁(level)/2 on each side give the estimate and interval. An upper limit beyond
``fmax`` × N̂ is reported as unbounded (None), as Rcapture does with "> …".

**Log-normal** (Chao 1987): the unrecorded count f₀ = N̂ − n is taken as log-normal;
[n + f₀/C, n + f₀·C] with C = exp(z √log(1 + se²/f₀²)).

**Bootstrap**: each replicate draws every observable cell from a Poisson distribution with the
observed count as its mean (or, ``resample="fitted"``, the chosen model's fitted count: a
parametric bootstrap, which rarely leaves the chosen model and so understates the uncertainty of
the choice), *repeats the model search* (unless the model was named), and re-estimates N; the
interval is the percentile interval of the replicates. Replicates whose chosen model has no
estimable total are counted and reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln, xlogy
from scipy.stats import chi2, norm

from factfinder.estimate.glm import PoissonFit, fit_poisson
from factfinder.estimate.table import CaptureTable

if TYPE_CHECKING:
    from factfinder.estimate.loglinear import ModelFit


@dataclass
class ProfileResult:
    estimate: float | None         # the multinomial (profile) MLE of N
    lower: float | None
    upper: float | None
    warnings: list[str] = field(default_factory=list)
    curve: list[tuple[float, float]] = field(default_factory=list)  # (N, loglik − max)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["curve"] = [[round(a, 3), round(b, 5)] for a, b in self.curve]
        return d


def profile_loglik(table: CaptureTable, X: np.ndarray) -> Callable[[float], float]:
    """The multinomial profile log likelihood of N for the design ``X`` (observable rows)."""
    y = table.vector()
    n = float(table.observed)
    zero_row = np.zeros((1, X.shape[1]))
    zero_row[0, 0] = 1.0
    xa = np.vstack([X, zero_row])
    state: dict[str, PoissonFit | None] = {"last": None}

    def loglik(N: float) -> float:
        n0 = max(N - n, 0.0)
        ya = np.append(y, n0)
        last = state["last"]
        fit = fit_poisson(xa, ya, start=last.beta if last is not None else None)
        if not fit.converged or not np.all(np.isfinite(fit.mu)):
            fit = fit_poisson(xa, ya)
        state["last"] = fit
        total = float(fit.mu.sum())
        return float(gammaln(N + 1) - gammaln(n0 + 1)
                     + np.sum(xlogy(ya, fit.mu / total)))

    return loglik


def profile_interval(table: CaptureTable, X: np.ndarray | None, level: float,
                     poisson_estimate: float, fmax: float = 3.0) -> ProfileResult:
    """Rcapture's closedpCI profile interval for the design ``X``."""
    if X is None:
        return ProfileResult(None, None, None, ["no design to profile"])
    n = float(table.observed)
    if not math.isfinite(poisson_estimate):
        return ProfileResult(None, None, None, ["the estimate is unbounded: no interval"])
    ll = profile_loglik(table, X)
    hi = max(fmax * poisson_estimate, n + 10)
    opt = minimize_scalar(lambda v: -ll(v), bounds=(n, hi), method="bounded",
                          options={"xatol": 1e-4})
    n_max = float(opt.x)
    l_max = -float(opt.fun)
    # the optimiser can stop short on flat profiles: polish with the Poisson estimate
    if ll(poisson_estimate) > l_max:
        n_max, l_max = poisson_estimate, ll(poisson_estimate)
    cut = l_max - chi2.ppf(level, 1) / 2
    warnings: list[str] = []

    def f(v: float) -> float:
        return ll(v) - cut

    if f(n) > 0:
        lower = n
        warnings.append("the profile interval's lower limit is the number observed: the "
                        "data cannot rule out that nobody was missed")
    else:
        lower = float(brentq(f, n, n_max, xtol=1e-4))
    upper: float | None
    if f(hi) > 0:
        upper = None
        warnings.append(f"the profile interval's upper limit is above {hi:,.0f} "
                        f"({fmax:g} × the estimate): the data do not bound it")
    else:
        upper = float(brentq(f, n_max, hi, xtol=1e-4))
    top = upper if upper is not None else hi
    grid = np.linspace(max(n, lower - 0.1 * (top - lower)), top + 0.1 * (top - lower), 41)
    curve = [(float(v), ll(float(v)) - l_max) for v in grid]
    return ProfileResult(n_max, lower, upper, warnings, curve)


def lognormal_interval(observed: int, estimate: float, se: float | None,
                       level: float) -> tuple[float | None, float | None]:
    f0 = estimate - observed
    if se is None or not math.isfinite(estimate) or f0 <= 0:
        return None, None
    z = float(norm.ppf(1 - (1 - level) / 2))
    c = math.exp(z * math.sqrt(math.log(1 + se * se / (f0 * f0))))
    return observed + f0 / c, observed + f0 * c


@dataclass
class BootstrapResult:
    lower: float | None
    upper: float | None
    replicates: int
    failed: int
    seed: int | None
    how: str
    estimates: list[float] = field(default_factory=list)
    models: dict[str, int] = field(default_factory=dict)   # how often each model was chosen
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["estimates"] = [round(v, 2) for v in self.estimates]
        return d


def bootstrap_interval(table: CaptureTable, chosen: ModelFit, level: float = 0.95,
                       replicates: int = 200, seed: int | None = 0,
                       reselect: dict[str, Any] | None = None,
                       resample: str = "observed") -> BootstrapResult:
    """Bootstrap, repeating the selection: cells drawn from Poisson(observed count)
    (``resample="observed"``, the default) or Poisson(fitted count of the chosen model)
    (``"fitted"``, parametric — it rarely leaves the chosen model, so it understates model
    uncertainty)."""
    from factfinder.estimate import search
    from factfinder.estimate.loglinear import fit_design

    if chosen.poisson is None or chosen.X is None:
        raise ValueError("bootstrap needs the chosen model's fit")
    if replicates < 20:
        raise ValueError("use at least 20 bootstrap replicates")
    if resample not in ("observed", "fitted"):
        raise ValueError(f"resample must be observed or fitted, not {resample!r}")
    rng = np.random.default_rng(seed)
    mu = chosen.poisson.mu if resample == "fitted" else table.vector()
    pats = table.patterns()
    estimates: list[float] = []
    chosen_models: dict[str, int] = {}
    failed = 0
    for _ in range(replicates):
        draw = rng.poisson(mu)
        counts = {p: int(c) for p, c in zip(pats, draw, strict=True) if c > 0}
        try:
            rep = CaptureTable(table.lists, counts)
        except ValueError:
            failed += 1
            continue
        if reselect is not None:
            found = search.search(rep, **reselect)
            if not found.ranked:
                failed += 1
                continue
            best = found.ranked[0]
            est, name = best.estimate, best.name
        else:
            fit = fit_design(rep, chosen.X, chosen.name, chosen.model, check="screen")
            if fit.status == "unbounded":
                failed += 1
                continue
            est, name = fit.estimate, fit.name
        estimates.append(est)
        chosen_models[name] = chosen_models.get(name, 0) + 1
    warnings: list[str] = []
    how = (("parametric bootstrap" if resample == "fitted" else "bootstrap of the observed "
            "cells (Poisson)") + ", percentile, " + (
        "repeating the model selection" if reselect is not None else "fixed model")
        + f", {replicates} replicates, seed {seed}")
    if failed:
        warnings.append(f"{failed} of {replicates} bootstrap replicates had no estimable "
                        "total (counted as unbounded: the upper limit is then open)")
    if len(estimates) < 10:
        return BootstrapResult(None, None, replicates, failed, seed, how, estimates,
                               chosen_models, warnings + ["too few usable bootstrap "
                                                          "replicates for an interval"])
    alpha = (1 - level) / 2
    # failed replicates are unbounded: they sit above every finite estimate
    arr = np.sort(np.array(estimates + [math.inf] * failed))
    lower = _q(arr, alpha)
    upper = _q(arr, 1 - alpha)
    return BootstrapResult(lower, upper if math.isfinite(upper) else None, replicates, failed,
                           seed, how, estimates, dict(sorted(chosen_models.items(),
                                                             key=lambda kv: -kv[1])),
                           warnings)


def _q(sorted_values: np.ndarray, q: float) -> float:
    """Quantile (type 7) that copes with infinite values at the top."""
    n = sorted_values.size
    h = (n - 1) * q
    lo, hi = int(math.floor(h)), int(math.ceil(h))
    a, b = float(sorted_values[lo]), float(sorted_values[hi])
    if lo == hi or a == b:
        return a
    if not math.isfinite(b):
        return b
    return a + (h - lo) * (b - a)
