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
                      bic_n: str = "cases") -> tuple[ModelFit, dict[str, Any]]:
    """Fit a log-linear heterogeneity model (every kind but ``normal``)."""
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
        fit = fit_design(table, X, name, None, bic_n, "full", names + cnames)
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
               level: float = 0.95) -> Estimate:
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
    hess = _hessian(dev, param)
    warnings = list(checks.table_warnings(table))
    se: float | None = None
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


def estimate_heterogeneity(table: CaptureTable, kind: str, model: str | None = None,
                           equal_lists: bool = False, theta: float | None = None,
                           bic_n: str = "cases", interval: str = "profile",
                           level: float = 0.95) -> Estimate:
    from factfinder.estimate import intervals

    kind = kind.lower()
    if kind not in KINDS and kind != "none":
        raise ValueError(f"heterogeneity must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "normal":
        return fit_normal(table, model, equal_lists, level)
    fit, details = fit_heterogeneity(table, kind, model, equal_lists, theta, bic_n)
    warnings = list(fit.warnings)
    est: float | None = fit.estimate
    lower = upper = None
    how = None
    if fit.status == "unbounded":
        est = None
    elif interval == "profile":
        prof = intervals.profile_interval(table, fit.X, level, fit.estimate)
        lower, upper, how = prof.lower, prof.upper, "profile likelihood (multinomial)"
        details["profile"] = prof.to_dict()
        warnings += prof.warnings
    elif interval in ("lognormal", "bootstrap"):
        if interval == "bootstrap":
            warnings.append("bootstrap intervals are for log-linear model selection; a "
                            "log-normal interval is given for the heterogeneity model")
        lower, upper = intervals.lognormal_interval(table.observed, fit.estimate, fit.se,
                                                    level)
        how = "log-normal (Chao 1987)"
    return Estimate("loglinear", _r(est), _r(lower), _r(upper), level, table.observed,
                    fit.name, fit=fit.fit_dict(), warnings=warnings, interval=how,
                    details=details)
