"""The command's filters, errors and documentation."""

from __future__ import annotations

import json
import re
import sys

import pytest

from factfinder.export import ExportError, Filters, export
from factfinder.export.esf import TABLES as ESF_TABLES
from factfinder.export.tables import TABLES

from ..conftest import ROOT


def test_filters_restrict_documents_and_what_hangs_off_them(xcase):
    out, s = xcase.export("json", "f-entity", "--entity", "ebe05b8644")  # Jafar Kermani
    docs = json.loads((out / "documents.json").read_text())
    assert [d["collection"] for d in docs] == ["report.txt"]
    assert {m["document_id"] for m in json.loads((out / "mentions.json").read_text())} == {
        docs[0]["id"]}
    names = {e["name"] for e in json.loads((out / "entities.json").read_text())}
    assert "Jafar Kermani" in names and "Reza Gholami" not in names
    out, s = xcase.export("json", "f-type", "--event-type", "torture")
    assert s["counts"]["documents"] == 1 and s["counts"]["events"] == 1
    assert s["filters"]["event_type"] == "torture"
    out, s = xcase.export("csv", "f-date", "--since", "2024", "--until", "2025-06")
    assert s["counts"]["documents"] == 0 and s["counts"]["events"] == 0
    out, s = xcase.export("json", "f-coll", "--collection", "TESTI*")
    assert s["counts"]["documents"] == 1
    assert s["counts"]["lists"] == 0 and s["counts"]["estimates"] == 0
    out, s = xcase.export("json", "f-list", "--collection", "list_a.csv")
    assert s["counts"]["documents"] == 0 and s["counts"]["lists"] == 1
    assert s["counts"]["list_records"] == 156 and s["counts"]["estimates"] == 0
    out, s = xcase.export("json", "f-sub", "--collection", "sub-1", "--include-protected")
    assert s["counts"]["documents"] == 1


def test_human_output_names_files_and_rows(xcase):
    res = xcase.run("esf", "--out", str(xcase.root / "human"))
    assert "events.csv" in res.stdout and "custody entry" in res.stdout


def test_errors_are_one_line_and_exit_2(xcase, tmp_path):
    res = xcase.run("xml", "--out", str(tmp_path / "a"), ok=False)
    assert res.exit_code == 2 and "unknown format" in res.output
    assert not (tmp_path / "a").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("x")
    res = xcase.run("csv", "--out", str(full), ok=False)
    assert res.exit_code == 2 and "not empty" in res.output and "--force" in res.output
    xcase.run("csv", "--out", str(full), "--force")
    assert (full / "keep.txt").exists() and (full / "documents.csv").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = xcase.run("csv", "--out", str(blocker / "sub"), ok=False)
    assert res.exit_code == 2 and "cannot write" in res.output
    res = xcase.run("csv", "--out", str(tmp_path / "b"), "--since", "1988/08", ok=False)
    assert res.exit_code == 2 and "YYYY" in res.output
    res = xcase.run("csv", "--out", str(tmp_path / "c"), "--entity", "zzzz", ok=False)
    assert res.exit_code == 2 and "no entity" in res.output


def test_every_file_and_column_is_documented():
    doc = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    for tables, ext in ((TABLES, "csv"), (ESF_TABLES, "csv")):
        for table, columns in tables.items():
            assert f"{table}.{ext}" in doc or f"`{table}`" in doc, table
            section = doc  # columns are listed as `name` in the table's section
            for col in columns:
                assert re.search(rf"`{re.escape(col)}`", section), (table, col)
    assert "entities.ftm.json" in doc and "--include-protected" in doc


def test_ftm_without_followthemoney_is_one_clear_error(xcase, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "followthemoney", None)
    with pytest.raises(ExportError, match="pip install"):
        export(xcase.db, "ftm", tmp_path / "x", Filters(), "t")
    res = xcase.run("ftm", "--out", str(tmp_path / "y"), ok=False)
    assert res.exit_code == 2 and "followthemoney" in res.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
