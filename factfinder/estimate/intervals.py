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
observed count as its mean (``resample="multinomial"``: the n people observed, drawn with
replacement, n fixed; ``resample="fitted"``: the chosen model's fitted count, a parametric
bootstrap, which rarely leaves the chosen model and so understates the uncertainty of the
choice), *repeats the model search* (unless the model was named), and re-estimates N. The
interval is the percentile interval of the replicates, or (``kind="bca"``) the BCa interval:
bias correction from the share of replicates below N̂, acceleration from the delete-one-person
jackknife repeating the selection. Replicates whose chosen model has no estimable total are
counted and reported.
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


def profile_loglik(table: CaptureTable, X: np.ndarray,
                   nonneg: list[int] | None = None) -> Callable[[float], float]:
    """The multinomial profile log likelihood of N for the design ``X`` (observable rows).

    ``nonneg``: columns whose coefficients may not be negative (Chao's lower-bound η's): at
    every trial N a negative one is set to 0 (the column dropped, the first negative one
    first, and the model refitted), as in the point estimate."""
    y = table.vector()
    n = float(table.observed)
    zero_row = np.zeros((1, X.shape[1]))
    zero_row[0, 0] = 1.0
    xa_full = np.vstack([X, zero_row])
    state: dict[tuple[int, ...], PoissonFit] = {}
    guarded = sorted(nonneg or [])

    def fit_at(ya: np.ndarray) -> PoissonFit:
        active = list(range(X.shape[1]))
        while True:
            xa = xa_full[:, active]
            last = state.get(tuple(active))
            fit = fit_poisson(xa, ya, start=last.beta if last is not None else None)
            if not fit.converged or not np.all(np.isfinite(fit.mu)):
                fit = fit_poisson(xa, ya)
            state[tuple(active)] = fit
            neg = [c for c in guarded if c in active and fit.beta[active.index(c)] < 0]
            if not neg:
                return fit
            active.remove(neg[0])

    def loglik(N: float) -> float:
        n0 = max(N - n, 0.0)
        ya = np.append(y, n0)
        fit = fit_at(ya)
        total = float(fit.mu.sum())
        return float(gammaln(N + 1) - gammaln(n0 + 1)
                     + np.sum(xlogy(ya, fit.mu / total)))

    return loglik


def profile_interval(table: CaptureTable, X: np.ndarray | None, level: float,
                     poisson_estimate: float, fmax: float = 3.0,
                     nonneg: list[int] | None = None) -> ProfileResult:
    """Rcapture's closedpCI profile interval for the design ``X`` (``nonneg``: see
    :func:`profile_loglik`)."""
    if X is None:
        return ProfileResult(None, None, None, ["no design to profile"])
    n = float(table.observed)
    if not math.isfinite(poisson_estimate):
        return ProfileResult(None, None, None, ["the estimate is unbounded: no interval"])
    ll = profile_loglik(table, X, nonneg)
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
    bca: dict[str, Any] = field(default_factory=dict)  # z0, acceleration, adjusted levels

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["estimates"] = [round(v, 2) for v in self.estimates]
        return d


def bootstrap_interval(table: CaptureTable, chosen: ModelFit, level: float = 0.95,
                       replicates: int = 200, seed: int | None = 0,
                       reselect: dict[str, Any] | None = None,
                       resample: str = "observed", kind: str = "percentile",
                       refit: Callable[[CaptureTable], tuple[float, str]] | None = None,
                       refit_selects: bool = False) -> BootstrapResult:
    """Bootstrap, repeating the selection.

    ``resample``: ``"observed"`` (default) draws every cell from Poisson(observed count);
    ``"multinomial"`` draws the n observed people with replacement (n fixed: Chan, Silverman &
    Vincent's scheme); ``"fitted"`` draws from Poisson(fitted count of the chosen model) —
    parametric, it rarely leaves the chosen model and so understates model uncertainty.

    ``kind``: ``"percentile"`` or ``"bca"`` (Efron 1987): bias correction
    z₀ = Φ⁻¹(share of replicates below N̂) and acceleration from the delete-one-person
    jackknife (each observed cell in turn loses one person, the whole selection is repeated,
    each cell's value weighted by its count), as SparseMSE's ``bcaconfvalues`` (quantiles of
    type 8).

    ``refit`` (a table → (N̂, model name) function) replaces the log-linear refit: used for
    heterogeneity models and their searches (``refit_selects``: it repeats a selection). It
    returns ``math.inf`` when N is unbounded."""
    from factfinder.estimate import search
    from factfinder.estimate.loglinear import fit_design

    if refit is None and (chosen.poisson is None or chosen.X is None):
        raise ValueError("bootstrap needs the chosen model's fit")
    if replicates < 20:
        raise ValueError("use at least 20 bootstrap replicates")
    if resample not in RESAMPLE:
        raise ValueError(f"resample must be one of {', '.join(RESAMPLE)}, not {resample!r}")
    if kind not in BOOT_KINDS:
        raise ValueError(f"bootstrap kind must be one of {', '.join(BOOT_KINDS)}, not "
                         f"{kind!r}")
    if resample == "fitted" and chosen.poisson is None:
        raise ValueError("a parametric bootstrap needs the chosen model's fitted cells")

    def one(rep: CaptureTable) -> tuple[float, str]:
        if refit is not None:
            return refit(rep)
        if reselect is not None:
            found = search.search(rep, **reselect)
            if not found.ranked:
                return math.inf, "(none)"
            best = found.ranked[0]
            return best.estimate, best.name
        assert chosen.X is not None
        fit = fit_design(rep, chosen.X, chosen.name, chosen.model, check="screen")
        if fit.status == "unbounded":
            return math.inf, fit.name
        return fit.estimate, fit.name

    rng = np.random.default_rng(seed)
    y = table.vector()
    n_obs = int(y.sum())
    mu = chosen.poisson.mu if resample == "fitted" and chosen.poisson is not None else y
    pats = table.patterns()
    estimates: list[float] = []
    chosen_models: dict[str, int] = {}
    failed = 0
    for _ in range(replicates):
        draw = rng.multinomial(n_obs, y / y.sum()) if resample == "multinomial" else \
            rng.poisson(mu)
        rep = _table_of(table, pats, draw)
        if rep is None:
            failed += 1
            continue
        try:
            est, name = one(rep)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            est, name = math.inf, "(failed)"
        if not math.isfinite(est):
            failed += 1
            continue
        estimates.append(est)
        chosen_models[name] = chosen_models.get(name, 0) + 1
    warnings: list[str] = []
    scheme = {"fitted": "parametric bootstrap",
              "observed": "bootstrap of the observed cells (Poisson)",
              "multinomial": "bootstrap of the people observed (multinomial)"}[resample]
    selects = reselect is not None or (refit is not None and refit_selects)
    what = "repeating the model selection" if selects else "fixed model"
    how = (f"{scheme}, {'BCa' if kind == 'bca' else 'percentile'}, {what}, "
           f"{replicates} replicates, seed {seed}")
    if failed:
        warnings.append(f"{failed} of {replicates} bootstrap replicates had no estimable "
                        "total (counted as unbounded: the upper limit is then open)")
    models = dict(sorted(chosen_models.items(), key=lambda kv: -kv[1]))
    if len(estimates) < 10:
        return BootstrapResult(None, None, replicates, failed, seed, how, estimates,
                               models, warnings + ["too few usable bootstrap "
                                                   "replicates for an interval"])
    alpha = (1 - level) / 2
    # failed replicates are unbounded: they sit above every finite estimate
    arr = np.sort(np.array(estimates + [math.inf] * failed))
    bca: dict[str, Any] = {}
    if kind == "bca":
        theta = chosen.estimate
        share = float(np.mean(arr < theta))
        accel, jwarn = _jackknife_acceleration(table, pats, one)
        warnings += jwarn
        if not 0 < share < 1 or accel is None:
            warnings.append("the BCa correction cannot be computed (" + (
                f"{share:.0%} of the replicates lie below the estimate" if not 0 < share < 1
                else "the jackknife failed") + "): the percentile interval is given")
            how = how.replace("BCa", "percentile (BCa not computable)")
            probs = (alpha, 1 - alpha)
            lower, upper = _q(arr, probs[0]), _q(arr, probs[1])
        else:
            z0 = float(norm.ppf(share))
            probs = (_bca_level(z0, accel, alpha), _bca_level(z0, accel, 1 - alpha))
            lower, upper = _q8(arr, probs[0]), _q8(arr, probs[1])
            bca = {"z0": round(z0, 6), "acceleration": round(accel, 6),
                   "share_below": round(share, 6),
                   "levels": [round(p, 6) for p in probs]}
    else:
        lower = _q(arr, alpha)
        upper = _q(arr, 1 - alpha)
    res = BootstrapResult(lower, upper if math.isfinite(upper) else None, replicates, failed,
                          seed, how, estimates, models, warnings)
    res.bca = bca
    return res


RESAMPLE = ("observed", "multinomial", "fitted")
BOOT_KINDS = ("percentile", "bca")


def _table_of(table: CaptureTable, pats: list[tuple[int, ...]],
              draw: np.ndarray) -> CaptureTable | None:
    counts = {p: int(c) for p, c in zip(pats, draw, strict=True) if c > 0}
    try:
        return CaptureTable(table.lists, counts)
    except ValueError:
        return None


def _bca_level(z0: float, a: float, alpha: float) -> float:
    """The BCa-adjusted probability level for the nominal ``alpha`` (Efron 1987)."""
    za = float(norm.ppf(alpha)) + z0
    return float(norm.cdf(z0 + za / (1 - a * za)))


def _jackknife_acceleration(table: CaptureTable, pats: list[tuple[int, ...]],
                            one: Callable[[CaptureTable], tuple[float, str]],
                            ) -> tuple[float | None, list[str]]:
    """Efron's acceleration â = Σ n_ω d_ω³ / (6 (Σ n_ω d_ω²)^{3/2}) from the delete-one-person
    jackknife: θ₍ω₎ is the estimate (selection repeated) with one person of cell ω removed,
    d_ω = θ̄ − θ₍ω₎ with θ̄ the count-weighted mean. Cells with no people carry no weight."""
    y = table.vector()
    vals, weights = [], []
    dropped = 0
    for i, c in enumerate(y):
        if c <= 0:
            continue
        draw = y.copy()
        draw[i] -= 1
        rep = _table_of(table, pats, draw)
        est = math.inf
        if rep is not None:
            try:
                est, _ = one(rep)
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                est = math.inf
        if not math.isfinite(est):
            dropped += int(c)
            continue
        vals.append(est)
        weights.append(c)
    warnings = []
    if dropped:
        warnings.append(f"the jackknife for the BCa acceleration had no estimable total "
                        f"after removing one of {dropped} people (their cells left out)")
    if len(vals) < 2:
        return None, warnings
    v, w = np.array(vals), np.array(weights)
    d = float(np.sum(w * v) / np.sum(w)) - v
    den = float(np.sum(w * d * d)) ** 1.5
    if den == 0:
        return 0.0, warnings
    return float(np.sum(w * d ** 3) / (6 * den)), warnings


def _q8(sorted_values: np.ndarray, q: float) -> float:
    """Quantile of type 8 (median-unbiased, R's ``quantile(type = 8)``, as SparseMSE's
    BCa), coping with infinite values at the top."""
    n = sorted_values.size
    h = (n + 1 / 3) * q + 1 / 3 - 1       # 0-based position
    if h <= 0:
        return float(sorted_values[0])
    if h >= n - 1:
        return float(sorted_values[-1])
    lo = int(math.floor(h))
    a, b = float(sorted_values[lo]), float(sorted_values[lo + 1])
    if a == b:
        return a
    if not math.isfinite(b):
        return b
    return a + (h - lo) * (b - a)


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
