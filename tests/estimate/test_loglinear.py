"""Log-linear models on small tables whose answers are known without R."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from factfinder.estimate import models as M
from factfinder.estimate.checks import mle_existence, table_warnings
from factfinder.estimate.glm import fit_poisson
from factfinder.estimate.loglinear import estimate_loglinear, fit_model
from factfinder.estimate.methods import estimate
from factfinder.estimate.models import ModelError, parse_model
from factfinder.estimate.search import search
from factfinder.estimate.table import CaptureTable

LISTS = ("a", "b", "c")


def expected_table(n: float, probs: list[float], pair: tuple[int, int] | None = None,
                   odds: float = 1.0) -> CaptureTable:
    """Exact expected counts of a population of n under independent lists (optionally with one
    pairwise odds ratio), rounded: a table whose generating model is known."""
    k = len(probs)
    cells: dict[tuple[int, ...], float] = {}
    for p in itertools.product((0, 1), repeat=k):
        w = math.prod(q if v else 1 - q for q, v in zip(probs, p, strict=True))
        if pair is not None and p[pair[0]] and p[pair[1]]:
            w *= odds
        cells[p] = w
    total = sum(cells.values())
    counts = {p: round(n * w / total) for p, w in cells.items() if any(p)}
    return CaptureTable(tuple(f"l{i + 1}" for i in range(k)), counts)


def test_model_names_and_parsing():
    assert parse_model("a:b + b:c", LISTS) == frozenset({(0, 1), (1, 2)})
    assert parse_model("A:B", LISTS) == frozenset({(0, 1)})          # case-insensitive
    assert parse_model("", LISTS) == frozenset()
    assert parse_model("two-way", LISTS) == frozenset({(0, 1), (0, 2), (1, 2)})
    four = ("a", "b", "c", "d")
    # a three-way term brings its two-way terms (hierarchy); the name shows generators only
    m = parse_model("a:b:c", four)
    assert m == frozenset({(0, 1), (0, 2), (1, 2), (0, 1, 2)})
    assert M.model_name(m, four) == "a:b:c"
    assert M.model_name(parse_model("b:c + a:b", LISTS), LISTS) == "a:b + b:c"
    with pytest.raises(ModelError, match="not a list"):
        parse_model("a:x", LISTS)
    with pytest.raises(ModelError, match="3-way"):
        parse_model("a:b:c", LISTS)
    with pytest.raises(ModelError, match="two lists"):
        parse_model("two-way", ("a", "b"))
    with pytest.raises(ModelError, match="2-way"):
        parse_model("a:b", ("a", "b"))


def test_model_spaces():
    assert sum(1 for _ in M.hierarchical_models(3)) == 8
    assert sum(1 for _ in M.hierarchical_models(4)) == 113
    assert all(M.is_hierarchical(m) for m in M.hierarchical_models(4))
    assert sum(1 for _ in M.two_way_models(5)) == 1024
    nb = list(M.neighbours(frozenset({(0, 1), (0, 2), (1, 2)}), 4, 3))
    assert frozenset({(0, 1), (0, 2), (1, 2), (0, 1, 2)}) in nb
    assert all(M.is_hierarchical(m) for m in nb)


def test_irls_matches_closed_form_independence():
    # two lists: the independence log-linear model is Lincoln–Petersen, with its variance
    t = CaptureTable(("a", "b"), {(1, 0): 40, (0, 1): 30, (1, 1): 20})
    f = fit_model(t, "independence")
    assert f.estimate == pytest.approx(150.0, abs=1e-6)
    assert f.se == pytest.approx(math.sqrt(450), rel=1e-6)
    assert f.deviance == pytest.approx(0.0, abs=1e-8) and f.df == 0


def test_irls_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    t = expected_table(1000, [0.3, 0.4, 0.5, 0.2], pair=(0, 1), odds=2.0)
    X = M.design(t.design(), parse_model("l1:l2 + l3:l4", t.lists))
    ours = fit_poisson(X, t.vector())
    ref = sm.GLM(t.vector(), X, family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(ours.beta, ref.params, rtol=1e-6, atol=1e-8)
    assert ours.deviance == pytest.approx(ref.deviance, rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.cov)), ref.bse, rtol=1e-5)


def test_search_recovers_the_generating_model():
    t = expected_table(20000, [0.3, 0.4, 0.5, 0.35], pair=(0, 2), odds=3.0)
    found = search(t, criterion="bic")
    assert found.ranked[0].name == "l1:l3"
    assert found.details["models_fitted"] == 113
    e = estimate_loglinear(t)
    assert e.model == "l1:l3"
    assert e.lower < 20000 < e.upper
    assert e.estimate == pytest.approx(20000, rel=0.01)
    # ignoring the dependence (independence) underestimates: positive dependence
    assert fit_model(t, "independence").estimate < 0.98 * 20000


def test_bic_n_changes_the_penalty():
    t = expected_table(500, [0.3, 0.4, 0.5])
    cases = fit_model(t, "l1:l2", bic_n="cases")
    cells = fit_model(t, "l1:l2", bic_n="cells")
    assert cases.bic - cells.bic == pytest.approx(cases.n_params * (
        math.log(t.observed) - math.log(7)))
    with pytest.raises(ValueError):
        estimate(t, "loglinear", bic_n="people")


def test_zero_margin_and_nonexistent_mle_are_reported():
    # list c overlaps nobody: the a:c and b:c margins are 0
    t = CaptureTable(LISTS, {(1, 0, 0): 40, (0, 1, 0): 30, (0, 0, 1): 20, (1, 1, 0): 6})
    assert any("overlaps no other list" in w for w in table_warnings(t))
    f = fit_model(t, "a:c")
    assert f.status == "boundary"
    assert any("zero margin" in w and "a:c" in w for w in f.warnings)
    assert any("does not exist" in w for w in f.warnings)
    e = estimate(t, "loglinear", model="a:c + b:c")
    assert any("overlaps no other list" in w for w in e.warnings)


def test_unbounded_estimate_is_not_printed():
    # the all-two-way model on a table whose b-only corner is empty: N runs off to infinity
    t = CaptureTable(("a", "b", "c", "d"), {
        (1, 1, 1, 1): 72, (1, 1, 1, 0): 5, (1, 1, 0, 1): 29, (1, 1, 0, 0): 53,
        (1, 0, 1, 1): 24, (1, 0, 1, 0): 3, (1, 0, 0, 1): 12, (1, 0, 0, 0): 14,
        (0, 1, 0, 0): 1, (0, 0, 0, 1): 2})
    e = estimate(t, "loglinear", model="two-way")
    assert e.estimate is None and e.lower is None
    assert any("not identifiable" in w for w in e.warnings)
    X = M.design(t.design(), M.all_two_way(4))
    ex = mle_existence(X, t.vector(), M.column_names(t.lists, M.all_two_way(4)))
    assert not ex.exists and not ex.n_estimable
    # the search sets such models aside instead of choosing them
    found = search(t)
    assert found.details["models_unbounded"] > 0
    assert all(f.status != "unbounded" for f in found.ranked)


def test_profile_interval_brackets_the_multinomial_estimate():
    t = expected_table(3000, [0.2, 0.3, 0.25])
    e = estimate(t, "loglinear", model="independence")
    prof = e.details["profile"]
    assert e.lower < prof["estimate"] < e.upper
    assert prof["estimate"] <= e.estimate + 1e-6  # multinomial MLE ≤ Poisson one
    # a higher level gives a wider interval
    e99 = estimate(t, "loglinear", model="independence", level=0.99)
    assert e99.lower < e.lower and e99.upper > e.upper


def test_bootstrap_is_seeded_and_repeats_selection():
    t = expected_table(800, [0.3, 0.4, 0.35], pair=(0, 1), odds=2.0)
    a = estimate(t, "loglinear", interval="bootstrap", bootstrap=40, seed=7)
    b = estimate(t, "loglinear", interval="bootstrap", bootstrap=40, seed=7)
    c = estimate(t, "loglinear", interval="bootstrap", bootstrap=40, seed=8)
    assert (a.lower, a.upper) == (b.lower, b.upper)
    assert (a.lower, a.upper) != (c.lower, c.upper)
    assert "repeating the model selection" in a.interval
    boot = a.details["bootstrap"]
    assert sum(boot["models"].values()) + boot["failed"] == 40
    assert a.lower < a.estimate < a.upper
    named = estimate(t, "loglinear", model="l1:l2", interval="bootstrap", bootstrap=40)
    assert "fixed model" in named.interval
    # resampling from the chosen model's fit (parametric) changes the replicates
    para = estimate(t, "loglinear", interval="bootstrap", bootstrap=40, seed=7,
                    resample="fitted")
    assert para.interval.startswith("parametric") and (para.lower, para.upper) != (
        a.lower, a.upper)
    with pytest.raises(ValueError):
        estimate(t, "loglinear", interval="bootstrap", bootstrap=40, resample="both")


def test_downhill_search_for_many_lists():
    t = expected_table(30000, [0.3, 0.35, 0.4, 0.3, 0.45, 0.35, 0.4], pair=(1, 4), odds=3.0)
    found = search(t, starts=3, seed=1)
    assert found.details["search"].startswith("downhill")
    assert found.ranked[0].name == "l2:l5"


def test_criterion_and_interval_validation():
    t = expected_table(500, [0.3, 0.4, 0.5])
    with pytest.raises(ValueError):
        estimate(t, "loglinear", criterion="hqic")
    with pytest.raises(ValueError):
        estimate(t, "loglinear", interval="credible")
