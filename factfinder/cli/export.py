"""The ``export`` command: tables (csv, json, ndjson), FollowTheMoney (ftm) and HURIDOCS
ESF (esf) exports of the case, redacted, each one logged in the custody log.

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from factfinder.cli.common import (
    ActorOption,
    DbOption,
    EvidenceOption,
    JsonOption,
    console,
    err,
    open_case,
    print_json,
)

FORMAT_HELP = ("csv, json or ndjson (one file per table), ftm (FollowTheMoney entities, "
               "line-delimited JSON) or esf (HURIDOCS Events Standard Formats, CSV).")


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)


def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=FORMAT_HELP,
                                       show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", help="The folder to write (created; refused when it holds files, unless "
        "--force).", show_default=False)],
    entity: Annotated[str | None, typer.Option(
        "--entity", help="Only documents that mention this entity (id or unique prefix).")]
        = None,
    event_type: Annotated[str | None, typer.Option(
        "--event-type", help="Only documents with an event of this type, and only such "
        "events (see factfinder/vocab/violations.yaml).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only documents published on or after YYYY[-MM[-DD]].")] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="Only documents published on or before YYYY[-MM[-DD]].")] = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help="Only what came in one file (the original's file name, * and ? "
        "allowed, or its SHA-256 prefix; a mailbox, a crawl, a list) or one web submission "
        "(its id).")] = None,
    include_protected: Annotated[bool, typer.Option(
        "--include-protected", help="Also protected persons and documents (marked "
        "protected); recorded in the custody log. Default: redacted.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into an --out folder that already holds files.")] = False,
    db: DbOption = None,
    evidence: EvidenceOption = None,
    actor: ActorOption = None,
    json_out: JsonOption = False,
) -> None:
    """Export the case (or the part the filters keep) for other tools: tables, FollowTheMoney
    entities for Aleph, or HURIDOCS events. Protected persons are redacted unless
    --include-protected; every export is a custody-log entry. Exit code 2 on a usage error."""
    from factfinder.export import FORMATS, ExportError, FilterError, Filters, export

    if fmt.lower() not in FORMATS:
        err.print(f"[red]error:[/red] unknown format {escape(fmt)}: choose one of "
                  f"{', '.join(FORMATS)}")
        raise typer.Exit(2)
    conf, database, store = open_case(db, evidence, actor)
    filters = Filters(entity=entity, event_type=event_type, since=since, until=until,
                      collection=collection, include_protected=include_protected)
    try:
        result = export(database, fmt, out, filters, conf.actor, force=force,
                        evidence_dir=store.root)
    except (ExportError, FilterError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    if json_out:
        print_json(result.as_json())
        return
    table = Table(box=None, pad_edge=False)
    for col in ("file", "rows", "sha256"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for f in result.files:
        table.add_row(escape(f.name), f"{f.rows:,}", f.sha256[:16])
    console.print(table)
    marked = " (protected persons included and marked)" if include_protected else \
        " (protected persons redacted)"
    console.print(f"{result.format} export of {len(result.files)} file(s) → "
                  f"{escape(str(out))}{marked}; custody entry {result.custody_seq}",
                  soft_wrap=True)
