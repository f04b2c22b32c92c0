"""Near-duplicate grouping: within a batch, across runs, and merging groups."""

from __future__ import annotations

import numpy as np

from factfinder.dedup import NUM_PERM, THRESHOLD, Signature, signature
from factfinder.documents import list_documents
from factfinder.intake.prepare import Prepared, PreparedDoc
from factfinder.intake.writer import BatchWriter


def _sig(values: np.ndarray) -> bytes:
    return Signature(values.astype(np.uint64)).to_bytes()


BASE = np.arange(NUM_PERM, dtype=np.uint64) + 1000
OTHER = BASE.copy()
OTHER[:64] += 50_000  # shares half the positions with BASE: not a duplicate (0.5 < 0.7)
BRIDGE = BASE.copy()
BRIDGE[:32] = OTHER[:32]  # 0.75 like BASE and 0.75 like OTHER
UNRELATED = BASE + 99_999


def _prepared(name: str, values: np.ndarray) -> Prepared:
    sha = (name.encode().hex() * 64)[:64]
    sig = Signature(values.astype(np.uint64))
    doc = PreparedDoc(
        id=name.ljust(16, "0")[:16], unit_key="", position=0, kind="document", parent_id=None,
        media_type="text/plain", title=name, url=None, published=None, author=None,
        site_name=None, text=f"text of {name}", source_start=0, source_end=10, offset_map="[]",
        layer_sha256="0" * 64, meta="{}", signature=_sig(values), buckets=sig.buckets())
    return Prepared(sha, 10, "text/plain", f"{name}.txt", None, "test", [doc])


def _write(case, *items: tuple[str, np.ndarray]) -> None:
    with case.db.write() as conn:
        BatchWriter(conn, case.db.dialect, "tester").write(
            [(f"{n}.txt", None, _prepared(n, v)) for n, v in items])


def _groups(case) -> dict[str, str | None]:
    with case.db.read() as conn:
        return {d["title"]: d["duplicate_group"] for d in list_documents(conn)}


def test_similarity_threshold_assumptions():
    assert Signature(BASE).similarity(Signature(OTHER)) < THRESHOLD
    assert Signature(BRIDGE).similarity(Signature(BASE)) >= THRESHOLD
    assert Signature(BRIDGE).similarity(Signature(OTHER)) >= THRESHOLD


def test_groups_form_within_a_batch_and_across_runs(case):
    _write(case, ("a", BASE), ("u", UNRELATED), ("a2", BASE))
    g = _groups(case)
    assert g["a"] == g["a2"] == "a".ljust(16, "0") and g["u"] is None
    _write(case, ("a3", BASE))  # a later run joins the existing group
    assert _groups(case)["a3"] == g["a"]


def test_a_bridge_document_merges_two_groups_under_the_earliest(case):
    _write(case, ("a", BASE), ("a2", BASE))
    _write(case, ("c", OTHER), ("c2", OTHER))
    g = _groups(case)
    assert g["a"] != g["c"] and g["c"] == g["c2"]
    _write(case, ("bridge", BRIDGE))
    g = _groups(case)
    assert g["a"] == g["a2"] == g["c"] == g["c2"] == g["bridge"] == "a".ljust(16, "0")


def test_an_existing_ungrouped_document_joins_a_new_duplicate(case):
    _write(case, ("first", BASE))
    assert _groups(case)["first"] is None
    _write(case, ("second", BASE))
    g = _groups(case)
    assert g["first"] == g["second"] == "first".ljust(16, "0")


def test_real_text_signatures():
    text = " ".join(f"word{i} and more words about case {i % 7}" for i in range(80))
    a, b = signature(text), signature("Republished. " + text + " Share this.")
    assert a is not None and b is not None and a.similarity(b) >= THRESHOLD
    assert signature("too short to compare") is None
