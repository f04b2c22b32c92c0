"""BCa bootstrap intervals that repeat the model selection (Efron 1987; Chan, Silverman &
Vincent 2021), and the published BCa figure for the Korean table (skipped without ../shared)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from factfinder.estimate import intervals
from factfinder.estimate.loglinear import fit_model
from factfinder.estimate.methods import estimate
from factfinder.estimate.table import CaptureTable
from tests.conftest import SHARED
from tests.estimate.test_strata import truth

MSE = SHARED / "data" / "mse"


def test_bca_level_reduces_to_percentile_without_corrections():
    for a in (0.025, 0.1, 0.975):
        assert intervals._bca_level(0.0, 0.0, a) == pytest.approx(a)
    # a positive bias correction moves both levels up
    assert intervals._bca_level(0.2, 0.0, 0.025) > 0.025
    assert intervals._bca_level(0.2, 0.0, 0.975) > 0.975


def test_type8_quantile_matches_numpy_median_unbiased():
    rng = np.random.default_rng(3)
    x = np.sort(rng.gamma(2.0, 3.0, 257))
    for q in (0.01, 0.025, 0.3, 0.5, 0.9, 0.975, 0.995):
        assert intervals._q8(x, q) == pytest.approx(
            float(np.quantile(x, q, method="median_unbiased")))


def test_acceleration_is_the_delete_one_person_jackknife():
    t = CaptureTable(("a", "b", "c"), {(1, 0, 0): 40, (0, 1, 0): 35, (0, 0, 1): 30,
                                       (1, 1, 0): 12, (1, 0, 1): 9, (0, 1, 1): 7,
                                       (1, 1, 1): 3})
    pats = t.patterns()

    def one(rep: CaptureTable) -> tuple[float, str]:
        return fit_model(rep, "a:b").estimate, "a:b"

    accel, warnings = intervals._jackknife_acceleration(t, pats, one)
    assert warnings == []
    # by hand: remove one person of each cell, weight by the cell's count
    vals, w = [], []
    for p, n in t.counts.items():
        counts = dict(t.counts)
        counts[p] = n - 1
        vals.append(fit_model(CaptureTable(t.lists, counts), "a:b").estimate)
        w.append(n)
    v, wt = np.array(vals), np.array(w, dtype=float)
    d = np.sum(wt * v) / wt.sum() - v
    assert accel == pytest.approx(np.sum(wt * d ** 3) / (6 * np.sum(wt * d ** 2) ** 1.5))
    assert accel != 0


def test_multinomial_resampling_keeps_the_number_observed():
    t, _, _ = truth()
    seen: list[int] = []

    def refit(rep: CaptureTable) -> tuple[float, str]:
        seen.append(rep.observed)
        return float(rep.observed) + 50.0, "fixed"

    chosen = fit_model(t, "independence")
    intervals.bootstrap_interval(t, chosen, replicates=30, seed=1, resample="multinomial",
                                 refit=refit)
    assert set(seen) == {t.observed}
    seen.clear()
    intervals.bootstrap_interval(t, chosen, replicates=30, seed=1, resample="observed",
                                 refit=refit)
    assert len(set(seen)) > 1  # Poisson cells: n varies


def test_bca_on_the_sample_is_seeded_and_keeps_percentile_available():
    t, total, _ = truth()
    a = estimate(t, "loglinear", interval="bca", bootstrap=200, seed=0)
    b = estimate(t, "loglinear", interval="bca", bootstrap=200, seed=0)
    p = estimate(t, "loglinear", interval="bootstrap", bootstrap=200, seed=0)
    assert (a.lower, a.upper) == (b.lower, b.upper)
    assert "BCa" in a.interval and "repeating the model selection" in a.interval
    assert "percentile" in p.interval
    bca = a.details["bootstrap"]["bca"]
    assert set(bca) >= {"z0", "acceleration", "levels", "share_below"}
    # the same replicates, other quantiles
    assert a.details["bootstrap"]["estimates"] == p.details["bootstrap"]["estimates"]
    assert (a.lower, a.upper) != (p.lower, p.upper)
    assert a.lower < a.estimate < a.upper
    # the selection-aware interval covers the known total, as the percentile one does
    assert a.lower <= total <= a.upper


def _monte_carlo_band(boot: dict, upper: bool, z: float = 3.0) -> tuple[float, float]:
    """Where a BCa limit from another run of the same size would fall, to Monte Carlo error.

    Both the published limit and ours come from B replicates, so their difference carries
    about √2 times one run's error: we work at z·√2 (z = 3). Two sources: (1) the share of
    replicates below N̂ (binomial, sd √(s(1 − s)/B)) moves z₀ and so the BCa level — we take
    the levels at z₀ ± z√2·sd/φ(z₀) (the jackknife acceleration has no Monte Carlo error);
    (2) the limit is an order statistic, whose position in F is Beta(r, B − r + 1): we take
    its z√2 quantiles and read them off our replicates (type-8 quantiles). When the level
    puts the limit at the smallest (or largest) replicate, our replicates cannot say how far
    another run's extreme lies beyond ours: that side of the band is open (±∞)."""
    from scipy.stats import beta, norm

    arr = np.sort(np.array(boot["estimates"] + [math.inf] * boot["failed"]))
    b = arr.size
    zz = z * math.sqrt(2)
    bca = boot["bca"]
    s, z0, a = bca["share_below"], bca["z0"], bca["acceleration"]
    dz = zz * math.sqrt(s * (1 - s) / b) / float(norm.pdf(z0))
    alpha = 0.975 if upper else 0.025
    levels = [intervals._bca_level(z0 + d, a, alpha) for d in (-dz, dz)]
    tail = float(norm.sf(zz))

    def rank(level: float) -> int:
        return min(max(round((b + 1 / 3) * level + 1 / 3), 1), b)

    r_lo, r_hi = rank(min(levels)), rank(max(levels))
    lo = -math.inf if r_lo == 1 else intervals._q8(arr, float(beta.ppf(tail, r_lo,
                                                                         b - r_lo + 1)))
    hi = math.inf if r_hi == b else intervals._q8(arr, float(beta.ppf(1 - tail, r_hi,
                                                                        b - r_hi + 1)))
    return lo, hi


def _check_published_bca(name: str, criterion: str, ref: dict) -> None:
    t = CaptureTable.from_csv(MSE / f"{name}.csv")
    e = estimate(t, "loglinear", criterion=criterion, interval="bca", bootstrap=1000,
                 seed=1234, resample="multinomial")
    assert e.model == ref["model"]
    boot = e.details["bootstrap"]
    for upper, published, ours in ((False, ref["lower"], e.lower),
                                   (True, ref["upper"], e.upper)):
        band = _monte_carlo_band(boot, upper)
        assert band[0] <= published <= band[1], (published, ours, band)
        assert band[0] <= ours <= band[1]


needs_shared = pytest.mark.skipif(not (MSE / "published.json").is_file(),
                                  reason="../shared/data/mse is not present")


@needs_shared
def test_korea_bca_matches_the_published_interval():
    """Published: best BIC (n = cases) b:c + c:d, 157 [128, 349], a BCa bootstrap repeating
    the selection (Silverman, Chan & Vincent 2024). Same selection and resampling scheme
    (the people observed, multinomial), 1,000 replicates and the authors' default seed 1234
    (but numpy's random numbers, not R's): each published limit must lie within the Monte
    Carlo band of ours (:func:`_monte_carlo_band`). With cells drawn from Poisson
    distributions (our default scheme) the lower limit falls to about 112, outside the band:
    the test tells the two schemes apart."""
    pub = json.loads((MSE / "published.json").read_text())
    _check_published_bca("korea", "bic",
                         [e for e in pub["korea"] if e.get("model") == "b:c + c:d"][0])


@needs_shared
def test_western_bca_matches_the_published_interval():
    """Published: stepwise A:E, 2,483 [1,293, 3,670], BCa bootstrap redoing the selection
    (Chan, Silverman & Vincent 2021) — with their stepwise selection (``--criterion
    stepwise``). The lower limit sits at a BCa level near 3·10⁻⁵, i.e. at the smallest
    replicate, so only its upper side is checked (see :func:`_monte_carlo_band`)."""
    pub = json.loads((MSE / "published.json").read_text())
    _check_published_bca("western", "stepwise", pub["western"][0])


def test_cli_bca_and_the_note_on_conditional_intervals(tmp_path):
    from typer.testing import CliRunner

    from factfinder.cli.main import app
    from tests.estimate.test_cli_estimate import write_table

    t, _, _ = truth()
    path = write_table(tmp_path / "sample.csv", t.lists, dict(t.counts))
    runner = CliRunner()
    res = runner.invoke(app, ["estimate", str(path), "--interval", "bca", "--bootstrap", "40",
                              "--resample", "multinomial", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "BCa" in out["interval"] and "multinomial" in out["interval"]
    # a profile interval after a search says what it assumes and what to do
    res = runner.invoke(app, ["estimate", str(path)], env={"COLUMNS": "200"},
                        catch_exceptions=False)
    assert "note: this interval assumes that list_a:list_c is the true model" in res.stdout
    assert "--interval bca" in res.stdout and "--heterogeneity search" in res.stdout
    res = runner.invoke(app, ["estimate", str(path), "--interval", "bca", "--bootstrap", "40"],
                        env={"COLUMNS": "200"}, catch_exceptions=False)
    assert "note:" not in res.stdout  # the interval already repeats the selection
