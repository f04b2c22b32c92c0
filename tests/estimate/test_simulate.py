"""The simulator: known totals, reproducible with a seed, heterogeneity and dependence that show."""

from __future__ import annotations

import numpy as np
import pytest

from factfinder.estimate.simulate import SCENARIOS, SimulationError, simulate
from factfinder.estimate.table import CaptureTable


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_known_totals_come_out(scenario: str, k: int) -> None:
    table, truth = simulate(1500, k, scenario=scenario, seed=4)
    assert truth["N"] == 1500
    assert table.k == k and truth["lists"] == list(table.lists)
    assert truth["observed"] == table.observed
    assert truth["observed"] + truth["unobserved"] == 1500
    assert 0 < table.observed < 1500
    assert all(any(p) for p in table.counts)


def test_same_seed_same_table() -> None:
    a, ta = simulate(3000, 4, scenario="heterogeneous", seed=42)
    b, tb = simulate(3000, 4, scenario="heterogeneous", seed=42)
    c, _ = simulate(3000, 4, scenario="heterogeneous", seed=43)
    assert a == b and ta == tb
    assert a != c


def test_capture_rates_follow_the_settings() -> None:
    _, truth = simulate(20000, 3, capture=[0.1, 0.5, 0.8], seed=1)
    rates = list(truth["capture_rate"].values())
    assert rates == pytest.approx([0.1, 0.5, 0.8], abs=0.015)


def _odds_ratio(table: CaptureTable, a: int, b: int) -> float:
    # the all-absent cell is unknown: use people on neither a nor b but on some other list
    cells = np.zeros((2, 2))
    for pattern, n in table.counts.items():
        cells[pattern[a], pattern[b]] += n
    return float(cells[1, 1] * cells[0, 0] / (cells[1, 0] * cells[0, 1]))


def test_dependence_shows_in_the_table() -> None:
    pos, _ = simulate(40000, 3, dependence={("A", "B"): 4.0}, seed=3)
    neg, _ = simulate(40000, 3, dependence={(0, 1): 0.25}, seed=3)
    none, _ = simulate(40000, 3, seed=3)
    # condition on list C to see A and B among people that C recorded
    on_c = {p: n for p, n in pos.counts.items() if p[2]}
    cells = np.zeros((2, 2))
    for p, n in on_c.items():
        cells[p[0], p[1]] += n
    assert cells[1, 1] * cells[0, 0] / (cells[1, 0] * cells[0, 1]) == pytest.approx(4.0, rel=0.3)
    assert _odds_ratio(pos, 0, 1) > _odds_ratio(none, 0, 1) > _odds_ratio(neg, 0, 1)


def test_heterogeneity_makes_lists_look_positively_dependent() -> None:
    het, _ = simulate(40000, 3, heterogeneity=1.5, seed=8)
    flat, _ = simulate(40000, 3, seed=8)

    def on_c_odds(table: CaptureTable) -> float:
        cells = np.zeros((2, 2))
        for p, n in table.counts.items():
            if p[2]:
                cells[p[0], p[1]] += n
        return float(cells[1, 1] * cells[0, 0] / (cells[1, 0] * cells[0, 1]))

    assert on_c_odds(het) > 1.5
    assert on_c_odds(flat) == pytest.approx(1.0, abs=0.2)


def test_latent_classes() -> None:
    table, truth = simulate(5000, 4, classes=[(0.5, [0.8]), (0.5, [0.01])], seed=2)
    assert truth["class_sizes"][0] + truth["class_sizes"][1] == 5000
    # nearly all of the visible class is seen, nearly none of the other
    assert 2400 < table.observed < 2800


def test_bad_settings() -> None:
    with pytest.raises(SimulationError):
        simulate(100, 3, scenario="nope")
    with pytest.raises(SimulationError):
        simulate(100, 3, capture=[0.2, 0.3])
    with pytest.raises(SimulationError):
        simulate(100, 3, capture=1.0)
    with pytest.raises(SimulationError):
        simulate(100, 3, dependence={("A", "Z"): 2.0})
    with pytest.raises(SimulationError):
        simulate(100, 3, dependence={("A", "B"): -1.0})
    with pytest.raises(SimulationError):
        simulate(0, 3)
