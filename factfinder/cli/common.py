"""Options every command shares, and how commands open the case database."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from factfinder.config import Settings, settings
from factfinder.db import Database
from factfinder.store import EvidenceStore

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Case database: a file path or a SQLAlchemy URL "
        "(default: $FACTFINDER_DB, then ./factfinder.db).",
        show_default=False,
    ),
]
EvidenceOption = Annotated[
    str | None,
    typer.Option(
        "--evidence",
        help="Evidence folder (default: $FACTFINDER_EVIDENCE, else beside a SQLite database).",
        show_default=False,
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Who acts, for the custody log (default: $FACTFINDER_ACTOR, "
                 "then the login name).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (stable, documented).")]


_OPENED: list[Database] = []


def close_opened() -> None:
    """Close the connections of every case database this command opened (run when the command
    ends, however it ends: a process that runs many commands, such as the tests, would
    otherwise keep one idle pool per call)."""
    while _OPENED:
        _OPENED.pop().engine.dispose()


def open_case(
    db: str | None, evidence: str | None = None, actor: str | None = None
) -> tuple[Settings, Database, EvidenceStore]:
    conf = settings(db, evidence, actor)
    try:
        database = Database(conf.db_url)
    except Exception as exc:  # a bad URL or unreachable server: one clear line
        err.print(f"[red]error:[/red] cannot open the case database {conf.db_url}: {exc}")
        raise typer.Exit(2) from exc
    _OPENED.append(database)
    return conf, database, EvidenceStore(conf.evidence_dir)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")
