"""lcmcr: the latent class model of Manrique-Vallier (2016) by Gibbs sampling."""

from __future__ import annotations

import json

import numpy as np
import pytest

from factfinder.estimate.lcmcr import LcmcrError, ess, estimate_lcmcr, split_rhat
from factfinder.estimate.simulate import simulate
from factfinder.estimate.table import CaptureTable
from tests.conftest import SHARED

MSE = SHARED / "data" / "mse"


def test_covers_the_truth_of_a_population_with_latent_classes() -> None:
    table, truth = simulate(2000, 5, scenario="classes", seed=3)
    est = estimate_lcmcr(table, iterations=10000, seed=1)
    assert est.method == "lcmcr"
    assert est.observed == truth["observed"]
    assert est.lower is not None and est.upper is not None
    assert est.lower <= truth["N"] <= est.upper
    # a naive independence estimate is far too low here: the model must do better
    assert est.estimate is not None and est.estimate > 0.9 * truth["N"]
    d = est.details
    assert 0.99 < d["rhat"] < 1.1
    assert d["ess"] > 300
    assert len(d["samples"]) == 3 and all(len(c) > 100 for c in d["samples"])
    assert not est.warnings
    json.dumps(est.to_dict())


def test_same_seed_same_draws() -> None:
    table, _ = simulate(800, 4, scenario="heterogeneous", seed=2)
    a = estimate_lcmcr(table, iterations=400, seed=9)
    b = estimate_lcmcr(table, iterations=400, seed=9)
    c = estimate_lcmcr(table, iterations=400, seed=10)
    assert a.details["samples"] == b.details["samples"]
    assert a.details["samples"] != c.details["samples"]


def test_too_short_a_chain_warns() -> None:
    table, _ = simulate(2000, 5, scenario="heterogeneous", seed=4)
    est = estimate_lcmcr(table, iterations=60, burnin=10, seed=1)
    assert any("effective sample size" in w or "not converged" in w for w in est.warnings)


def test_rhat_sees_chains_that_disagree() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(size=(3, 1000))
    apart = same + np.array([[0.0], [3.0], [6.0]])
    assert split_rhat(same) < 1.01
    assert split_rhat(apart) > 1.5
    assert ess(same) > 2000
    ar = np.zeros((2, 2000))
    for t in range(1, 2000):                      # strongly autocorrelated chains
        ar[:, t] = 0.95 * ar[:, t - 1] + rng.normal(size=2)
    assert ess(ar) < 400


def test_burnin_thin_and_options() -> None:
    table, _ = simulate(500, 3, seed=1)
    est = estimate_lcmcr(table, iterations=500, burnin=100, thin=4, chains=2, K=5, seed=3)
    d = est.details
    assert (d["burnin"], d["thin"], d["chains"], d["K"]) == (100, 4, 2, 5)
    assert [len(c) for c in d["samples"]] == [100, 100]
    with pytest.raises(LcmcrError):
        estimate_lcmcr(table, iterations=100, burnin=100)
    with pytest.raises(LcmcrError):
        estimate_lcmcr(table, K=1)


def test_isolated_list_warns() -> None:
    table = CaptureTable(("A", "B", "C"), {(1, 0, 0): 30, (0, 1, 0): 25, (1, 1, 0): 10,
                                           (0, 0, 1): 20})
    est = estimate_lcmcr(table, iterations=300, seed=1)
    assert any("overlaps no other list" in w for w in est.warnings)


@pytest.mark.skipif(not MSE.is_dir(), reason="../shared/data/mse is absent")
def test_six_or_more_lists_run_fast_enough() -> None:
    # New Orleans: 8 lists, 185 people; a quick run gives a finite, ordered interval
    table = CaptureTable.from_csv(MSE / "new_orleans_185.csv")
    est = estimate_lcmcr(table, iterations=2000, seed=1)
    assert est.lower is not None and est.upper is not None and est.estimate is not None
    assert 185 <= est.lower <= est.estimate <= est.upper
    assert est.details["seconds"] < 10
