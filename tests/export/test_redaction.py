"""Redaction applies to every export: a protected person's names appear nowhere and their
entity is left out, protected documents are left out; --include-protected keeps both, marked,
and the custody entry says so."""

from __future__ import annotations

import json
from importlib.util import find_spec

import pytest

from factfinder import custody

from .conftest import SUBMITTER, WITNESS

FORMATS = ["csv", "json", "ndjson", "esf"] + (["ftm"] if find_spec("followthemoney") else [])


def _text(out):  # type: ignore[no-untyped-def]
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_protected_people_and_documents_are_left_out(xcase, fmt):
    out, summary = xcase.export(fmt, f"redacted-{fmt}")
    text = _text(out)
    for name in (WITNESS, *WITNESS.split(), SUBMITTER, "Hossein Moradi"):
        assert name not in text, name
    assert xcase.witness_id not in text and xcase.submission_id not in text
    assert summary["include_protected"] is False
    if fmt == "json":
        ents = json.loads((out / "entities.json").read_text())
        assert all(not e["protected"] for e in ents)
        docs = json.loads((out / "documents.json").read_text())
        testimony = next(d for d in docs if d["text"].startswith("Witness testimony"))
        assert "█" * len(WITNESS) in testimony["text"]  # masked, offsets kept
        assert len(testimony["text"]) == testimony["chars"]


@pytest.mark.parametrize("fmt", ["json", "ftm"])
def test_include_protected_keeps_and_marks_them(xcase, fmt):
    if fmt == "ftm":
        pytest.importorskip("followthemoney")
    out, summary = xcase.export(fmt, f"included-{fmt}", "--include-protected")
    text = _text(out)
    assert WITNESS in text and SUBMITTER in text
    assert summary["include_protected"] is True
    with xcase.db.read() as conn:
        entry = custody.entries(conn, action="export")[-1]
    assert entry.details["include_protected"] is True
    if fmt == "json":
        ents = {e["id"]: e for e in json.loads((out / "entities.json").read_text())}
        assert ents[xcase.witness_id]["protected"] is True
        docs = {d["id"]: d for d in json.loads((out / "documents.json").read_text())}
        assert docs[xcase.submission_id]["protected"] is True
        assert docs[xcase.submission_id]["collection"] == "submission.txt"
    else:
        lines = [json.loads(x) for x in text.splitlines()]
        witness = next(e for e in lines if e["id"] == f"ff-entity-{xcase.witness_id}")
        assert witness["properties"]["keywords"] == ["protected"]


def test_protected_entity_filter_needs_include_protected(xcase, tmp_path):
    res = xcase.run("csv", "--out", str(tmp_path / "x"), "--entity", xcase.witness_id,
                    ok=False)
    assert res.exit_code == 2 and "protected" in res.output
    out, summary = xcase.export("csv", "witness-only", "--entity", xcase.witness_id[:8],
                                "--include-protected")
    assert summary["counts"]["documents"] == 1
