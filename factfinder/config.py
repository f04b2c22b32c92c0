"""Where the case database and the evidence store live.

Every command takes ``--db`` (a file path or a SQLAlchemy URL), falling back to the environment
variable ``FACTFINDER_DB``, then ``./factfinder.db``. The evidence store (the content-addressed
originals) sits beside a SQLite database (``case.db`` → ``case.evidence/``) unless ``--evidence`` or
``FACTFINDER_EVIDENCE`` names another folder; a PostgreSQL database has no "beside", so there the
folder defaults to ``./factfinder.evidence``.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_DB = "factfinder.db"


@dataclass(frozen=True)
class Settings:
    db_url: str
    evidence_dir: Path
    actor: str


def resolve_db_url(db: str | None = None) -> str:
    value = db or os.environ.get("FACTFINDER_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def resolve_evidence_dir(db_url: str, evidence: str | None = None) -> Path:
    value = evidence or os.environ.get("FACTFINDER_EVIDENCE")
    if value:
        return Path(value).expanduser().resolve()
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db_path = Path(url.database)
        return db_path.with_name(db_path.stem + ".evidence")
    return Path("factfinder.evidence").resolve()


def resolve_actor(actor: str | None = None) -> str:
    """Who is acting, for the custody log: --actor, FACTFINDER_ACTOR, else the login name."""
    if actor:
        return actor
    env = os.environ.get("FACTFINDER_ACTOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def settings(
    db: str | None = None, evidence: str | None = None, actor: str | None = None
) -> Settings:
    url = resolve_db_url(db)
    return Settings(url, resolve_evidence_dir(url, evidence), resolve_actor(actor))
