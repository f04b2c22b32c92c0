"""Log-linear multiple systems estimation (Fienberg 1972; Rcapture's closedp/closedpCI).

Every observable capture pattern — all 2^k − 1 of them, zero cells included — is a Poisson
count with log mean ``intercept + Σ list effects + interactions (+ heterogeneity)``. The
all-absent pattern has design row (1, 0, …, 0), so the unrecorded count is exp(intercept) and
N̂ = observed + exp(intercept). Its standard error is Rcapture's
sqrt(exp(β₀) + exp(2β₀) Var β₀).

:func:`fit_design` fits one design matrix; :func:`fit_model` one named model;
:func:`estimate_loglinear` is the method the dispatcher calls: a named model or a model search
(:mod:`factfinder.estimate.search`), optional heterogeneity terms
(:mod:`factfinder.estimate.heterogeneity`), and an interval
(:mod:`factfinder.estimate.intervals`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from factfinder.estimate import checks
from factfinder.estimate.glm import PoissonFit, fit_poisson
from factfinder.estimate.models import (
    Model,
    ModelError,
    column_names,
    design,
    model_name,
    parse_model,
)
from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

CRITERIA = ("aic", "bic", "stepwise")
BIC_N = ("cases", "cells")
INTERVALS = ("profile", "bootstrap", "bca", "lognormal", "none")
SCREEN_MU = 1e-7  # an empty cell fitted below this: the MLE may not exist; check it


@dataclass
class ModelFit:
    """One fitted log-linear model."""

    name: str
    model: Model | None          # None for models that are not plain interaction sets
    estimate: float              # N̂ (inf when the unrecorded count is not estimable)
    se: float | None
    deviance: float
    df: int
    aic: float
    bic: float
    n_params: int
    converged: bool
    status: str = "ok"           # ok | boundary (MLE does not exist, N estimable) | unbounded
    warnings: list[str] = field(default_factory=list)
    poisson: PoissonFit | None = None
    X: np.ndarray | None = None
    spec: dict[str, Any] | None = None  # heterogeneity models: kind, model, equal_lists, theta

    def criterion(self, which: str) -> float:
        return self.aic if which == "aic" else self.bic  # stepwise: BIC, for display

    def fit_dict(self) -> dict[str, float | None]:
        return {"deviance": _r(self.deviance), "df": float(self.df), "aic": _r(self.aic),
                "bic": _r(self.bic), "se": _r(self.se) if self.se is not None else None,
                "parameters": float(self.n_params)}

    def summary(self) -> dict[str, Any]:
        return {"model": self.name, "estimate": _r(self.estimate), "se": _r(self.se),
                "deviance": _r(self.deviance), "df": self.df, "aic": _r(self.aic),
                "bic": _r(self.bic), "status": self.status}


def _r(x: float | None, nd: int = 4) -> float | None:
    if x is None or not math.isfinite(x):
        return None if x is None else (float("inf") if x > 0 else float("-inf"))
    return round(float(x), nd)


def bic_penalty(table: CaptureTable, bic_n: str) -> float:
    if bic_n not in BIC_N:
        raise ValueError(f"bic_n must be one of {', '.join(BIC_N)}, not {bic_n!r}")
    n = table.observed if bic_n == "cases" else 2 ** table.k - 1
    return math.log(max(n, 1))


def fit_design(table: CaptureTable, X: np.ndarray, name: str, model: Model | None = None,
               bic_n: str = "cases", check: str = "full",
               names: list[str] | None = None) -> ModelFit:
    """Fit the design ``X`` (intercept first, one row per :meth:`CaptureTable.patterns`).

    ``check``: ``"full"`` runs the Fienberg–Rinaldo programme whenever the table has zero
    cells; ``"screen"`` (model search) only when the fit shows the signs of a non-existent
    MLE (an empty cell fitted near 0, or no convergence)."""
    y = table.vector()
    fit = fit_poisson(X, y)
    p = X.shape[1]
    df = y.size - p
    b0 = float(fit.beta[0])
    unrec = math.exp(b0) if b0 < 700 else math.inf
    estimate = table.observed + unrec
    se: float | None = None
    if fit.cov is not None and math.isfinite(unrec):
        var = unrec + unrec * unrec * float(fit.cov[0, 0])
        se = math.sqrt(var) if var >= 0 else None
    aic = -2 * fit.loglik + 2 * p
    bic = -2 * fit.loglik + bic_penalty(table, bic_n) * p
    mf = ModelFit(name, model, estimate, se, fit.deviance, df, aic, bic, p, fit.converged,
                  poisson=fit, X=X)
    zero = y == 0
    suspicious = (not fit.converged) or (
        bool(zero.any()) and float(fit.mu[zero].min()) < SCREEN_MU) or not math.isfinite(unrec)
    if check == "screen" and suspicious:
        ex = checks.numerical_face(X, y, fit.mu, SCREEN_MU)
        if not ex.exists:
            mf.status = "boundary" if ex.n_estimable else "unbounded"
            if mf.status == "boundary":
                mf.se = None  # the information matrix is near-singular on the boundary
    if check == "full":
        ex = checks.mle_existence(X, y, names)
        if not ex.exists:
            mf.status = "boundary" if ex.n_estimable else "unbounded"
        if model is not None:
            mf.warnings = checks.fit_warnings(table, model, X, y, estimate, fit.converged, ex)
        else:
            mf.warnings = _design_warnings(table, estimate, fit.converged, ex)
    if not math.isfinite(unrec) or unrec > 1e4 * max(table.observed, 1):
        mf.status = "unbounded"
    if mf.status == "unbounded":
        mf.se = None
    if mf.status == "unbounded" and not any("unbounded" in w for w in mf.warnings):
        mf.warnings.append("the estimate runs off to infinity under this model: do not "
                           "report it")
    return mf


def _design_warnings(table: CaptureTable, estimate: float, converged: bool,
                     ex: checks.Existence) -> list[str]:
    out = []
    if not ex.exists:
        out.append(f"the maximum likelihood estimate does not exist: {len(ex.zero_fitted)} "
                   "empty cell(s) are fitted as exactly 0"
                   + ("; not identifiable: " + ", ".join(ex.unidentified)
                      if ex.unidentified else ""))
        if not ex.n_estimable:
            out.append("the number of unrecorded people is not identifiable under this "
                       "model: the estimate is unbounded — do not report it")
    if not converged:
        out.append("the fit did not converge")
    if math.isfinite(estimate) and estimate > 20 * max(table.observed, 1):
        out.append(f"the estimate ({estimate:,.0f}) is {estimate / table.observed:,.0f} times "
                   "the number observed: it is driven by the model, not by the data")
    return out


def fit_model(table: CaptureTable, model: Model | str, bic_n: str = "cases",
              check: str = "full") -> ModelFit:
    """Fit one log-linear model (a :class:`Model` or its name, e.g. ``"c1:c2 + c2:c3"``)."""
    if isinstance(model, str):
        model = parse_model(model, table.lists)
    X = design(table.design(), model)
    if X.shape[1] > X.shape[0]:
        raise ModelError(f"{model_name(model, table.lists)} has {X.shape[1]} parameters for "
                         f"{X.shape[0]} cells")
    return fit_design(table, X, model_name(model, table.lists), model, bic_n, check,
                      column_names(table.lists, model))


def estimate_loglinear(table: CaptureTable, model: str | None = None, criterion: str = "bic",
                       bic_n: str = "cases", heterogeneity: str | None = None,
                       interval: str = "profile", level: float = 0.95,
                       bootstrap: int = 200, seed: int | None = 0,
                       max_order: int | None = None, starts: int = 4,
                       equal_lists: bool = False, theta: float | None = None,
                       top: int = 10, resample: str = "observed") -> Estimate:
    """Log-linear estimate: one named ``model``, or the best by ``criterion`` over a search.

    ``heterogeneity`` (chao, darroch, poisson, gamma, normal) adds Rcapture's heterogeneity
    term to the named model (default: independence, i.e. Rcapture's Mth; ``equal_lists``: Mh,
    one capture probability for all lists). ``interval``: profile (multinomial profile
    likelihood, Rcapture's closedpCI), bootstrap (percentile, repeating the model selection;
    ``resample`` observed, multinomial or fitted cells), bca (the same replicates, BCa with a
    jackknife acceleration), lognormal (Chao 1987, from the standard error) or none."""
    from factfinder.estimate import intervals, search

    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be aic, bic or stepwise, not {criterion!r}")
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    bic_penalty(table, bic_n)
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    table_warn = checks.table_warnings(table)
    het_search = (heterogeneity or "").lower() == "search"
    if het_search and (model is not None or equal_lists):
        raise ValueError("heterogeneity=search searches the models: it takes neither a named "
                         "model nor equal_lists")
    if (heterogeneity and not het_search) or equal_lists:
        from factfinder.estimate import heterogeneity as het

        result = het.estimate_heterogeneity(table, heterogeneity or "none", model=model,
                                            equal_lists=equal_lists, theta=theta,
                                            bic_n=bic_n, interval=interval, level=level,
                                            bootstrap=bootstrap, seed=seed,
                                            resample=resample)
        result.warnings = table_warn + result.warnings
        return result

    details: dict[str, Any] = {"bic_n": bic_n, "criterion": criterion}
    candidates: list[ModelFit] = []
    nonneg: list[int] | None = None
    profile_x: np.ndarray | None = None
    if model is not None:
        chosen = fit_model(table, model, bic_n)
        selection = "named"
    else:
        if het_search:
            from factfinder.estimate import heterogeneity as het

            candidates, found_details = het.search_heterogeneity(
                table, criterion, bic_n, max_order, starts, seed, theta)
        else:
            found = search.search(table, criterion=criterion, bic_n=bic_n,
                                  max_order=max_order, starts=starts, seed=seed)
            candidates, found_details = found.ranked, found.details
        details.update(found_details)
        if not candidates:
            return Estimate("loglinear", None, level=level, observed=table.observed,
                            model=None, warnings=table_warn + [
                                "no candidate model has an estimable total: every model's "
                                "estimate is unbounded — the lists do not support an "
                                "estimate"], details=details)
        best = candidates[0]
        if best.spec is not None:  # a heterogeneity model won
            from factfinder.estimate import heterogeneity as het

            spec = best.spec
            chosen, het_details = het.fit_heterogeneity(
                table, spec["kind"], spec["model"], spec["equal_lists"], spec["theta"],
                bic_n)
            details["heterogeneity"] = het_details
            if spec["kind"] == "chao":
                profile_x, nonneg = het.chao_design(table, spec["model"],
                                                    spec["equal_lists"])
        else:
            assert best.model is not None
            chosen = fit_model(table, best.model, bic_n)  # full checks on the winner
        selection = found_details["search"]
    details["selection"] = selection
    warnings = table_warn + chosen.warnings
    if chosen.spec is None and chosen.status == "ok" and table.k >= 3:
        from factfinder.estimate import heterogeneity as het

        residual = het.residual_heterogeneity(table, chosen, bic_n)
        if residual:
            warnings.append(residual)
    est: float | None = chosen.estimate
    lower = upper = None
    how = None
    if chosen.status == "unbounded":
        est = None
    elif interval == "profile":
        prof = intervals.profile_interval(table, profile_x if profile_x is not None
                                          else chosen.X, level, chosen.estimate,
                                          nonneg=nonneg)
        lower, upper, how = prof.lower, prof.upper, "profile likelihood (multinomial)"
        if nonneg:
            how += ", negative η set to 0 at every point"
        details["profile"] = prof.to_dict()
        warnings += prof.warnings
    elif interval == "lognormal":
        lower, upper = intervals.lognormal_interval(table.observed, chosen.estimate,
                                                    chosen.se, level)
        how = "log-normal (Chao 1987)"
    elif interval in ("bootstrap", "bca"):
        refit = None
        if het_search:
            from factfinder.estimate import heterogeneity as het

            refit = het.search_refit(criterion, bic_n, max_order, starts, seed, theta)
        boot = intervals.bootstrap_interval(
            table, chosen, level=level, replicates=bootstrap, seed=seed,
            reselect=None if model is not None or het_search else dict(
                criterion=criterion, bic_n=bic_n, max_order=max_order, starts=starts),
            resample=resample, kind="bca" if interval == "bca" else "percentile",
            refit=refit, refit_selects=True)
        lower, upper = boot.lower, boot.upper
        how = boot.how
        details["bootstrap"] = boot.to_dict()
        warnings += boot.warnings
    models_out = []
    if candidates:
        pool = [c for c in candidates if c.status == candidates[0].status]
        crit = np.array([c.criterion(criterion) for c in pool])
        w = np.exp(-(crit - crit.min()) / 2)
        weights = dict(zip([id(c) for c in pool], w / w.sum(), strict=True))
        best_crit = float(crit.min())
        for c in candidates[:top]:
            d = c.summary()
            d["delta"] = _r(c.criterion(criterion) - best_crit)
            d["weight"] = _r(float(weights[id(c)])) if id(c) in weights else None
            models_out.append(d)
        if len(pool) > 1:
            runner = pool[1]
            gap = runner.criterion(criterion) - pool[0].criterion(criterion)
            differs = abs(runner.estimate - chosen.estimate) > 0.05 * chosen.estimate
            if gap < 2 and differs:
                warnings.append(
                    f"model choice is uncertain: {runner.name} is within {gap:.1f} "
                    f"{criterion.upper()} points and estimates {runner.estimate:,.0f} "
                    f"(vs {chosen.estimate:,.0f})" + (
                        "; the bootstrap interval repeats the selection and includes this"
                        if interval in ("bootstrap", "bca") else
                        "; a bootstrap interval that repeats the selection (--interval "
                        "bca) accounts for this"))
        details["bic_n_value"] = table.observed if bic_n == "cases" else 2 ** table.k - 1
    return Estimate("loglinear", _r(est, 2) if est is not None else None, _r(lower, 2),
                    _r(upper, 2), level, table.observed, chosen.name, models_out,
                    chosen.fit_dict(), _dedupe(warnings), how if est is not None else None,
                    details=details)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
