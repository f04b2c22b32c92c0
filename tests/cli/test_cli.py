"""The CLI as a user runs it: exit codes, --db / FACTFINDER_DB, --json shapes, docs coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from factfinder.cli.main import app

from ..conftest import ROOT, SAMPLE

runner = CliRunner()
TEXT = ("Families of prisoners executed in the summer of 1988 gathered at the cemetery. "
        "They demanded to know where their relatives were buried. " * 3)


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("Cemetery report\n\n" + TEXT)
    (d / "b.txt").write_bytes(b"")
    return d


def test_ingest_documents_search_show_verify(db_url, folder, tmp_path):
    ev = str(tmp_path / "ev")
    res = run("ingest", str(folder), "--db", db_url, "--evidence", ev, "--actor", "ana", "--json")
    assert res.exit_code == 1  # b.txt is empty: rejected, and the exit code says so
    out = json.loads(res.stdout)
    assert out["documents_added"] == 1 and out["rejected"][0]["reason"].startswith("empty")
    assert out["extracted"]["documents"] == 1 and out["extracted"]["failed"] == []

    docs = json.loads(run("documents", "--db", db_url, "--json").stdout)
    assert len(docs) == 1
    assert {"id", "sha256", "title", "url", "published", "parent_id", "duplicate_group",
            "chars"} <= set(docs[0])
    assert docs[0]["title"] == "Cemetery report" and docs[0]["parent_id"] is None

    hits = json.loads(run("search", "cemetery relatives", "--db", db_url, "--json").stdout)
    assert hits["total"] == 1 and hits["hits"][0]["id"] == docs[0]["id"]

    shown = json.loads(run("show", docs[0]["id"][:8], "--db", db_url, "--json").stdout)
    assert shown["text"].startswith("Cemetery report")
    assert [e["action"] for e in shown["custody"]] == ["collect", "extract"]
    assert shown["custody"][0]["actor"] == "ana"

    res = run("verify", "--db", db_url, "--evidence", ev)
    assert res.exit_code == 0 and "OK" in res.stdout
    log = json.loads(run("custody", "log", "--db", db_url, "--json").stdout)
    # intake, then extraction from the new document
    assert [e["action"] for e in log] == ["collect", "extract", "reject", "extract-facts"]
    assert log[-1]["details"]["documents"] == [docs[0]["id"]]
    head = json.loads(run("custody", "head", "--db", db_url, "--json").stdout)
    assert head["seq"] == 4 and head["hash"] == log[-1]["hash"]

    again = run("ingest", str(folder / "a.txt"), "--db", db_url, "--evidence", ev, "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["already_present"] == 1


def test_db_falls_back_to_environment_then_default(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FACTFINDER_DB", raising=False)
    run("ingest", str(folder / "a.txt"), "--quiet")
    assert (tmp_path / "factfinder.db").exists() and (tmp_path / "factfinder.evidence").is_dir()
    env_db = tmp_path / "env.db"
    res = run("ingest", str(folder / "a.txt"), "--quiet", env={"FACTFINDER_DB": str(env_db)})
    assert res.exit_code == 0 and env_db.exists()


def test_verify_fails_with_exit_1_on_tampering(folder, tmp_path):
    db = str(tmp_path / "case.db")
    run("ingest", str(folder / "a.txt"), "--db", db, "--quiet")
    ev = tmp_path / "case.evidence" / "sha256"
    original = next(p for p in ev.rglob("*") if p.is_file())
    original.chmod(0o600)
    original.write_bytes(b"changed")
    res = run("verify", "--db", db)
    assert res.exit_code == 1 and "altered" in res.stderr


def test_unknown_document_and_bad_database_are_clear_errors(tmp_path):
    res = run("show", "nope", "--db", str(tmp_path / "x.db"))
    assert res.exit_code == 1 and "no document" in res.stderr
    res = run("documents", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert res.exit_code == 2 and "cannot open the case database" in res.stderr


def test_sample_corpus_ingests_without_rejection(tmp_path):
    db = str(tmp_path / "demo.db")
    res = run("ingest", str(SAMPLE / "corpus"), str(SAMPLE / "lists"), "--db", db, "--json")
    assert res.exit_code == 0, res.stdout
    out = json.loads(res.stdout)
    assert out["rejected"] == [] and out["originals_added"] == 23
    docs = json.loads(run("documents", "--db", db, "--json").stdout)
    kinds = {d["kind"] for d in docs}
    assert {"document", "page", "post", "message", "response"} <= kinds
    truth = json.loads((SAMPLE / "truth" / "documents.json").read_text())
    assert truth  # ground truth ships beside the corpus


def _commands() -> list[str]:
    names = []
    group = get_command(app)
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


def test_every_command_is_documented_with_an_example():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in _commands():
        assert re.search(rf"^#+ `factfinder {name}", doc, re.M), f"docs/cli.md lacks {name}"
        assert f"$ factfinder {name}" in doc, f"docs/cli.md has no example of {name}"


def test_ingest_without_a_model_keeps_the_documents_and_says_why(folder, tmp_path, monkeypatch):
    import factfinder.extract.nlp as nlp

    def no_model(*args: object) -> None:
        raise RuntimeError("no English spaCy model is installed")

    monkeypatch.setattr(nlp, "load_nlp", no_model)
    db = str(tmp_path / "case.db")
    res = run("ingest", str(folder / "a.txt"), "--db", db, "--quiet")
    assert res.exit_code == 1 and "extraction skipped" in res.stderr
    docs = json.loads(run("documents", "--db", db, "--json").stdout)
    assert len(docs) == 1  # intake was committed before extraction
