"""The ``casefile`` and ``verify-casefile`` commands: a court-ready case file about one person,
organisation, place or event, and checking a received one without the case database.

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

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


def register(app: typer.Typer) -> None:
    app.command("casefile")(casefile)
    app.command("verify-casefile")(verify_casefile)


def casefile(
    subject: Annotated[str, typer.Argument(
        metavar="ENTITY_OR_EVENT", help="An entity (person, organisation, place) or an event: "
        "its id or a unique prefix (see `factfinder entities`, `factfinder events`).")],
    out: Annotated[Path, typer.Option(
        "--out", help="Where to write it: a new (or empty) folder, or a file ending in .zip.")],
    include_protected: Annotated[bool, typer.Option(
        "--include-protected", help="Include protected persons (marked as such), protected "
        "documents and the originals naming them. Without it they are redacted and withheld.")
    ] = False,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")] = True,
    db: DbOption = None,
    evidence: EvidenceOption = None,
    actor: ActorOption = None,
    json_out: JsonOption = False,
) -> None:
    """Write a case file about one person, organisation, place or event: a report (HTML and
    PDF) of every event, claim and quotation concerning it with its exact source passage, the
    source's rating and custody history; the originals; and a manifest of SHA-256 hashes.
    Logged in the custody log (action "casefile")."""
    from factfinder.casefile import CasefileError
    from factfinder.casefile.build import build_casefile

    conf, database, store = open_case(db, evidence, actor)
    try:
        res = build_casefile(database, store, subject, out, include_protected=include_protected,
                             actor=conf.actor, pdf=pdf)
    except CasefileError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from exc
    if json_out:
        print_json(res.as_json())
        return
    m = res.manifest
    c = m["counts"]
    console.print(f"case file about {escape(m['subject']['kind'])} "
                  f"{escape(m['subject']['name'])} → {escape(str(out))}", soft_wrap=True)
    console.print(f"{c['event']} event(s), {c['claim']} claim(s), {c['quote']} quotation(s) "
                  f"from {c['sources']} source(s); {len(m['files'])} file(s), "
                  f"{len(m['withheld'])} original(s) withheld"
                  + ("" if include_protected else " (protected persons redacted)"))
    for w in m["withheld"]:
        console.print(f"  withheld {w['sha256'][:16]}…: {escape(w['reason'])}", soft_wrap=True)
    console.print(f"manifest SHA-256 {res.manifest_sha256} (custody entry {res.custody_seq})")


def verify_casefile(
    path: Annotated[Path, typer.Argument(help="The case file: its folder or its .zip.")],
    json_out: JsonOption = False,
) -> None:
    """Check a received case file on its own, without the case database: every file against
    the manifest's SHA-256, the manifest against manifest.sha256, nothing missing or added.
    Exit 1 when anything is wrong."""
    from factfinder.casefile.manifest import iter_lines, verify

    verdict = verify(path)
    if json_out:
        print_json(verdict.as_json())
    else:
        for line in iter_lines(verdict):
            console.print(escape(line), soft_wrap=True)
        if verdict.ok:
            console.print(f"[green]intact[/green]: {verdict.checked} file(s) match the manifest")
        else:
            console.print(f"[red]NOT intact[/red]: {len(verdict.problems)} problem(s)")
    raise typer.Exit(0 if verdict.ok else 1)
