"""Shared fixtures. Every test that takes ``db_url`` (or ``case``) runs on SQLite, and on
PostgreSQL too when FACTFINDER_TEST_POSTGRES holds a URL (``.ci/run`` starts one)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from factfinder.db import Database
from factfinder.intake.pipeline import IngestOptions, Ingestor, IngestReport
from factfinder.intake.types import Limits
from factfinder.store import EvidenceStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "sample"
POSTGRES = os.environ.get("FACTFINDER_TEST_POSTGRES")
# Every in-process CLI call opens its own engine and closes it when the command ends
# (``cli.common.close_opened``); the others' idle connections are closed after every test.
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES else [])


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(autouse=True)
def _dispose_idle_connections() -> Iterator[None]:
    """In-process CLI calls each open an engine; close their idle connections after every test
    so that PostgreSQL's connection limit is never reached."""
    yield
    from factfinder.db.database import dispose_idle

    dispose_idle()


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'case.db'}"
    assert POSTGRES
    reset_postgres(POSTGRES)
    return POSTGRES


@dataclass
class Case:
    db: Database
    store: EvidenceStore
    root: Path

    def ingest(self, *targets: str | Path, limits: Limits | None = None,
               actor: str = "tester", jobs: int = 1) -> IngestReport:
        opts = IngestOptions(collector=actor, limits=limits or Limits(), jobs=jobs)
        return Ingestor(self.db, self.store, opts).run([str(t) for t in targets])


@pytest.fixture
def case(db_url: str, tmp_path: Path) -> Iterator[Case]:
    db = Database(db_url)
    store = EvidenceStore(tmp_path / "evidence")
    yield Case(db, store, tmp_path)
    db.close()


@pytest.fixture
def seeds_dir() -> Path:
    path = SHARED / "corpus" / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/corpus/seeds is not present")
    return path
