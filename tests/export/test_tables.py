"""csv / json / ndjson: one file per table with the documented columns, every fact traceable to
its document's words and original, and a custody entry for each export."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from factfinder import custody
from factfinder.export.tables import TABLES


def _rows(path, fmt):  # type: ignore[no-untyped-def]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_one_file_per_table_with_documented_columns(xcase, fmt):
    out, summary = xcase.export(fmt, f"tables-{fmt}")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)
    for f in summary["files"]:
        path = out / f["name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"]
        rows = _rows(path, fmt)
        assert len(rows) == f["rows"]
        table = f["name"].rsplit(".", 1)[0]
        if fmt == "csv":
            header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
            assert header == list(TABLES[table])
        for r in rows:
            assert list(r) == list(TABLES[table])
    counts = summary["counts"]
    assert counts["documents"] == 2  # the protected submission is left out
    for table in ("mentions", "entities", "claims", "quotes", "events", "ledger_groups"):
        assert counts[table] > 0, table
    assert counts["lists"] == 3 and counts["list_records"] == 366
    assert counts["estimates"] == 1


def test_every_fact_traces_to_its_words_and_original(xcase):
    out, _ = xcase.export("json", "trace")
    docs = {d["id"]: d for d in json.loads((out / "documents.json").read_text())}
    for table in ("mentions", "dates", "claims", "quotes", "events"):
        for r in json.loads((out / f"{table}.json").read_text()):
            doc = docs[r["document_id"]]
            assert r["document_sha256"] == doc["sha256"]
            if table != "quotes":  # a quote's text is its parts, joined
                assert doc["text"][r["start"]:r["end"]] == r["text"], (table, r["id"])
    events = json.loads((out / "events.json").read_text())
    execution = next(e for e in events if "Kamran Azarnoush" in e["victims"])
    assert execution["type"] == "execution" and execution["date_start"] == "1988-08-05"
    groups = {g["claim_id"]: g for g in json.loads((out / "ledger_groups.json").read_text())}
    claims = json.loads((out / "claims.json").read_text())
    assert all(c["ledger_group"] == groups[c["id"]]["group_id"] for c in claims)
    ents = {e["id"]: e for e in json.loads((out / "entities.json").read_text())}
    for m in json.loads((out / "mentions.json").read_text()):
        assert m["entity_id"] is None or m["entity_id"] in ents
    est = json.loads((out / "estimates.json").read_text())[0]
    assert est["method"] == "loglinear" and est["lower"] < est["estimate"] < est["upper"]
    assert est["lists"] == ["list_a", "list_b", "list_c"]


def test_each_export_is_a_custody_entry(xcase):
    out, summary = xcase.export("csv", "custody", "--collection", "report*")
    with xcase.db.read() as conn:
        entry = custody.entries(conn, action="export")[-1]
        assert custody.verify_chain(conn) == []
    assert entry.seq == summary["custody_seq"] and entry.actor == "exporter"
    d = entry.details
    assert d["format"] == "csv" and d["include_protected"] is False
    assert d["filters"]["collection"] == "report*"
    assert {f["name"]: f["sha256"] for f in d["files"]} == {
        f["name"]: hashlib.sha256((out / f["name"]).read_bytes()).hexdigest()
        for f in summary["files"]}
    assert d["counts"]["documents"] == 1


def test_a_case_with_no_extraction_and_no_lists_exports(case, tmp_path):
    """On every engine: a document without extractions, no lists — every table written."""
    from factfinder.export import Filters, export

    (tmp_path / "note.txt").write_text("A short note about nothing.\n", encoding="utf-8")
    case.ingest(tmp_path / "note.txt")
    result = export(case.db, "ndjson", tmp_path / "out", Filters(since="1900"), "t")
    assert result.counts["documents"] == 0  # no published date
    result = export(case.db, "csv", tmp_path / "out2", Filters(collection="note.*"), "t")
    assert result.counts["documents"] == 1 and result.counts["estimates"] == 0
    assert sum(result.counts.values()) == 1
    with case.db.read() as conn:
        assert [e.details["format"] for e in custody.entries(conn, action="export")] == [
            "ndjson", "csv"]
