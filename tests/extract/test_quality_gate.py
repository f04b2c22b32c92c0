"""The extraction quality gate: bench/extraction_quality.py's figures may not drop.

Pinned at the figures of the latest run (docs/benchmarks.md) less 0.02. Raise the pins when the
extractors improve; never lower them to make a change pass. The seed half skips when ../shared
is absent; the sample half always runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import extraction_quality  # noqa: E402

MARGIN = 0.02
SEED_PINS = {  # kind → {metric: latest figure}
    "mention": {"f1": 0.960},
    "date": {"f1": 0.950, "interval_accuracy": 0.956},
    "quote": {"f1": 0.925},
    "claim": {"f1": 0.996, "claimant_accuracy": 0.933},
    "event": {"f1": 0.799, "type_only_f1": 0.916},
}
SAMPLE_PINS = {
    "claim": {"found_share": 0.957, "correct_share": 0.774},
    "quote": {"found_share": 0.949, "correct_share": 0.814},
    "event": {"found_share": 0.924, "correct_share": 0.761},
}


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return extraction_quality.evaluate()


def test_seed_figures_do_not_drop(result: dict[str, Any]) -> None:
    if "seeds" not in result:
        pytest.skip("../shared/corpus/seeds is not present")
    for kind, pins in SEED_PINS.items():
        for metric, pinned in pins.items():
            got = result["seeds"][kind][metric]
            assert got >= pinned - MARGIN, f"{kind} {metric} fell to {got} (pinned {pinned})"


def test_sample_figures_do_not_drop(result: dict[str, Any]) -> None:
    for kind, pins in SAMPLE_PINS.items():
        for metric, pinned in pins.items():
            got = result["sample"][kind][metric]
            assert got >= pinned - MARGIN, f"sample {kind} {metric} fell to {got} ({pinned})"
