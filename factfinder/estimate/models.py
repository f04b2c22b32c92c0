"""Log-linear models over capture patterns: terms, hierarchy, names, design matrices.

A *term* is a sorted tuple of list indices of order ≥ 2 (``(0, 1)`` is the interaction of the
first two lists). A *model* is a frozenset of terms; the intercept and the main effects of every
list are always in it. Models are hierarchical: a term's lower-order sub-terms are in the model
too. The k-way term is never allowed: with the all-absent cell unobserved, the saturated model
has one parameter more than there are cells.

Names use the lists' own names: ``"c1:c2 + c2:c3"``; the model is named by its *generators*
(maximal terms), and :func:`parse_model` adds the implied lower-order terms.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

Term = tuple[int, ...]
Model = frozenset[Term]

INDEPENDENCE: Model = frozenset()


class ModelError(ValueError):
    """A model description that cannot be used with these lists."""


def candidate_terms(k: int, max_order: int | None = None) -> list[Term]:
    """All interaction terms of order 2 … min(max_order, k − 1), lowest order first."""
    top = k - 1 if max_order is None else min(max_order, k - 1)
    return [t for r in range(2, top + 1) for t in itertools.combinations(range(k), r)]


def sub_terms(term: Term) -> list[Term]:
    """The interaction terms strictly below ``term`` (order ≥ 2)."""
    return [s for r in range(2, len(term)) for s in itertools.combinations(term, r)]


def closure(terms: Iterable[Term]) -> Model:
    """The smallest hierarchical model holding ``terms``."""
    out: set[Term] = set()
    for t in terms:
        t = tuple(sorted(t))
        if len(t) >= 2:
            out.add(t)
            out.update(sub_terms(t))
    return frozenset(out)


def is_hierarchical(model: Model) -> bool:
    return all(s in model for t in model for s in sub_terms(t))


def generators(model: Model) -> list[Term]:
    """The maximal terms, in a stable order (order, then indices)."""
    gens = [t for t in model if not any(len(u) > len(t) and set(t) <= set(u) for u in model)]
    return sorted(gens, key=lambda t: (len(t), t))


def model_name(model: Model, lists: Sequence[str]) -> str:
    if not model:
        return "independence"
    return " + ".join(":".join(lists[i] for i in t) for t in generators(model))


def all_two_way(k: int) -> Model:
    return frozenset(itertools.combinations(range(k), 2))


def parse_model(text: str, lists: Sequence[str]) -> Model:
    """``"c1:c2 + c2:c3"`` → model. Also ``independence`` (or empty), ``two-way`` (all two-way
    interactions) and ``saturated`` (every term but the k-way one). Lower-order terms implied by
    a higher-order one are added."""
    k = len(lists)
    clean = text.strip().lower().replace("_", "-")
    if clean in ("", "independence", "mt", "main", "main-effects"):
        return INDEPENDENCE
    if clean in ("two-way", "all-two-way", "all two-way", "pairwise"):
        if k < 3:
            raise ModelError("with two lists the two-way interaction cannot be estimated (it "
                             "is confounded with N): only independence can be fitted")
        return all_two_way(k)
    if clean == "saturated":
        return frozenset(candidate_terms(k))
    index = {name: i for i, name in enumerate(lists)}
    lower = {name.lower(): i for i, name in enumerate(lists)}
    terms: list[Term] = []
    for part in text.replace("*", ":").split("+"):
        part = part.strip()
        if not part:
            continue
        names = [p.strip() for p in part.split(":")]
        idx = []
        for name in names:
            if name in index:
                idx.append(index[name])
            elif name.lower() in lower:
                idx.append(lower[name.lower()])
            else:
                raise ModelError(f"{name!r} in {text!r} is not a list (lists: "
                                 f"{', '.join(lists)})")
        if len(set(idx)) != len(idx):
            raise ModelError(f"{part!r} names a list twice")
        if len(idx) < 2:
            continue  # a main effect: always in the model
        if len(idx) >= k:
            raise ModelError(f"{part!r}: the {k}-way interaction cannot be estimated (the "
                             f"all-absent cell is unobserved, so it is confounded with N)")
        terms.append(tuple(sorted(idx)))
    return closure(terms)


def hierarchical_models(k: int, max_order: int | None = None) -> Iterator[Model]:
    """Every hierarchical model with terms up to ``max_order`` (default k − 1)."""
    cands = candidate_terms(k, max_order)
    by_order: dict[int, list[Term]] = {}
    for t in cands:
        by_order.setdefault(len(t), []).append(t)
    orders = sorted(by_order, reverse=True)

    def rec(level: int, chosen: frozenset[Term]) -> Iterator[Model]:
        if level == len(orders):
            yield chosen
            return
        terms = by_order[orders[level]]
        forced = [t for t in terms if any(len(u) > len(t) and set(t) <= set(u)
                                          for u in chosen)]
        free = [t for t in terms if t not in forced]
        for r in range(len(free) + 1):
            for extra in itertools.combinations(free, r):
                yield from rec(level + 1, chosen | frozenset(forced) | frozenset(extra))

    if not orders:
        yield INDEPENDENCE
        return
    yield from rec(0, INDEPENDENCE)


def two_way_models(k: int) -> Iterator[Model]:
    pairs = list(itertools.combinations(range(k), 2))
    for r in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, r):
            yield frozenset(chosen)


def neighbours(model: Model, k: int, max_order: int) -> Iterator[Model]:
    """Hierarchical models one term away: add a term whose sub-terms are all present, or drop a
    term no other term contains."""
    for t in candidate_terms(k, max_order):
        if t not in model and all(s in model for s in sub_terms(t)):
            yield model | {t}
    for t in model:
        if not any(len(u) > len(t) and set(t) <= set(u) for u in model):
            yield model - {t}


def term_columns(patterns: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """One 0/1 column per term: the product of its lists' indicators."""
    if not terms:
        return np.zeros((patterns.shape[0], 0))
    return np.column_stack([patterns[:, list(t)].prod(axis=1) for t in terms])


def ordered_terms(model: Model) -> list[Term]:
    return sorted(model, key=lambda t: (len(t), t))


def design(patterns: np.ndarray, model: Model) -> np.ndarray:
    """Intercept, main effects, then the model's interaction terms (in :func:`ordered_terms`
    order)."""
    ones = np.ones((patterns.shape[0], 1))
    return np.hstack([ones, patterns, term_columns(patterns, ordered_terms(model))])


def column_names(lists: Sequence[str], model: Model) -> list[str]:
    return (["(intercept)"] + list(lists)
            + [":".join(lists[i] for i in t) for t in ordered_terms(model)])
