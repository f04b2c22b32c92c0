"""What can go wrong with a capture table or a log-linear fit, said in words a reader can act on.

* **Existence of the MLE** (Fienberg & Rinaldo 2012): with zero cells, the Poisson likelihood may
  keep increasing along a direction that drives some fitted cells to 0. We find the largest such
  set of cells with one linear programme: maximise Σ s_i over zero cells subject to
  ``A₊ c = 0`` (positive cells unchanged) and ``A_Z c + s ≤ 0``, 0 ≤ s ≤ 1. The cells with
  s_i = 1 are fitted as 0 by the *extended* MLE; the remaining cells form the facial set F. A
  parameter is identifiable on F when its unit vector lies in the row space of A_F; the number
  of unrecorded people, exp(intercept), is estimable only if the intercept is. When it is not,
  the estimate runs off to infinity (or to 0) and no number should be printed.
* **Zero margins**: an interaction term whose lists share nobody has margin 0 and its
  coefficient is −∞ (the commonest cause of the above, named for the reader).
* **Lists that overlap no other list** carry no information on capture probability.
* **Sparse tables** and estimates far above what was observed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from factfinder.estimate.models import Model, column_names, ordered_terms
from factfinder.estimate.table import CaptureTable


@dataclass
class Existence:
    exists: bool = True                       # the ordinary MLE exists
    n_estimable: bool = True                  # exp(intercept) identifiable on the face
    zero_fitted: list[int] = field(default_factory=list)   # cells forced to 0 (row indices)
    unidentified: list[str] = field(default_factory=list)  # parameters not identifiable


def _rank(a: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(a)) if a.size else 0


def mle_existence(X: np.ndarray, y: np.ndarray, names: Sequence[str] | None = None) -> Existence:
    """Fienberg–Rinaldo check for a Poisson log-linear model with design ``X`` (intercept in
    column 0) and counts ``y``."""
    pos = y > 0
    zero = np.flatnonzero(~pos)
    if zero.size == 0:
        return Existence()
    a_pos, a_zero = X[pos], X[zero]
    p, nz = X.shape[1], zero.size
    # variables: c (p, free), s (nz, in [0, 1]); minimise −Σ s
    cost = np.concatenate([np.zeros(p), -np.ones(nz)])
    a_ub = np.hstack([a_zero, np.eye(nz)])
    a_eq = np.hstack([a_pos, np.zeros((a_pos.shape[0], nz))]) if a_pos.size else None
    bounds = [(None, None)] * p + [(0.0, 1.0)] * nz
    res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(nz), A_eq=a_eq,
                  b_eq=np.zeros(a_pos.shape[0]) if a_eq is not None else None,
                  bounds=bounds, method="highs")
    if res.status != 0 or res.x is None:
        return Existence()
    s = res.x[p:]
    gone = [int(zero[i]) for i in range(nz) if s[i] > 0.5]
    if not gone:
        return Existence()
    keep = np.ones(X.shape[0], dtype=bool)
    keep[gone] = False
    a_face = X[keep]
    r = _rank(a_face)
    unident = []
    for j in range(p):
        e = np.zeros((1, p))
        e[0, j] = 1.0
        if _rank(np.vstack([a_face, e])) > r:
            unident.append(names[j] if names is not None else str(j))
    n_ok = not (names is not None and names[0] in unident) and not (
        names is None and "0" in unident)
    return Existence(False, n_ok, gone, unident)


def numerical_face(X: np.ndarray, y: np.ndarray, mu: np.ndarray,
                   threshold: float = 1e-7) -> Existence:
    """A quick version of :func:`mle_existence` for model search: the empty cells a converged
    IRLS fit drove below ``threshold`` are taken as the cells outside the facial set (what the
    linear programme would find), and the intercept's identifiability is checked on the rest."""
    gone = np.flatnonzero((y == 0) & (mu < threshold))
    if gone.size == 0:
        return Existence()
    keep = np.ones(X.shape[0], dtype=bool)
    keep[gone] = False
    a_face = X[keep]
    e0 = np.zeros((1, X.shape[1]))
    e0[0, 0] = 1.0
    n_ok = _rank(np.vstack([a_face, e0])) == _rank(a_face)
    return Existence(False, n_ok, [int(i) for i in gone], [] if n_ok else ["(intercept)"])


def zero_margin_terms(table: CaptureTable, model: Model) -> list[str]:
    """Interaction terms of ``model`` whose lists share nobody."""
    out = []
    for t in ordered_terms(model):
        margin = sum(n for p, n in table.counts.items() if all(p[i] for i in t))
        if margin == 0:
            out.append(":".join(table.lists[i] for i in t))
    return out


def table_warnings(table: CaptureTable) -> list[str]:
    """Warnings about the table itself, before any model."""
    out: list[str] = []
    totals = table.list_totals()
    for i, name in enumerate(table.lists):
        if totals[name] == 0:
            out.append(f"list {name} records nobody: drop it")
            continue
        shared = sum(n for p, n in table.counts.items() if p[i] and sum(p) > 1)
        if shared == 0:
            out.append(f"list {name} overlaps no other list: its {totals[name]} people tell "
                       "nothing about how many were missed, and models that estimate its "
                       "capture probability break down (the estimate is unbounded)")
    y = table.vector()
    n_cells = y.size
    zeros = int(np.sum(y == 0))
    small = int(np.sum(y < 5))
    if table.observed < 5 * n_cells or small > n_cells / 2:
        out.append(f"sparse table: {zeros} of {n_cells} cells are empty and {small} hold fewer "
                   f"than 5 people ({table.observed} people in all): estimates depend heavily "
                   "on the model and intervals may be too narrow")
    return out


def fit_warnings(table: CaptureTable, model: Model, X: np.ndarray, y: np.ndarray,
                 estimate: float | None, converged: bool,
                 existence: Existence | None = None) -> list[str]:
    """Warnings about one fitted model (call with the existence check already done, or not)."""
    out: list[str] = []
    names = column_names(table.lists, model)
    ex = existence if existence is not None else mle_existence(X, y, names)
    zm = zero_margin_terms(table, model)
    if zm:
        out.append("zero margin: nobody is on both lists of " + ", ".join(zm)
                   + " — the coefficient of that interaction is −∞, so the maximum "
                   "likelihood estimate does not exist")
    if not ex.exists:
        cells = [_pattern(table, i) for i in ex.zero_fitted]
        msg = (f"the maximum likelihood estimate does not exist (Fienberg–Rinaldo): the "
               f"extended MLE fits {len(cells)} empty cell(s) as exactly 0 "
               f"({', '.join(cells)})")
        if ex.unidentified:
            msg += "; not identifiable: " + ", ".join(ex.unidentified)
        out.append(msg)
        if not ex.n_estimable:
            out.append("the number of unrecorded people is not identifiable under this model: "
                       "the estimate is unbounded — do not report it")
    if not converged:
        out.append("the fit did not converge")
    if estimate is not None and table.observed > 0:
        ratio = estimate / table.observed
        if not np.isfinite(estimate) or ratio > 20:
            out.append(f"the estimate ({_fmt(estimate)}) is {_fmt(ratio)} times the number "
                       "observed: it is driven by the model, not by the data")
    return out


def _pattern(table: CaptureTable, row: int) -> str:
    p = table.patterns()[row]
    return "".join(str(v) for v in p)


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "infinite"
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.1f}"
