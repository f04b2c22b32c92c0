"""dga: Bayesian model averaging over decomposable graphs (Madigan & York 1997; R package dga)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from factfinder.estimate.dga import (
    DgaError,
    bayes_estimator,
    estimate_dga,
    log_posterior,
    log_prior_n,
)
from factfinder.estimate.dga_graphs import decomposable_graphs, is_decomposable
from factfinder.estimate.simulate import simulate
from factfinder.estimate.table import CaptureTable
from tests.conftest import SHARED

MSE = SHARED / "data" / "mse"
needs_shared = pytest.mark.skipif(not MSE.is_dir(), reason="../shared/data/mse is absent")


@pytest.mark.parametrize(("p", "count"), [(1, 1), (2, 2), (3, 8), (4, 61), (5, 822)])
def test_number_of_decomposable_graphs(p: int, count: int) -> None:
    assert len(decomposable_graphs(p)) == count


def test_chordless_cycles_are_not_decomposable() -> None:
    square = ((0, 1), (1, 2), (2, 3), (0, 3))
    assert not is_decomposable(4, square)
    assert is_decomposable(4, square + ((0, 2),))
    pentagon = ((0, 1), (1, 2), (2, 3), (3, 4), (0, 4))
    assert not is_decomposable(5, pentagon)


def test_junction_tree_of_a_chain() -> None:
    chain = next(g for g in decomposable_graphs(4) if g.edges == ((0, 1), (1, 2), (2, 3)))
    assert chain.cliques == ((0, 1), (1, 2), (2, 3))
    assert chain.separators == ((1,), (2,))
    assert chain.name(("a", "b", "c", "d")) == "a:b + b:c + c:d"
    assert decomposable_graphs(3)[0].name(("a", "b", "c")) == "independence"


def _madigan_york() -> CaptureTable:
    # Madigan & York's spina bifida lists (as in the dga package's test), independent of
    # ../shared so the arithmetic is always checked
    return CaptureTable(("L1", "L2", "L3"), {
        (1, 0, 0): 60, (0, 1, 0): 49, (1, 1, 0): 4, (0, 0, 1): 247,
        (1, 0, 1): 112, (0, 1, 1): 142, (1, 1, 1): 12})


def _check_madigan_york(table: CaptureTable) -> None:
    est = estimate_dga(table, delta=1, prior="negbin(13.14,55.17)", min_missing=1,
                       max_missing=300)
    d = est.details
    assert est.method == "dga"
    assert est.observed == 626
    assert est.estimate is not None
    assert round(est.estimate) == 731                       # N_bayes, model-averaged
    assert round(d["top_model_estimate"]) == 731             # N_bayes of the top model
    assert d["top_model_mode"] == 729                        # N_mode of the top model
    assert d["posterior_mode"] == 728                        # N_mode of the average
    assert d["top_model"] == "L1:L2"
    assert round(d["top_model_weight"], 2) == 0.37
    assert est.models[0]["model"] == "L1:L2"
    assert math.isclose(sum(m["weight"] for m in est.models), 1.0, rel_tol=1e-9)
    assert est.lower is not None and est.upper is not None
    assert est.lower < 728 < est.upper
    json.dumps(est.to_dict())


def test_madigan_york_figures() -> None:
    _check_madigan_york(_madigan_york())


@needs_shared
def test_madigan_york_published() -> None:
    published = json.loads((MSE / "published.json").read_text())["madigan_york_3"][0]
    table = CaptureTable.from_csv(MSE / "madigan_york_3.csv")
    est = estimate_dga(table, delta=1, prior="negbin(13.14,55.17)", min_missing=1,
                       max_missing=300)
    assert est.estimate is not None
    assert round(est.estimate) == published["N_bayes"]
    assert est.details["top_model_mode"] == published["N_mode"]
    assert est.details["posterior_mode"] == published["N_mode_averaged"]
    assert est.details["top_model"] == published["top_model"]
    assert round(est.details["top_model_weight"], 2) == published["top_model_posterior"]


def test_saturated_marginal_likelihood_matches_dirichlet_multinomial() -> None:
    # the one-clique model is the Dirichlet-multinomial on the full table: check by hand
    table = _madigan_york()
    y = np.zeros((2, 2, 2))
    for pattern, n in table.counts.items():
        y[pattern] = n
    saturated = decomposable_graphs(3)[-1]
    n0 = np.array([0.0, 50.0])
    got = log_posterior(y, n0, 0.5, (saturated,), np.zeros(2))[0]
    cells = np.array(list(table.counts.values()), dtype=float)
    for i, miss in enumerate(n0):
        full = np.append(cells, miss)
        n = full.sum()
        want = (math.lgamma(8 * 0.5) - math.lgamma(n + 8 * 0.5)
                + sum(math.lgamma(v + 0.5) - math.lgamma(0.5) for v in full)
                + math.lgamma(n + 1) - sum(math.lgamma(v + 1) for v in full))
        assert got[i] == pytest.approx(want, rel=1e-12)


def test_priors_on_n() -> None:
    n = np.array([100.0, 200.0])
    assert log_prior_n("1/N", n)[0] == pytest.approx(-np.log(n))
    assert list(log_prior_n("uniform", n)[0]) == [0.0, 0.0]
    lp, name = log_prior_n("negbin(2, 50)", n)
    assert name == "negbin(2,50)"
    assert lp[0] > lp[1]                       # mean a·b = 100
    with pytest.raises(DgaError):
        log_prior_n("cauchy", n)


def test_bayes_estimator_is_relative_squared_error() -> None:
    n = np.array([10.0, 20.0])
    w = np.array([0.5, 0.5])
    assert bayes_estimator(w, n) == pytest.approx((0.05 + 0.025) / (0.005 + 0.00125))


def test_posterior_over_n_for_plots() -> None:
    est = estimate_dga(_madigan_york())
    post = est.details["posterior"]
    assert len(post["N"]) == len(post["posterior"]) > 50
    assert sum(post["posterior"]) == pytest.approx(1.0, abs=1e-6)
    assert est.details["prior"] == "1/N"
    assert not est.warnings


def test_warns_when_mass_sits_at_the_top_of_the_grid() -> None:
    est = estimate_dga(_madigan_york(), max_missing=20)
    assert any("top of the grid" in w for w in est.warnings)


def test_grid_widens_by_itself() -> None:
    # little overlap: hundreds missing for every few seen; the default grid must reach them
    table, truth = simulate(3000, 3, capture=0.08, seed=5)
    est = estimate_dga(table, delta=1 / 8)
    assert est.details["grid"][1] > 3 * table.observed
    assert not any("top of the grid" in w for w in est.warnings)
    assert est.lower is not None and est.upper is not None
    assert est.lower <= truth["N"] <= est.upper


def test_warns_about_isolated_list_and_saturated_model() -> None:
    table = CaptureTable(("A", "B", "C"), {(1, 0, 0): 30, (0, 1, 0): 25, (1, 1, 0): 10,
                                           (0, 0, 1): 20})
    est = estimate_dga(table)
    assert any("overlaps no other list" in w for w in est.warnings)
    western_like, _ = simulate(400, 5, capture=0.12, seed=2)
    est = estimate_dga(western_like, delta=1)
    assert est.details["top_model"] == "A:B:C:D:E"
    assert any("saturated model" in w for w in est.warnings)
    assert not any("saturated model" in w
                   for w in estimate_dga(western_like, delta=2 ** -5).warnings)


def test_covers_truth_on_independent_lists() -> None:
    table, truth = simulate(2000, 4, scenario="independent", seed=11)
    est = estimate_dga(table, delta=2 ** -4)
    assert est.lower is not None and est.upper is not None
    assert est.lower <= truth["N"] <= est.upper
    assert est.estimate is not None
    assert abs(est.estimate - truth["N"]) / truth["N"] < 0.05


def test_rejects_tables_it_cannot_average() -> None:
    two = CaptureTable(("A", "B"), {(1, 0): 5, (0, 1): 4, (1, 1): 2})
    with pytest.raises(DgaError, match="3 to 5"):
        estimate_dga(two)
    with pytest.raises(DgaError):
        estimate_dga(_madigan_york(), delta=0)
