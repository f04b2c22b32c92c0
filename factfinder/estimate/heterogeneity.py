"""Heterogeneous capture probabilities: Rcapture's Mh/Mth models (Rivest & Baillargeon).

People differ in how likely they are to be recorded; with k lists this shows up as a term in
the number of lists a person is on, n_ω = Σ ω_j (Rivest & Baillargeon 2007, Rivest 2011). The
log-linear model becomes ``intercept + list effects (+ interactions) + τ(n_ω)`` with, as in
Rcapture (``Xclosedp``):

* **chao** — Chao's lower bound: one column per j = 3 … k, max(n_ω − j + 1, 0); a negative
  coefficient is set to 0 (the column dropped, the first negative one first, and the model
  refitted), as Rcapture does with ``neg = TRUE``. Needs 3 lists or more.
* **darroch** — τ = n_ω² / 2 (Darroch et al. 1993).
* **poisson** — τ = θ^n_ω − 1, θ = 2 by default.
* **gamma** — τ = −log(θ + n_ω) + log θ, θ = 3.5 by default.
* **normal** — a normal random effect on the log odds of capture (Rivest 2011): the cell means
  are exp(β₀ + Xβ + φ(n_ω)) with φ computed by 20-point Gauss–Hermite quadrature, fitted by
  minimising the Poisson deviance over (β, σ). The interval is Rcapture's log-normal one
  (Chao 1987) from the standard error, which Rcapture takes from the inverse Hessian *of the
  deviance*; we do the same so that our numbers match Rcapture's.

``equal_lists=True`` gives Mh (one capture probability for all lists, a single n_ω column)
instead of Mth (one effect per list, the default). Interaction terms from ``model`` are added
to the list effects (Rivest 2011 uses the diabetes interaction set c1:c3 + c2:c4 + c3:c4).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, xlogy

from factfinder.estimate import checks
from factfinder.estimate.glm import deviance as poisson_deviance
from factfinder.estimate.loglinear import ModelFit, fit_design
from factfinder.estimate.models import INDEPENDENCE, model_name, parse_model, term_columns
from factfinder.estimate.models import ordered_terms as _ordered
from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

KINDS = ("chao", "darroch", "poisson", "gamma", "normal")
LABELS = {"chao": "Chao (lower bound)", "darroch": "Darroch", "poisson": "Poisson",
          "gamma": "Gamma", "normal": "Normal"}

# Gauss–Hermite nodes and weights, 20 points (Abramowitz & Stegun 1972, p. 924)
_GH_X, _GH_W = np.polynomial.hermite.hermgauss(20)


def het_columns(nbcap: np.ndarray, kind: str, k: int,
                theta: float | None) -> tuple[np.ndarray, list[str]]:
    if kind == "chao":
        if k < 3:
            raise ValueError("the Chao lower-bound model needs at least 3 lists")
        cols = np.column_stack([np.maximum(nbcap - j + 1, 0) for j in range(3, k + 1)])
        return cols, [f"eta{j}" for j in range(3, k + 1)]
    if kind == "darroch":
        return (nbcap ** 2 / 2)[:, None], ["tau"]
    if kind == "poisson":
        th = 2.0 if theta is None else theta
        return (th ** nbcap - 1)[:, None], ["tau"]
    if kind == "gamma":
        th = 3.5 if theta is None else theta
        return (-np.log(th + nbcap) + math.log(th))[:, None], ["tau"]
    if kind == "none":
        return np.zeros((nbcap.size, 0)), []
    raise ValueError(f"heterogeneity must be one of {', '.join(KINDS)}, not {kind!r}")


def _base(table: CaptureTable, model: str | None,
          equal_lists: bool) -> tuple[np.ndarray, list[str], str]:
    pats = table.design()
    ones = np.ones((pats.shape[0], 1))
    m = parse_model(model, table.lists) if model else INDEPENDENCE
    terms = _ordered(m)
    inter = term_columns(pats, terms)
    tnames = [":".join(table.lists[i] for i in t) for t in terms]
    if equal_lists:
        base = np.hstack([ones, pats.sum(axis=1, keepdims=True), inter])
        names = ["(intercept)", "n captures", *tnames]
        label = "Mh"
    else:
        base = np.hstack([ones, pats, inter])
        names = ["(intercept)", *table.lists, *tnames]
        label = "Mth"
    if m:
        label += " + " + model_name(m, table.lists)
    return base, names, label


def fit_heterogeneity(table: CaptureTable, kind: str, model: str | None = None,
                      equal_lists: bool = False, theta: float | None = None,
                      bic_n: str = "cases",
                      check: str = "full") -> tuple[ModelFit, dict[str, Any]]:
    """Fit a log-linear heterogeneity model (every kind but ``normal``); ``check`` as
    :func:`factfinder.estimate.loglinear.fit_design`."""
    base, names, label = _base(table, model, equal_lists)
    nbcap = table.design().sum(axis=1)
    cols, cnames = het_columns(nbcap, kind, table.k, theta)
    name = f"{label}, heterogeneity {LABELS[kind]}" if kind != "none" else (
        label.replace("Mh", "M0", 1))
    if kind in ("poisson", "gamma"):
        name += f"({3.5 if theta is None and kind == 'gamma' else theta or 2:g})"
    dropped: list[str] = []
    while True:
        X = np.hstack([base, cols]) if cols.shape[1] else base
        fit = fit_design(table, X, name, None, bic_n, check, names + cnames)
        if kind != "chao" or fit.poisson is None or not cnames:
            break
        eta = fit.poisson.beta[base.shape[1]:]
        neg = [i for i, v in enumerate(eta) if v < 0]
        if not neg:
            break
        dropped.append(cnames[neg[0]])
        keep = [i for i in range(len(cnames)) if i != neg[0]]
        cols = cols[:, keep]
        cnames = [cnames[i] for i in keep]
    fit.spec = {"kind": kind, "model": model, "equal_lists": equal_lists, "theta": theta}
    details = {"heterogeneity": kind, "columns": cnames,
               "coefficients": dict(zip(names + cnames, [round(float(b), 6) for b in
                                                         fit.poisson.beta], strict=True))
               if fit.poisson is not None else {}}
    if dropped:
        details["eta_set_to_zero"] = dropped
    return fit, details


def _normal_mu(param: np.ndarray, base: np.ndarray, nbcap: np.ndarray, k: int) -> np.ndarray:
    p = base.shape[1]
    beta, sig = param[:p], param[p]
    eta = base @ beta
    b0 = beta[0]
    # C(z) = P(no capture | random effect z): exp(b0) / (exp(b0) + Σ_ω exp(η_ω + n_ω z√2σ))
    z = _GH_X * math.sqrt(2) * sig
    lin = eta[None, :] + np.outer(z, nbcap)
    top = np.max(lin, axis=1)
    denom_log = np.logaddexp(b0, top + np.log(np.exp(lin - top[:, None]).sum(axis=1)))
    c = np.exp(b0 - denom_log)
    i = np.arange(1, k + 1)
    num = (_GH_W[:, None] * np.exp(np.outer(z, i)) * c[:, None]).sum(axis=0)
    phi = np.log(num / float((_GH_W * c).sum()))
    return np.exp(np.clip(eta + phi[nbcap.astype(int) - 1], -700, 700))


def fit_normal(table: CaptureTable, model: str | None = None, equal_lists: bool = False,
               level: float = 0.95, interval: bool = True) -> Estimate:
    """Rivest's (2011) normal heterogeneity model, as Rcapture's closedpCI(h = "Normal")."""
    from scipy.stats import norm

    base, names, label = _base(table, model, equal_lists)
    y = table.vector()
    nbcap = table.design().sum(axis=1)
    dcols, _ = het_columns(nbcap, "darroch", table.k, None)
    start_fit = fit_design(table, np.hstack([base, dcols]), "start", None, check="none")
    assert start_fit.poisson is not None
    start = np.append(start_fit.poisson.beta[:base.shape[1]], 0.2)

    def dev(param: np.ndarray) -> float:
        mu = _normal_mu(param, base, nbcap, table.k)
        return poisson_deviance(y, mu) if np.all(np.isfinite(mu)) else 1e300

    res = minimize(dev, start, method="BFGS", options={"gtol": 1e-8, "maxiter": 2000})
    param = res.x
    b0 = float(param[0])
    n = table.observed
    f0 = math.exp(b0)
    est = n + f0
    warnings = list(checks.table_warnings(table))
    se: float | None = None
    if not interval:  # a bootstrap replicate: the estimate alone
        ok = math.isfinite(est) and est <= 1e4 * max(n, 1)
        return Estimate("loglinear", est if ok else None, observed=n,
                        model=f"{label}, heterogeneity Normal")
    hess = _hessian(dev, param)
    try:
        cov = np.linalg.inv(hess)
        var = f0 + f0 * f0 * float(cov[0, 0])
        se = math.sqrt(var) if var > 0 else None
    except np.linalg.LinAlgError:
        warnings.append("the Hessian is singular: no standard error or interval")
    if param[-1] <= 0:
        warnings.append("the estimated σ is not positive: the data show no heterogeneous "
                        "catchability")
    grad = _gradient(dev, param, 1e-6)
    if not res.success and float(np.max(np.abs(grad))) > 1e-3:
        warnings.append(f"the normal model's optimiser did not converge: {res.message}")
    lower = upper = None
    if se is not None and f0 > 0:
        z = float(norm.ppf(1 - (1 - level) / 2))
        c = math.exp(z * math.sqrt(math.log(1 + se * se / (f0 * f0))))
        lower, upper = n + f0 / c, n + f0 * c
    mu = _normal_mu(param, base, nbcap, table.k)
    p = base.shape[1] + 2  # Rcapture counts the Darroch model's rank: loglinear + τ
    ll = float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1)))
    pen = math.log(max(n, 1))
    fit = {"deviance": round(float(res.fun), 4), "df": float(y.size - p), "aic":
           round(-2 * ll + 2 * p, 4), "bic": round(-2 * ll + pen * p, 4),
           "se": round(se, 4) if se is not None else None, "sigma": round(float(param[-1]), 6)}
    if est > 20 * max(n, 1):
        warnings.append(f"the estimate ({est:,.0f}) is {est / n:,.0f} times the number observed")
    return Estimate("loglinear", round(est, 4), _r(lower), _r(upper), level, n,
                    f"{label}, heterogeneity Normal", fit=fit, warnings=warnings,
                    interval="log-normal (Chao 1987), as Rcapture for the normal model",
                    details={"heterogeneity": "normal", "sigma": float(param[-1]),
                             "coefficients": dict(zip([*names, "sigma"],
                                                      [float(v) for v in param], strict=True))})


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _gradient(f: Any, x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def _hessian(f: Any, x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    """R's ``optimhess`` with its defaults: central differences (step 10⁻³) of the
    finite-difference gradient, symmetrised — what ``optim(hessian = TRUE)`` returns."""
    n = x.size
    out = np.zeros((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = eps
        out[i] = (_gradient(f, x + e) - _gradient(f, x - e)) / (2 * eps)
    return 0.5 * (out + out.T)


def chao_design(table: CaptureTable, model: str | None,
                equal_lists: bool) -> tuple[np.ndarray, list[int]]:
    """Chao's model with every η column, and the indices of those columns (they may not be
    negative: see :func:`factfinder.estimate.intervals.profile_loglik`)."""
    base, _, _ = _base(table, model, equal_lists)
    cols, _ = het_columns(table.design().sum(axis=1), "chao", table.k, None)
    X = np.hstack([base, cols])
    return X, list(range(base.shape[1], X.shape[1]))


def refit_function(kind: str, model: str | None, equal_lists: bool, theta: float | None,
                   bic_n: str) -> Any:
    """Table → (N̂, name) for one heterogeneity model (the bootstrap's refit): Chao's η's
    are re-checked for sign on every replicate; ``math.inf`` when N is unbounded."""

    def refit(rep: CaptureTable) -> tuple[float, str]:
        if kind == "normal":
            e = fit_normal(rep, model, equal_lists, interval=False)
            return (e.estimate if e.estimate is not None else math.inf), e.model or ""
        fit, _ = fit_heterogeneity(rep, kind, model, equal_lists, theta, bic_n,
                                   check="screen")
        return (fit.estimate if fit.status != "unbounded" else math.inf), fit.name

    return refit


def estimate_heterogeneity(table: CaptureTable, kind: str, model: str | None = None,
                           equal_lists: bool = False, theta: float | None = None,
                           bic_n: str = "cases", interval: str = "profile",
                           level: float = 0.95, bootstrap: int = 200, seed: int | None = 0,
                           resample: str = "observed") -> Estimate:
    from factfinder.estimate import intervals

    kind = kind.lower()
    if kind not in KINDS and kind != "none":
        raise ValueError(f"heterogeneity must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "normal":
        result = fit_normal(table, model, equal_lists, level)
        if interval in ("bootstrap", "bca") and result.estimate is not None:
            boot = _bootstrap_normal(table, result, model, equal_lists, level, bootstrap,
                                     seed, resample, interval)
            result.lower, result.upper = _r(boot.lower), _r(boot.upper)
            result.interval = boot.how
            result.details["bootstrap"] = boot.to_dict()
            result.warnings += boot.warnings
        return result
    fit, details = fit_heterogeneity(table, kind, model, equal_lists, theta, bic_n)
    warnings = list(fit.warnings)
    est: float | None = fit.estimate
    lower = upper = None
    how = None
    if fit.status == "unbounded":
        est = None
    elif interval == "profile":
        if kind == "chao":
            X, nonneg = chao_design(table, model, equal_lists)
            prof = intervals.profile_interval(table, X, level, fit.estimate, nonneg=nonneg)
        else:
            prof = intervals.profile_interval(table, fit.X, level, fit.estimate)
        lower, upper, how = prof.lower, prof.upper, "profile likelihood (multinomial)"
        if kind == "chao":
            how += ", negative η set to 0 at every point"
        details["profile"] = prof.to_dict()
        warnings += prof.warnings
    elif interval in ("bootstrap", "bca"):
        boot = intervals.bootstrap_interval(
            table, fit, level=level, replicates=bootstrap, seed=seed, resample=resample,
            kind="bca" if interval == "bca" else "percentile",
            refit=refit_function(kind, model, equal_lists, theta, bic_n))
        lower, upper, how = boot.lower, boot.upper, boot.how
        details["bootstrap"] = boot.to_dict()
        warnings += boot.warnings
    elif interval == "lognormal":
        lower, upper = intervals.lognormal_interval(table.observed, fit.estimate, fit.se,
                                                    level)
        how = "log-normal (Chao 1987)"
    return Estimate("loglinear", _r(est), _r(lower), _r(upper), level, table.observed,
                    fit.name, fit=fit.fit_dict(), warnings=warnings, interval=how,
                    details=details)


def _bootstrap_normal(table: CaptureTable, result: Estimate, model: str | None,
                      equal_lists: bool, level: float, replicates: int, seed: int | None,
                      resample: str, interval: str) -> Any:
    from factfinder.estimate import intervals

    if resample == "fitted":
        raise ValueError("the parametric bootstrap is not available for the normal model")
    assert result.estimate is not None
    stub = ModelFit(result.model or "normal", None, result.estimate, None, 0.0, 0, 0.0, 0.0,
                    0, True)
    return intervals.bootstrap_interval(
        table, stub, level=level, replicates=replicates, seed=seed, resample=resample,
        kind="bca" if interval == "bca" else "percentile",
        refit=refit_function("normal", model, equal_lists, None, "cases"))


SEARCH_KINDS = ("chao", "darroch", "poisson", "gamma")


def heterogeneity_candidates(table: CaptureTable, bic_n: str = "cases",
                             theta: float | None = None,
                             interactions: str | None = None) -> list[ModelFit]:
    """Rcapture's ``closedp`` set: M0, and Mh and Mth with each heterogeneity term (Chao,
    Darroch, Poisson, Gamma), and — when ``interactions`` names the best log-linear model —
    that model's interactions with each term (as ``closedpCI(mX = …, h = …)``). The normal
    model is left out of searches (it is not a Poisson GLM and is slow to fit)."""
    out: list[ModelFit] = []
    m0, _ = fit_heterogeneity(table, "none", None, True, None, bic_n, check="screen")
    out.append(m0)
    n_cells = 2 ** table.k - 1
    for kind in SEARCH_KINDS:
        specs: list[tuple[str | None, bool]] = [(None, True), (None, False)]
        if interactions:
            specs.append((interactions, False))
        for model, eq in specs:
            fit, _ = fit_heterogeneity(table, kind, model, eq, theta, bic_n, check="screen")
            if fit.n_params <= n_cells:
                fit.poisson = None
                fit.X = None
                out.append(fit)
    return out


def search_heterogeneity(table: CaptureTable, criterion: str = "bic", bic_n: str = "cases",
                         max_order: int | None = None, starts: int = 4, seed: int | None = 0,
                         theta: float | None = None) -> tuple[list[ModelFit], dict[str, Any]]:
    """The log-linear search's candidates together with :func:`heterogeneity_candidates`
    (built on the best log-linear model's interactions), ranked by ``criterion``: AIC and
    BIC are comparable since every model is a Poisson GLM of the same cells."""
    from factfinder.estimate import search

    if table.k < 3:
        raise ValueError("a heterogeneity search needs at least 3 lists")
    found = search.search(table, criterion=criterion, bic_n=bic_n, max_order=max_order,
                          starts=starts, seed=seed)
    inter = None
    if found.ranked and found.ranked[0].model:
        inter = model_name(found.ranked[0].model, table.lists)
    het = heterogeneity_candidates(table, bic_n, theta, inter)
    ranked, dropped = search._rank([*found.ranked, *het], criterion)
    details = dict(found.details)
    details["search"] += (" and Rcapture's heterogeneity models (M0; Mh, Mth"
                          + (f", Mth + {inter}" if inter else "")
                          + " with Chao, Darroch, Poisson, Gamma)")
    details["models_fitted"] += len(het)
    details["models_unbounded"] += dropped
    return ranked, details


def search_refit(criterion: str, bic_n: str, max_order: int | None, starts: int,
                 seed: int | None, theta: float | None) -> Any:
    """Table → (N̂, name) of the best model of :func:`search_heterogeneity` (bootstrap)."""

    def refit(rep: CaptureTable) -> tuple[float, str]:
        ranked, _ = search_heterogeneity(rep, criterion, bic_n, max_order, starts, seed,
                                         theta)
        if not ranked:
            return math.inf, "(none)"
        return ranked[0].estimate, ranked[0].name

    return refit


def residual_heterogeneity(table: CaptureTable, chosen: ModelFit, bic_n: str = "cases",
                           alpha: float = 0.05, change: float = 0.05) -> str | None:
    """Rcapture-style check of the chosen log-linear model for heterogeneity it leaves out.

    Each heterogeneity term (Chao, Darroch, Poisson, Gamma) is added to the chosen model's
    list effects and interactions (Mth + interactions); a warning is returned when at least
    one lowers the deviance significantly (likelihood-ratio test at ``alpha``, one degree of
    freedom per added column) *and* moves N̂ by more than ``change`` (relative). Neither
    condition alone is worth a warning: a significant term that leaves N̂ where it was does
    not change the answer, and a different N̂ from a term the data do not support is the
    prior talking."""
    from scipy.stats import chi2

    if table.k < 3 or chosen.model is None or chosen.status != "ok":
        return None
    inter = model_name(chosen.model, table.lists) if chosen.model else None
    better = []
    for kind in SEARCH_KINDS:
        try:
            fit, det = fit_heterogeneity(table, kind, inter, False, None, bic_n,
                                         check="screen")
        except (ValueError, np.linalg.LinAlgError):
            continue
        added = fit.n_params - chosen.n_params
        if fit.status != "ok" or added < 1 or fit.df < 0:
            continue
        drop = chosen.deviance - fit.deviance
        p = float(chi2.sf(drop, added)) if drop > 0 else 1.0
        if p < alpha:
            better.append((LABELS[kind], fit.estimate, fit.deviance, p))
    if not any(abs(b[1] - chosen.estimate) > change * chosen.estimate for b in better):
        return None
    better.sort(key=lambda b: b[2])
    name, est, dev, p = better[0]
    others = ", ".join(f"{b[0]} {b[1]:,.0f}" for b in better[1:])
    return (f"capture heterogeneity: adding Rcapture's {name} term to the chosen model lowers "
            f"the deviance from {chosen.deviance:.2f} to {dev:.2f} (p = {p:.2g}) and moves the "
            f"estimate to {est:,.0f} (vs {chosen.estimate:,.0f})"
            + (f"; also {others}" if others else "")
            + ": people differ in how findable they are — compare the heterogeneity models "
            "(--heterogeneity search, or chao/darroch/normal with --model) and report the "
            "spread")
