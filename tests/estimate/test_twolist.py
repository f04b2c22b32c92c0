"""Lincoln–Petersen and Chapman against hand computation."""

from __future__ import annotations

import math

import pytest

from factfinder.estimate.methods import MethodError, estimate
from factfinder.estimate.table import CaptureTable
from factfinder.estimate.twolist import chapman, lincoln_petersen


def table(n10: int, n01: int, n11: int) -> CaptureTable:
    return CaptureTable(("a", "b"), {(1, 0): n10, (0, 1): n01, (1, 1): n11})


def test_lincoln_petersen_by_hand():
    # n1 = 60, n2 = 50, m = 20: N = 60·50/20 = 150; var = 60·50·40·30/20³ = 450
    e = lincoln_petersen(table(40, 30, 20))
    assert e.estimate == pytest.approx(150.0)
    assert e.fit["se"] == pytest.approx(math.sqrt(450), abs=1e-4)
    assert e.observed == 90
    # log-normal interval around the 60 unrecorded: never below what was observed
    f0, se = 60.0, math.sqrt(450)
    c = math.exp(1.959963984540054 * math.sqrt(math.log(1 + se * se / f0 / f0)))
    assert e.lower == pytest.approx(90 + f0 / c, abs=1e-3)
    assert e.upper == pytest.approx(90 + f0 * c, abs=1e-3)
    assert e.lower < 150 < e.upper
    assert e.warnings == []


def test_chapman_by_hand_and_wald():
    e = chapman(table(40, 30, 20), interval="wald")
    n = 61 * 51 / 21 - 1
    var = 61 * 51 * 40 * 30 / (21 ** 2 * 22)
    assert e.estimate == pytest.approx(n, abs=1e-4)
    assert e.upper == pytest.approx(n + 1.959963984540054 * math.sqrt(var), abs=1e-3)
    assert e.interval == "Wald (normal)"


def test_zero_overlap_warns_and_gives_no_lp_number():
    e = lincoln_petersen(table(40, 30, 0))
    assert e.estimate is None
    assert any("share nobody" in w for w in e.warnings)
    c = chapman(table(40, 30, 0))
    assert c.estimate == pytest.approx(41 * 31 - 1)
    assert any("lower bound" in w for w in c.warnings)


def test_small_overlap_warns():
    assert any("unstable" in w for w in lincoln_petersen(table(40, 30, 3)).warnings)


def test_dispatcher_and_errors():
    t = table(40, 30, 20)
    assert estimate(t, "lp").estimate == pytest.approx(150.0)
    assert estimate(t, "chapman", level=0.9).level == 0.9
    # a two-list log-linear independence model is Lincoln–Petersen
    assert estimate(t, "loglinear").estimate == pytest.approx(150.0, abs=0.01)
    with pytest.raises(MethodError):
        estimate(t, "chapman", model="a:b")
    with pytest.raises(MethodError):
        estimate(t, "nonsense")
    three = CaptureTable(("a", "b", "c"), {(1, 1, 0): 3, (1, 0, 0): 4, (0, 0, 1): 2})
    with pytest.raises(ValueError, match="exactly 2 lists"):
        estimate(three, "lincoln-petersen")
