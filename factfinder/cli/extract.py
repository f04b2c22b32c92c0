"""Extraction commands: ``extract`` and one listing command per kind.

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time,
and the listing commands take their help texts from a closure.
"""


import os
from typing import Annotated, Any

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
from factfinder.extract.query import ItemFilter, list_items

KIND_CHOICES = ("mention", "date", "quote", "claim", "event")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    for kind, name, label_help, columns in LISTINGS:
        app.command(name, help=f"List extracted {name}.")(_lister(kind, label_help, columns))


def extract(
    db: DbOption = None,
    evidence: EvidenceOption = None,
    actor: ActorOption = None,
    document: Annotated[list[str] | None, typer.Option(
        "--document", "-d", help="Only these documents (repeat the option).")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="Only these kinds: mention, date, quote, claim, event (the kinds "
        "before it run too, but only these are replaced).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (default: the "
                                      "number of cores, at most 4).")] = 0,
    json_out: JsonOption = False,
) -> None:
    """(Re-)extract mentions, dates, quotes, numeric claims and events from documents.

    Replaces only the items the same extractors made before for those documents."""
    from factfinder.extract.runner import run_extraction

    for k in kind or []:
        if k not in KIND_CHOICES:
            err.print(f"[red]error:[/red] unknown kind {escape(k)}: use one of "
                      + ", ".join(KIND_CHOICES))
            raise typer.Exit(2)
    conf, database, store = open_case(db, evidence, actor)
    jobs = jobs if jobs > 0 else min(os.cpu_count() or 1, 4)
    report = run_extraction(database, actor=conf.actor, doc_ids=document or None,
                            kinds=tuple(kind) if kind else None, jobs=jobs,
                            evidence_root=store.root)
    from factfinder.entities.resolve import resolve_entities

    resolved = resolve_entities(database, conf.actor)
    if json_out:
        print_json({"documents": report.documents, "items": report.items,
                    "failed": [{"document_id": d, "reason": r} for d, r in report.failed],
                    "entities": resolved.entities})
    else:
        items = ", ".join(f"{n} {k}(s)" for k, n in sorted(report.items.items())) or "no items"
        console.print(f"{report.documents} document(s): {items}", soft_wrap=True)
        ents = ", ".join(f"{n} {t}(s)" for t, n in sorted(resolved.entities.items()))
        console.print(f"entities: {ents or 'none'}", soft_wrap=True)
        for doc_id, reason in report.failed:
            err.print(f"[red]failed[/red] {doc_id}: {escape(reason)}", soft_wrap=True)
    raise typer.Exit(1 if report.failed else 0)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _lister(kind: str, label_help: str | None, columns: tuple[str, ...]) -> Any:
    def command(
        db: DbOption = None,
        document: Annotated[str | None, typer.Option(
            "--document", "-d", help="Only this document (a unique id prefix).")] = None,
        label: Annotated[str | None, typer.Option(
            "--label", help=label_help or "", hidden=label_help is None)] = None,
        contains: Annotated[str | None, typer.Option(
            "--contains", help="Only items whose words contain this.")] = None,
        limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
        json_out: JsonOption = False,
    ) -> None:
        _, database, _ = open_case(db)
        with database.read() as conn:
            items = list_items(conn, ItemFilter(kind, document, label, contains, limit))
        if json_out:
            print_json(items)
            return
        table = Table(box=None, pad_edge=False)
        table.add_column("document", no_wrap=True)
        table.add_column("text", overflow="fold", max_width=40)
        for col in columns:
            table.add_column(col.replace("_", " "), overflow="fold")
        for it in items:
            table.add_row(it["document_id"][:8], escape(it["text"][:120]),
                          *[escape(_cell(it.get(c))) for c in columns])
        console.print(table)
        console.print(f"{len(items)} {kind}(s)")

    return command


LISTINGS = [
    ("mention", "mentions", "Only this label: PERSON, ORG, PLACE.", ("label", "normalized")),
    ("date", "dates", "Only this precision: day, week, month, season, year, decade, approximate, "
     "relative.", ("date_start", "date_end", "calendar")),
    ("quote", "quotes", None, ("speaker", "cue")),
    ("claim", "claims", None, ("low", "high", "counted", "predicate", "claimant")),
    ("event", "events", "Only this event type (see factfinder/vocab/violations.yaml).",
     ("type", "perpetrators", "victims", "place", "date_start", "count")),
]
