"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

This follows the R package dga (Johndrow, Lum & Ball): for each decomposable graph on the lists
(an edge lets two lists depend on each other) and each value of the unobserved count on a grid,
the posterior is

    p(graph, N | y) ∝ p(y, n0 = N − n | graph) · p(N) · p(graph)

with a hyper-Dirichlet prior on the cell probabilities. The marginal likelihood factorises over
the cliques C and separators S of the graph's junction tree:

    log p(y | graph, N) = Σ_C m(C) − Σ_S m(S) + (|C| − |S|)·[lgamma(δ·2^p) − lgamma(N + δ·2^p)]
                          + lgamma(N + 1) − Σ_cells lgamma(y + 1) − lgamma(n0 + 1)

where m(A) = Σ_cells of the A-marginal [lgamma(y_A + α_A) − lgamma(α_A)], α_A = δ·2^(p−|A|),
and the A-marginal's all-absent cell holds its observed count plus n0. Graphs have equal prior
weight. The prior on N is dga's default 1/N unless another is named.

The point estimate is dga's Bayes estimator under relative squared error loss, E[1/N]/E[1/N²]
(Madigan & York's choice); the posterior mean, median and modes are in ``details``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import gammaln

from factfinder.estimate.dga_graphs import Graph, decomposable_graphs
from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

MIN_LISTS, MAX_LISTS = 3, 5
MAX_GRID_POINTS = 20001
TOP_MODELS = 10
EDGE_RATIO = 0.01          # posterior at the grid's edge / posterior at its peak that warns

PriorSpec = str | Callable[[np.ndarray], np.ndarray]


class DgaError(ValueError):
    """A table or option dga cannot work with; the message says why."""


def log_prior_n(prior: PriorSpec, n_total: np.ndarray) -> tuple[np.ndarray, str]:
    """The log prior on the total N over the grid, and its name.

    ``"1/N"`` (dga's default, also ``"inverse"``), ``"uniform"``, ``"negbin(a,b)"`` — Madigan &
    York's negative binomial, log p(N) = N·log b − (N + a)·log(1 + b) + lgamma(N + a)
    − lgamma(N + 1) − lgamma(a), with mean a·b — or a callable from N to log p(N).
    """
    n_total = np.asarray(n_total, dtype=float)
    if callable(prior):
        out = np.asarray(prior(n_total), dtype=float)
        if out.shape != n_total.shape:
            raise DgaError("a prior callable must return one log prior per grid value")
        return out, getattr(prior, "__name__", "custom")
    spec = prior.strip().lower().replace(" ", "")
    if spec in ("1/n", "inverse", "default"):
        return -np.log(n_total), "1/N"
    if spec in ("uniform", "flat"):
        return np.zeros_like(n_total), "uniform"
    m = re.fullmatch(r"negbin\(([^,]+),([^)]+)\)", spec)
    if m:
        try:
            a, b = float(m.group(1)), float(m.group(2))
        except ValueError as exc:
            raise DgaError(f"cannot read the negbin parameters in {prior!r}") from exc
        if a <= 0 or b <= 0:
            raise DgaError("negbin(a,b) needs a > 0 and b > 0")
        out = (n_total * math.log(b) - (n_total + a) * math.log1p(b) + gammaln(n_total + a)
               - gammaln(n_total + 1) - gammaln(a))
        return out, f"negbin({a:g},{b:g})"
    raise DgaError(f"unknown prior on N {prior!r}: use 1/N, uniform or negbin(a,b)")


def _marginal_counts(y: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
    """Counts of the subset-marginal table, all-absent cell first (y indexed by bit patterns)."""
    p = y.ndim
    drop = tuple(i for i in range(p) if i not in subset)
    return y.sum(axis=drop).reshape(-1) if drop else y.reshape(-1)


def component_log_ml(y: np.ndarray, n_missing: np.ndarray, delta: float) -> np.ndarray:
    """m(A) for every non-empty subset A of the lists (rows in bit order of A, list 1 the
    highest bit, as in dga) over the grid of unobserved counts (columns)."""
    p = y.ndim
    out = np.zeros((2 ** p - 1, n_missing.size))
    for code in range(1, 2 ** p):
        subset = tuple(i for i in range(p) if code >> (p - 1 - i) & 1)
        d = _marginal_counts(y, subset)
        alpha = delta * 2 ** (p - len(subset))
        rest = float(np.sum(gammaln(d[1:] + alpha)))
        out[code - 1] = (gammaln(d[0] + n_missing + alpha) + rest
                         - d.size * math.lgamma(alpha))
    return out


def _code(p: int, subset: tuple[int, ...]) -> int:
    return sum(1 << (p - 1 - i) for i in subset)


def log_posterior(y: np.ndarray, n_missing: np.ndarray, delta: float,
                  graphs: tuple[Graph, ...], log_prior: np.ndarray) -> np.ndarray:
    """Unnormalised log posterior, graphs × grid of the unobserved count (as dga's bma.cr)."""
    p = y.ndim
    comp = component_log_ml(y, n_missing, delta)
    incidence = np.zeros((len(graphs), 2 ** p - 1))
    nsub = np.zeros(len(graphs))
    for g, graph in enumerate(graphs):
        for c in graph.cliques:
            incidence[g, _code(p, c) - 1] += 1
        for s in graph.separators:
            incidence[g, _code(p, s) - 1] -= 1
        nsub[g] = len(graph.cliques) - len(graph.separators)
    n_obs = float(y.sum())
    total_alpha = delta * 2 ** p
    d_term = math.lgamma(total_alpha) - gammaln(n_missing + n_obs + total_alpha)
    multinomial = (gammaln(n_missing + n_obs + 1) - float(np.sum(gammaln(y.reshape(-1) + 1)))
                   - gammaln(n_missing + 1))
    logw: np.ndarray = incidence @ comp + np.outer(nsub, d_term)
    return logw + (multinomial + log_prior)[None, :]


def _table_array(table: CaptureTable) -> np.ndarray:
    """The table as a 2×…×2 array indexed by capture pattern (all-absent cell 0)."""
    y = np.zeros((2,) * table.k)
    for pattern, n in table.counts.items():
        y[pattern] += n
    return y


def _grid(lo: int, hi: int) -> np.ndarray:
    if hi - lo + 1 <= MAX_GRID_POINTS:
        return np.arange(lo, hi + 1, dtype=float)
    return np.unique(np.round(np.linspace(lo, hi, MAX_GRID_POINTS)))


def bayes_estimator(weights: np.ndarray, n_total: np.ndarray) -> float:
    """dga's Bayes estimator under relative squared error loss: E[1/N] / E[1/N²]."""
    return float(np.sum(weights / n_total) / np.sum(weights / n_total ** 2))


def quantile(weights: np.ndarray, n_total: np.ndarray, q: float) -> float:
    """The smallest grid value whose posterior cdf reaches q."""
    cdf = np.cumsum(weights) / np.sum(weights)
    return float(n_total[min(int(np.searchsorted(cdf, q - 1e-12)), n_total.size - 1)])


def _summary(weights: np.ndarray, n_total: np.ndarray, level: float) -> dict[str, float]:
    w = weights / weights.sum()
    tail = (1 - level) / 2
    return {
        "bayes": bayes_estimator(w, n_total),
        "mean": float(np.sum(w * n_total)),
        "median": quantile(w, n_total, 0.5),
        "mode": float(n_total[int(np.argmax(w))]),
        "lower": quantile(w, n_total, tail),
        "upper": quantile(w, n_total, 1 - tail),
    }


def _curve(n_total: np.ndarray, post: np.ndarray, max_points: int = 2000) -> dict[str, list]:
    """The posterior over N for plots: its visible support, at most ``max_points`` values."""
    keep = np.flatnonzero(post > post.max() * 1e-8)
    lo, hi = int(keep[0]), int(keep[-1]) + 1
    idx = np.arange(lo, hi)
    if idx.size > max_points:
        idx = np.unique(np.linspace(lo, hi - 1, max_points).astype(int))
    return {"N": [int(v) for v in n_total[idx]], "posterior": [float(v) for v in post[idx]]}


def estimate_dga(table: CaptureTable, *, delta: float = 1.0, prior: PriorSpec = "1/N",
                 max_missing: int | None = None, min_missing: int = 0, level: float = 0.95,
                 graphs: tuple[Graph, ...] | None = None, **_: Any) -> Estimate:
    """Model-averaged posterior of the total over all decomposable graphs of 3–5 lists.

    ``delta`` is the hyper-Dirichlet prior count per cell of the full table; ``prior`` the prior
    on N (see :func:`log_prior_n`); the unobserved count runs over the integers
    ``min_missing..max_missing`` (at most 20,001 grid values; wider grids are evenly thinned).
    Without ``max_missing`` the grid starts at max(300, 3 × observed) and is widened until the
    posterior has died out at its top (up to 300 × observed).
    """
    k = table.k
    if not MIN_LISTS <= k <= MAX_LISTS:
        raise DgaError(f"dga averages over decomposable graphs of {MIN_LISTS} to {MAX_LISTS} "
                       f"lists; this table has {k} (collapse lists, or use lcmcr)")
    if not delta > 0:
        raise DgaError("delta must be positive")
    if not 0 < level < 1:
        raise DgaError("level must be between 0 and 1")
    n_obs = table.observed
    if n_obs == 0:
        raise DgaError("the table is empty: nobody was observed")
    if min_missing < 0 or (max_missing is not None and max_missing < min_missing):
        raise DgaError("the grid of the unobserved count needs 0 ≤ min_missing ≤ max_missing")
    graphs = graphs if graphs is not None else decomposable_graphs(k)
    y = _table_array(table)
    warnings: list[str] = []

    auto = max_missing is None
    hi = max_missing if max_missing is not None else max(300, 3 * n_obs)
    while True:
        n_missing = _grid(min_missing, hi)
        n_total = n_missing + n_obs
        lp, prior_name = log_prior_n(prior, n_total)
        logw = log_posterior(y, n_missing, delta, graphs, lp)
        logw -= logw.max()
        weights = np.exp(logw)
        weights /= weights.sum()
        post = weights.sum(axis=0)
        at_top = post[-1] / post.max() > EDGE_RATIO
        if not (auto and at_top and hi < 300 * n_obs):
            break
        hi = min(hi * 4, 300 * n_obs)
    if at_top:
        warnings.append(
            f"posterior mass sits at the top of the grid (N missing up to {int(n_missing[-1])}):"
            " the estimate and upper bound are cut off there; the data barely constrain N "
            "(widen --max-missing, or suspect sparse overlaps)")
    if min_missing > 0 and post[0] / post.max() > EDGE_RATIO:
        warnings.append(f"posterior mass sits at the bottom of the grid (N missing from "
                        f"{min_missing}): lower min_missing")

    overall = _summary(post, n_total, level)
    model_weight = weights.sum(axis=1)
    order = np.argsort(-model_weight, kind="stable")
    models = []
    for g in order[:TOP_MODELS]:
        s = _summary(weights[g], n_total, level)
        models.append({"model": graphs[g].name(table.lists), "weight": float(model_weight[g]),
                       "estimate": s["bayes"], "mode": s["mode"], "mean": s["mean"],
                       "lower": s["lower"], "upper": s["upper"]})
    top = order[0]
    top_summary = _summary(weights[top], n_total, level)
    isolated = [name for i, name in enumerate(table.lists)
                if not any(pattern[i] and sum(pattern) > 1 and n > 0
                           for pattern, n in table.counts.items())]
    if isolated:
        warnings.append(f"list {', '.join(isolated)} overlaps no other list: its dependence on "
                        "the others is not informed by the data, only by the prior")
    saturated = [g for g, graph in enumerate(graphs) if graph.cliques == (tuple(range(k)),)]
    if saturated and model_weight[saturated[0]] > 0.5:
        warnings.append(
            f"the saturated model (every list dependent on every other) carries "
            f"{model_weight[saturated[0]]:.0%} of the posterior: under it the data say nothing "
            f"about the unobserved cell, so N comes from the priors (delta = {delta:g} puts "
            f"{delta * 2 ** k:g} prior counts on the table; try delta = 2^-{k} = {2.0 ** -k:g})")
    return Estimate(
        method="dga",
        estimate=overall["bayes"],
        lower=overall["lower"],
        upper=overall["upper"],
        level=level,
        observed=n_obs,
        model=(f"average over {len(graphs)} decomposable graphs (top: "
               f"{graphs[top].name(table.lists)}, {model_weight[top]:.2f})"),
        models=models,
        fit={},
        warnings=warnings,
        interval="equal-tailed credible interval of the model-averaged posterior",
        details={
            "bayes_estimate": overall["bayes"],
            "posterior_mean": overall["mean"],
            "posterior_median": overall["median"],
            "posterior_mode": overall["mode"],
            "top_model": graphs[top].name(table.lists),
            "top_model_weight": float(model_weight[top]),
            "top_model_estimate": top_summary["bayes"],
            "top_model_mode": top_summary["mode"],
            "delta": delta,
            "prior": prior_name,
            "graphs": len(graphs),
            "grid": [int(n_missing[0]), int(n_missing[-1])],
            "estimator": "Bayes estimator under relative squared error loss, E[1/N]/E[1/N^2]",
            "posterior": _curve(n_total, post),
        },
    )

