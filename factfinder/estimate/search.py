"""Choosing the log-linear model: exhaustive where the model space allows, downhill otherwise.

* up to 4 lists: every hierarchical model (113 for 4 lists, 8 for 3, 1 for 2);
* 5 and 6 lists: every model made of two-way interactions (1,024 and 32,768);
* 7 lists and more, or ``max_order`` ≥ 3 with 5–6 lists: downhill (best single move, adding a
  term whose sub-terms are present or dropping a maximal term) from several starting models —
  independence, all two-way interactions, and seeded random two-way models — since one start
  can stop at a poor local optimum (Silverman, Chan & Vincent 2024).

Models whose unrecorded count is not estimable (the extended MLE runs it off to infinity) are
fitted but never chosen; how many were set aside is reported.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import gammaln, xlogy

from factfinder.estimate.checks import numerical_face
from factfinder.estimate.glm import fit_poisson_batch
from factfinder.estimate.loglinear import SCREEN_MU, ModelFit, bic_penalty, fit_design
from factfinder.estimate.models import (
    INDEPENDENCE,
    Model,
    all_two_way,
    candidate_terms,
    hierarchical_models,
    model_name,
    neighbours,
    ordered_terms,
    term_columns,
    two_way_models,
)
from factfinder.estimate.table import CaptureTable


@dataclass
class SearchResult:
    ranked: list[ModelFit]                       # estimable models, best first
    details: dict[str, Any] = field(default_factory=dict)


class _Fitter:
    """Fits models of one table, reusing the term columns and caching by model."""

    def __init__(self, table: CaptureTable, bic_n: str, max_order: int) -> None:
        self.table = table
        self.bic_n = bic_n
        pats = table.design()
        self.base = np.hstack([np.ones((pats.shape[0], 1)), pats])
        terms = candidate_terms(table.k, max_order)
        self.cols = dict(zip(terms, term_columns(pats, terms).T, strict=True))
        self.cache: dict[Model, ModelFit | None] = {}
        self.base_names = ["(intercept)", *table.lists]

    def __call__(self, model: Model) -> ModelFit | None:
        if model in self.cache:
            return self.cache[model]
        terms = ordered_terms(model)
        n_par = self.base.shape[1] + len(terms)
        fit: ModelFit | None = None
        if n_par <= self.base.shape[0]:
            X = self._x(model)
            names = self.base_names + [":".join(self.table.lists[i] for i in t)
                                       for t in terms]
            fit = fit_design(self.table, X, model_name(model, self.table.lists), model,
                             self.bic_n, check="screen", names=names)
            fit.poisson = None  # keep the cache small
            fit.X = None
        self.cache[model] = fit
        return fit


    def many(self, models: list[Model], chunk: int = 2048) -> list[ModelFit | None]:
        """Fit many models, batching those of equal size (exhaustive enumerations)."""
        y = self.table.vector()
        zero = y == 0
        pen = bic_penalty(self.table, self.bic_n)
        const = float(np.sum(gammaln(y + 1.0)))
        by_size: dict[int, list[Model]] = {}
        for m in models:
            if m not in self.cache:
                by_size.setdefault(len(m), []).append(m)
        for size, group in by_size.items():
            n_par = self.base.shape[1] + size
            if n_par > self.base.shape[0]:
                for m in group:
                    self.cache[m] = None
                continue
            for start in range(0, len(group), chunk):
                part = group[start:start + chunk]
                xs = np.stack([self._x(m) for m in part])
                beta, mu, dev, conv, cov00 = fit_poisson_batch(xs, y)
                for i, m in enumerate(part):
                    b0 = float(beta[i, 0])
                    unrec = math.exp(b0) if b0 < 700 else math.inf
                    suspicious = (not conv[i]) or not math.isfinite(unrec) or (
                        bool(zero.any()) and float(mu[i][zero].min()) < SCREEN_MU) or (
                        unrec > 1e4 * max(self.table.observed, 1)) or not math.isfinite(
                        float(cov00[i]))
                    if not conv[i]:
                        self.cache.pop(m, None)
                        self(m)
                        continue
                    ll = float(np.sum(xlogy(y, mu[i]) - mu[i])) - const
                    var = unrec + unrec * unrec * float(cov00[i])
                    fit = ModelFit(
                        model_name(m, self.table.lists), m, self.table.observed + unrec,
                        math.sqrt(var) if var >= 0 else None, float(dev[i]),
                        y.size - n_par, -2 * ll + 2 * n_par, -2 * ll + pen * n_par, n_par,
                        True)
                    if suspicious:
                        ex = numerical_face(xs[i], y, mu[i], SCREEN_MU)
                        if not ex.exists:
                            fit.status = "boundary" if ex.n_estimable else "unbounded"
                            fit.se = None
                        if not math.isfinite(unrec) or unrec > 1e4 * max(
                                self.table.observed, 1):
                            fit.status = "unbounded"
                    self.cache[m] = fit
        return [self.cache[m] for m in models]

    def _x(self, model: Model) -> np.ndarray:
        terms = ordered_terms(model)
        if not terms:
            return self.base
        return np.hstack([self.base, np.column_stack([self.cols[t] for t in terms])])


def _rank(fits: Iterable[ModelFit | None], criterion: str) -> tuple[list[ModelFit], int]:
    ok, dropped = [], 0
    for f in fits:
        if f is None:
            continue
        if f.status == "unbounded":
            dropped += 1
        else:
            ok.append(f)
    # a model whose MLE does not exist (fitted on the boundary) is chosen only when no model
    # with an existing MLE is left: its deviance and degrees of freedom are not comparable
    ok.sort(key=lambda f: (f.status != "ok", f.criterion(criterion), f.n_params))
    return ok, dropped


def search(table: CaptureTable, criterion: str = "bic", bic_n: str = "cases",
           max_order: int | None = None, starts: int = 4, seed: int | None = 0) -> SearchResult:
    if criterion == "stepwise":
        return stepwise(table, bic_n=bic_n)
    k = table.k
    t0 = time.perf_counter()
    if k <= 4:
        order = k - 1 if max_order is None else min(max_order, k - 1)
        fitter = _Fitter(table, bic_n, order)
        fits = fitter.many(list(hierarchical_models(k, order)))
        how = "exhaustive over all hierarchical models" if order == k - 1 else \
            f"exhaustive over hierarchical models up to order {order}"
    elif k <= 6 and (max_order is None or max_order <= 2):
        fitter = _Fitter(table, bic_n, 2)
        fits = fitter.many(list(two_way_models(k)))
        how = "exhaustive over all two-way models"
    else:
        order = 3 if max_order is None else min(max_order, k - 1)
        fitter = _Fitter(table, bic_n, order)
        fits, start_names = _downhill(fitter, table, criterion, order, starts, seed)
        how = (f"downhill search with terms up to order {order} from {len(start_names)} "
               f"starting models ({'; '.join(start_names)})")
    ranked, dropped = _rank(fits, criterion)
    details: dict[str, Any] = {
        "search": how, "models_fitted": sum(1 for f in fits if f is not None),
        "models_unbounded": dropped, "search_seconds": round(time.perf_counter() - t0, 3)}
    return SearchResult(ranked, details)


def _downhill(fitter: _Fitter, table: CaptureTable, criterion: str, order: int, starts: int,
              seed: int | None) -> tuple[list[ModelFit | None], list[str]]:
    k = table.k
    rng = np.random.default_rng(seed)
    pairs = list(itertools.combinations(range(k), 2))
    start_models: list[Model] = [INDEPENDENCE, all_two_way(k)]
    while len(start_models) < max(starts, 2) + 0 and len(start_models) < 2 + 2 ** len(pairs):
        pick = frozenset(p for p in pairs if rng.random() < 0.3)
        if pick not in start_models:
            start_models.append(pick)
    start_models = start_models[:max(starts, 1)]

    def score(m: Model) -> float:
        f = fitter(m)
        if f is None or f.status == "unbounded":
            return float("inf")
        return f.criterion(criterion)

    for start in start_models:
        current, cur_score = start, score(start)
        if not np.isfinite(cur_score):
            # an unusable start: walk down towards independence until a model fits
            while current and not np.isfinite(cur_score):
                current = min(neighbours(current, k, order), key=lambda m: (score(m), len(m)))
                cur_score = score(current)
        while True:
            best, best_score = current, cur_score
            near = list(neighbours(current, k, order))
            fitter.many(near)
            for m in near:
                s = score(m)
                if s < best_score - 1e-9:
                    best, best_score = m, s
            if best == current:
                break
            current, cur_score = best, best_score
    return list(fitter.cache.values()), [model_name(m, table.lists) for m in start_models]


def stepwise(table: CaptureTable, pthresh: float = 0.02, bic_n: str = "cases") -> SearchResult:
    """Chan, Silverman & Vincent's (2021) forward selection (``SparseMSE::stepwisefit``): from
    main effects, add the two-list term with the smallest Poisson p-value — the count of
    people on both lists against its fitted mean under the current model, two-sided
    min(P(X ≤ n*), P(X ≥ n*)) — while it is below ``pthresh`` and the enlarged model passes
    their existence and identifiability check; a pair nobody is on both lists of is fitted by
    leaving out the cells that contain it (its parameter is −∞)."""
    from scipy.stats import poisson

    from factfinder.estimate.glm import fit_poisson

    t0 = time.perf_counter()
    k = table.k
    pats = table.design()
    y = table.vector()
    pairs: list[tuple[int, ...]] = list(itertools.combinations(range(k), 2))
    both = {p: pats[:, p[0]] * pats[:, p[1]] for p in pairs}
    nstar = {p: float(np.sum(y * both[p])) for p in pairs}
    pen = bic_penalty(table, bic_n)

    def reduced(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keep = np.ones(len(y), dtype=bool)
        cols = [np.ones(len(y)), *pats.T]
        for p in sorted(model):
            if nstar[p] == 0:
                keep &= both[p] == 0
            else:
                cols.append(both[p])
        return np.column_stack(cols)[keep], y[keep], keep

    def ok(model: Model) -> bool:
        X, yr, _ = reduced(model)
        if np.linalg.matrix_rank(X) < X.shape[1]:
            return False
        from factfinder.estimate.checks import mle_existence

        return mle_existence(X, yr).exists

    def fit(model: Model) -> tuple[ModelFit, np.ndarray]:
        X, yr, keep = reduced(model)
        pf = fit_poisson(X, yr)
        b0 = float(pf.beta[0])
        unrec = math.exp(b0) if b0 < 700 else math.inf
        mu = np.zeros(len(y))
        mu[keep] = pf.mu
        n_par = 1 + k + len(model)  # the −∞ parameters count, as in SparseMSE's AIC
        ll = float(np.sum(xlogy(yr, pf.mu) - pf.mu - gammaln(yr + 1)))
        se = None
        if pf.cov is not None and math.isfinite(unrec):
            var = unrec + unrec * unrec * float(pf.cov[0, 0])
            se = math.sqrt(var) if var >= 0 else None
        mf = ModelFit(model_name(model, table.lists), model, table.observed + unrec, se,
                      pf.deviance, int(keep.sum()) - X.shape[1], -2 * ll + 2 * n_par,
                      -2 * ll + pen * n_par, n_par, pf.converged)
        if not math.isfinite(unrec) or unrec > 1e4 * max(table.observed, 1):
            mf.status = "unbounded"
        return mf, mu

    current: Model = INDEPENDENCE
    best_fit, mu = fit(current)
    steps = 0
    while len(current) < len(pairs):
        pmin, pick = 1.0, None
        for p in pairs:
            if p in current:
                continue
            lam = float(np.sum(mu * both[p]))
            pv = min(float(poisson.cdf(nstar[p], lam)), float(poisson.sf(nstar[p] - 1, lam)))
            if pv < pmin and pv < pthresh and ok(current | {p}):
                pmin, pick = pv, p
        if pick is None:
            break
        current = current | {pick}
        best_fit, mu = fit(current)
        steps += 1
    ranked = [best_fit] if best_fit.status != "unbounded" else []
    return SearchResult(ranked, {
        "search": f"stepwise (Chan, Silverman & Vincent: Poisson p-values below {pthresh:g})",
        "models_fitted": steps + 1, "models_unbounded": 0 if ranked else 1,
        "search_seconds": round(time.perf_counter() - t0, 3)})
