from pathlib import Path

import pytest
from sqlalchemy import inspect

from factfinder.config import resolve_db_url, resolve_evidence_dir
from factfinder.db import Database
from factfinder.db.schema import metadata


def test_migrations_create_the_schema(db_url):
    db = Database(db_url)
    assert db.current_revision() == db.head_revision()
    insp = inspect(db.engine)
    for table in metadata.sorted_tables:
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} <= cols, table.name
    Database(db_url)  # opening again is a no-op
    db.close()


def test_sqlite_uses_wal_and_fts5(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert "documents_fts" in db.table_names()


def test_db_resolution_order(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FACTFINDER_DB", raising=False)
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'factfinder.db'}"
    monkeypatch.setenv("FACTFINDER_DB", "env.db")
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_db_url("cli.db") == f"sqlite:///{tmp_path / 'cli.db'}"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_evidence_beside_sqlite_database(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTFINDER_EVIDENCE", raising=False)
    url = f"sqlite:///{tmp_path / 'case.db'}"
    assert resolve_evidence_dir(url) == tmp_path / "case.evidence"
    assert resolve_evidence_dir(url, "elsewhere") == Path("elsewhere").resolve()
    monkeypatch.setenv("FACTFINDER_EVIDENCE", str(tmp_path / "ev"))
    assert resolve_evidence_dir(url) == tmp_path / "ev"


def test_unsupported_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unsupported database backend"):
        Database("mysql://u@h/db", migrate=False)


def test_an_older_case_database_upgrades_in_place(db_url, tmp_path):
    from alembic import command
    from sqlalchemy import func, select

    from factfinder.db.schema import documents
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.store import EvidenceStore

    old = Database(db_url, migrate=False)
    cfg = old._alembic_config()
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    assert old.current_revision() == "0001"
    (tmp_path / "a.txt").write_text("A statement by the families, long enough to be a document.")
    # intake only needs the 0001 tables
    Ingestor(old, EvidenceStore(tmp_path / "ev"), IngestOptions(collector="t")).run(
        [str(tmp_path / "a.txt")])
    old.close()
    new = Database(db_url)  # opening migrates to the newest revision
    assert new.current_revision() == new.head_revision() != "0001"
    assert "extractions" in new.table_names()
    with new.read() as conn:
        assert conn.execute(select(func.count()).select_from(documents)).scalar_one() == 1
    new.close()
