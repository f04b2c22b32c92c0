"""The hand-checked entity gold of the seed pages (used only to measure; never shipped).

Skipped when ``shared/data/names/seed_entities.json`` is absent.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from factfinder.names import similarity

GOLD = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "names" / "seed_entities.json"
)
MERGE = 0.85


def _gold() -> dict[str, Any]:
    if not GOLD.exists():
        pytest.skip(f"{GOLD} not present")
    data: dict[str, Any] = json.loads(GOLD.read_text("utf-8"))
    return data


def test_seed_gold_same_and_different() -> None:
    gold = _gold()
    groups = [g["forms"] for g in gold.get("same", []) if g.get("type") == "person"]
    other_forms = {
        form for g in gold.get("same", []) if g.get("type") != "person" for form in g["forms"]
    }
    pairs = [pair for forms in groups for pair in itertools.combinations(forms, 2)]
    misses = [(a, b, similarity(a, b)) for a, b in pairs if similarity(a, b) < MERGE]
    different = [
        (a, b, similarity(a, b))
        for a, b in gold.get("different", [])
        if a not in other_forms and b not in other_forms
    ]
    print(f"\nwithin-group person pairs: {len(pairs) - len(misses)}/{len(pairs)} >= {MERGE}")
    for a, b, score in misses:
        print(f"  below: {score:.3f}  {a!r} / {b!r}")
    apart = sum(score < MERGE for *_, score in different)
    print(f"different person pairs: {apart}/{len(different)} < {MERGE}")
    for a, b, score in different:
        print(f"  {score:.3f}  {a!r} / {b!r}")
    assert pairs and different
    assert len(misses) <= 0.1 * len(pairs)
    assert all(score < MERGE for *_, score in different)
