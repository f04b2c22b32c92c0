"""The ledger quality gate: bench/ledger_quality.py's grouping figures may not drop.

Pinned at the latest run less a small margin (sample truth: precision 0.955, recall 0.950 over
the 73 truth claims extraction finds). The seed half skips when ../shared is absent. Raise the
pins when grouping improves; never lower them to pass.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import ledger_quality  # noqa: E402

SAMPLE = {"precision": 0.93, "recall": 0.93}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return ledger_quality.evaluate()


def test_sample_grouping(result: dict[str, Any]) -> None:
    got = result["sample"]
    assert got["matched"] >= 70, got
    for metric, pinned in SAMPLE.items():
        assert got[metric] >= pinned, f"sample {metric} fell to {got[metric]}"


def test_seed_acceptance(result: dict[str, Any]) -> None:
    seeds = result["seeds"]
    if seeds is None:
        pytest.skip("../shared/corpus/seeds is not present")
    assert seeds["toll_subject"].startswith("killed or executed · people · 1988")
    assert seeds["toll_claims"] >= 30  # dozens of repetitions, one group
    more = seeds["more_than_30000"]
    assert more["claims"] >= 10 and len(more["claimants"]) >= 3
    # repeats within one publisher are not independent
    pubs = seeds["by_publisher"].values()
    assert any(p["own_voice"] > 1 for p in pubs)
    assert all(p["own_voice_independent"] <= 1 for p in pubs)
    assert seeds["toll_independent_claimants"] < seeds["toll_claims"]
    tally = seeds["tally_groups"]
    assert tally and all(t["separate_from_toll"] for t in tally)
    assert any(t["breakdown"] for t in tally)
