"""Heterogeneity models in the model search and the bootstrap, Chao's profile with the sign of
its η's re-checked at every point, and the warning for heterogeneity a chosen model leaves
out."""

from __future__ import annotations

import numpy as np
import pytest

from factfinder.estimate import heterogeneity as het
from factfinder.estimate import intervals
from factfinder.estimate.loglinear import fit_model
from factfinder.estimate.methods import estimate
from factfinder.estimate.simulate import simulate
from factfinder.estimate.table import CaptureTable
from tests.conftest import SHARED
from tests.estimate.test_strata import truth

MSE = SHARED / "data" / "mse"


@pytest.fixture(scope="module")
def heterogeneous() -> CaptureTable:
    table, _ = simulate(3000, 4, heterogeneity=1.5, capture=0.2, seed=5)
    return table


def test_search_includes_rcapture_heterogeneity_models(heterogeneous):
    plain = estimate(heterogeneous, "loglinear")
    e = estimate(heterogeneous, "loglinear", heterogeneity="search")
    names = [m["model"] for m in e.models]
    assert any("heterogeneity" in n for n in names)
    assert "heterogeneity" in e.details["search"]
    # the pooled search can only do better on the criterion than the log-linear one
    assert e.models[0]["bic"] <= plain.models[0]["bic"]
    assert e.models == sorted(e.models, key=lambda m: (m["status"] != "ok", m["bic"]))
    # here a heterogeneity model wins and is refitted with full checks
    assert "heterogeneity" in e.model and e.details["heterogeneity"]["heterogeneity"]
    assert e.lower < e.estimate < e.upper


def test_search_with_heterogeneity_needs_three_lists_and_no_named_model(heterogeneous):
    with pytest.raises(ValueError):
        estimate(heterogeneous, "loglinear", heterogeneity="search", model="A:B")
    two = heterogeneous.subset(heterogeneous.lists[:2])
    with pytest.raises(ValueError):
        estimate(two, "loglinear", heterogeneity="search")


def test_bootstrap_repeats_the_heterogeneity_search(heterogeneous):
    e = estimate(heterogeneous, "loglinear", heterogeneity="search", interval="bootstrap",
                 bootstrap=30, seed=1)
    boot = e.details["bootstrap"]
    assert "repeating the model selection" in e.interval
    assert sum(boot["models"].values()) + boot["failed"] == 30
    assert any("heterogeneity" in m for m in boot["models"])
    assert e.lower < e.estimate < e.upper


@pytest.mark.parametrize("kind", ["chao", "darroch", "normal"])
def test_bootstrap_of_a_named_heterogeneity_model(kind):
    t, _, _ = truth()
    e = estimate(t, "loglinear", heterogeneity=kind, interval="bca", bootstrap=30, seed=2)
    assert e.interval.startswith("bootstrap") and "fixed model" in e.interval
    assert "log-normal" not in e.interval
    assert e.details["bootstrap"]["replicates"] == 30
    assert e.lower < e.estimate < e.upper


def test_chao_profile_rechecks_negative_etas_at_every_point():
    t, _, _ = truth()
    X, nonneg = het.chao_design(t, None, False)
    assert nonneg == [X.shape[1] - 1]
    guarded = intervals.profile_loglik(t, X, nonneg)
    full = intervals.profile_loglik(t, X)
    dropped = intervals.profile_loglik(t, X[:, :-1])
    n = t.observed
    seen = set()
    for N in np.linspace(n + 5, 3 * n, 25):
        g = guarded(float(N))
        # the guarded fit is the full one where η ≥ 0 and the reduced one where it is not
        if g == pytest.approx(full(float(N)), abs=1e-9):
            seen.add("full")
        else:
            assert g == pytest.approx(dropped(float(N)), abs=1e-9)
            seen.add("dropped")
    assert seen == {"full", "dropped"}  # η < 0 near the number observed only
    e = estimate(t, "loglinear", heterogeneity="chao")
    assert "negative η set to 0 at every point" in e.interval


def test_residual_heterogeneity_warning_fires_only_when_it_matters():
    # independent lists with equal catchability: nothing to warn about
    t, _ = simulate(3000, 4, capture=0.3, seed=5)
    e = estimate(t, "loglinear")
    assert not any("capture heterogeneity" in w for w in e.warnings)
    # the sample: the chosen list_a:list_c fits (deviance 0.04 on 2 df); a heterogeneity term
    # adds nothing, so the Rcapture-style comparison rightly stays silent
    s, _, _ = truth()
    chosen = fit_model(s, "list_a:list_c")
    assert het.residual_heterogeneity(s, chosen) is None


@pytest.mark.skipif(not (MSE / "diabetes.csv").is_file(),
                    reason="../shared/data/mse is not present")
def test_diabetes_best_bic_model_warns_of_heterogeneity():
    """Rivest (2011): the BIC choice c1:c3 + c2:c4 + c3:c4 (deviance 21.97 on 7 df) leaves
    heterogeneity out; the Chao term brings the deviance to 3.13 and N̂ from 2,472 to 2,588."""
    t = CaptureTable.from_csv(MSE / "diabetes.csv")
    e = estimate(t, "loglinear")
    assert e.model == "c1:c3 + c2:c4 + c3:c4"
    warn = [w for w in e.warnings if w.startswith("capture heterogeneity")]
    assert len(warn) == 1 and "Chao" in warn[0] and "2,588" in warn[0]


def test_cli_heterogeneity_search(tmp_path, heterogeneous):
    import json

    from typer.testing import CliRunner

    from factfinder.cli.main import app
    from tests.estimate.test_cli_estimate import write_table

    path = write_table(tmp_path / "het.csv", heterogeneous.lists, dict(heterogeneous.counts))
    res = CliRunner().invoke(app, ["estimate", str(path), "--heterogeneity", "search",
                                   "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "heterogeneity" in out["model"] and "heterogeneity" in out["details"]["search"]


@pytest.mark.skipif(not (MSE / "western.csv").is_file(),
                    reason="../shared/data/mse is not present")
def test_cli_puts_the_dga_prior_warning_under_the_estimate():
    """δ = 1 stays the default (the dga package's; Madigan–York's published figures use
    it), but on Western it puts the posterior on the saturated graph: the text output must
    say so in red under the estimate, before the candidate table, not only at the end."""
    from typer.testing import CliRunner

    from factfinder.cli.main import app

    res = CliRunner().invoke(app, ["estimate", str(MSE / "western.csv"), "--method", "dga"],
                             env={"COLUMNS": "200"}, catch_exceptions=False)
    out = res.stdout
    assert "! the saturated model" in out
    assert out.index("! the saturated model") < out.index("candidate models")
    assert "A:B:C:D:E" in out  # list names are not read as emoji codes (:b:)
