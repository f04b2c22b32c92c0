"""``factfinder`` commands."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from factfinder import __version__, custody
from factfinder.cli.casefile import register as register_casefile
from factfinder.cli.common import (
    ActorOption,
    DbOption,
    EvidenceOption,
    JsonOption,
    close_opened,
    console,
    err,
    open_case,
    print_json,
)
from factfinder.cli.entities import register as register_entities
from factfinder.cli.estimate import register as register_estimation
from factfinder.cli.export import register as register_export
from factfinder.cli.extract import register as register_extraction
from factfinder.cli.ledger import register as register_ledger
from factfinder.cli.link import register as register_linkage
from factfinder.cli.simulate import register as register_simulation
from factfinder.cli.users import register as register_users
from factfinder.documents import DocumentFilter, get_document, list_documents
from factfinder.intake.pipeline import IngestOptions, Ingestor, Input, iter_inputs
from factfinder.intake.prepare import Known, Rejection
from factfinder.intake.types import Limits

app = typer.Typer(
    name="factfinder",
    help="Sourced, searchable case databases for documenting human-rights violations.",
    no_args_is_help=True,
    add_completion=False,
)
custody_app = typer.Typer(help="The custody log: every action on the evidence.",
                          no_args_is_help=True)
app.add_typer(custody_app, name="custody")
register_extraction(app)
register_entities(app)
register_linkage(app)
register_estimation(app)
register_simulation(app)
register_ledger(app)
register_users(app)
register_export(app)
register_casefile(app)


def _version(value: bool) -> None:
    if value:
        console.print(f"factfinder {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """factfinder: who did what to whom, when and where — every fact traced to its source."""
    ctx.call_on_close(close_opened)


@app.command()
def ingest(
    targets: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or http(s) URLs.",
                                                 metavar="PATH_OR_URL...")],
    db: DbOption = None,
    evidence: EvidenceOption = None,
    actor: ActorOption = None,
    source_url: Annotated[str | None, typer.Option(
        "--source-url", help="Where a single file was collected from, when known.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for reading "
                                      "(default: number of cores, at most 4).")] = 0,
    max_size_mb: Annotated[float, typer.Option("--max-size-mb", help="Reject files larger "
                                               "than this.")] = 100.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    no_extract: Annotated[bool, typer.Option(
        "--no-extract", help="Do not run extraction on the new documents (run `factfinder "
        "extract` later).")] = False,
    json_out: JsonOption = False,
) -> None:
    """Take in documents: keep each original under its SHA-256, extract clean text, log custody,
    then extract mentions, dates, quotes, claims and events from the new documents.

    Exit code 0 when everything was taken in, 1 when anything was rejected (each rejected input
    gets one line naming it and the reason; the run goes on)."""
    conf, database, store = open_case(db, evidence, actor)
    if jobs <= 0:
        jobs = min(os.cpu_count() or 1, 4)
    total = sum(1 for _ in iter_inputs(targets))
    if total < 8:
        jobs = 1  # starting workers costs more than it saves
    limits = Limits(max_file_bytes=int(max_size_mb * 1024 * 1024))
    options = IngestOptions(collector=conf.actor, limits=limits, jobs=jobs, source_url=source_url)
    ingestor = Ingestor(database, store, options)
    show = not quiet and not json_out and err.is_terminal
    progress = Progress(
        TextColumn("[bold]ingesting"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
        TimeRemainingColumn(), console=err, disable=not show,
    )

    with progress:
        task = progress.add_task("ingest", total=total, rate="")

        def on_result(item: Input, result: object) -> None:
            if isinstance(result, Rejection):
                err.print(f"[red]rejected[/red] {escape(item.name)}: {escape(result.reason)}",
                          soft_wrap=True)
            elif isinstance(result, Known) and not json_out and not quiet:
                err.print(f"[dim]already in the case: {escape(item.name)}[/dim]", soft_wrap=True)
            speed = progress.tasks[0].speed
            progress.update(task, advance=1, rate=f"{speed:.1f} files/s" if speed else "")

        report = ingestor.run(targets, on_result)
    extracted = None
    if report.added and not no_extract:
        from factfinder.extract.runner import run_extraction

        try:
            extracted = run_extraction(
                database, actor=conf.actor, doc_ids=report.added,
                jobs=jobs if len(report.added) >= 16 else 1, evidence_root=store.root)
        except RuntimeError as exc:  # no model installed: intake is committed, say so clearly
            err.print(f"[red]extraction skipped:[/red] {escape(str(exc))}; the documents are "
                      "in the case — run `factfinder extract` once it is fixed", soft_wrap=True)
            raise typer.Exit(1) from exc
        from factfinder.entities.resolve import resolve_entities

        resolve_entities(database, conf.actor)
    if json_out:
        print_json({
            "documents_added": len(report.added),
            "originals_added": report.originals,
            "already_present": report.known,
            "rejected": [{"name": r.name, "reason": r.reason, "sha256": r.sha256}
                         for r in report.rejected],
            "document_ids": report.added,
            "extracted": None if extracted is None else {
                "documents": extracted.documents, "items": extracted.items,
                "failed": [{"document_id": d, "reason": r} for d, r in extracted.failed]},
        })
    else:
        console.print(
            f"{report.originals} new original(s), {len(report.added)} document(s) added, "
            f"{report.known} already present, {len(report.rejected)} rejected "
            f"→ {conf.db_url}", soft_wrap=True
        )
        if extracted is not None:
            items = ", ".join(f"{n} {k}(s)" for k, n in sorted(extracted.items.items()))
            console.print(f"extracted from {extracted.documents} document(s): {items or 'none'}",
                          soft_wrap=True)
            for doc_id, reason in extracted.failed:
                err.print(f"[red]extraction failed[/red] {doc_id}: {escape(reason)}",
                          soft_wrap=True)
    raise typer.Exit(1 if report.rejected else 0)


@app.command()
def documents(
    db: DbOption = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind: document, page, post, "
                                             "message, response.")] = None,
    parent: Annotated[str | None, typer.Option(help="Only the posts of this page.")] = None,
    duplicates: Annotated[bool, typer.Option("--duplicates", help="Only documents in a "
                                             "near-duplicate group.")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List documents."""
    _, database, _ = open_case(db)
    with database.read() as conn:
        docs = list_documents(conn, DocumentFilter(kind=kind, parent_id=parent,
                                                   duplicates_only=duplicates, limit=limit))
    if json_out:
        print_json(docs)
        return
    table = Table(box=None, pad_edge=False)
    table.add_column("id", no_wrap=True, min_width=16)
    table.add_column("kind", no_wrap=True, min_width=8)
    table.add_column("title", no_wrap=True, overflow="ellipsis",
                     max_width=max(16, console.width - 70))
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("chars", no_wrap=True, justify="right", min_width=6)
    table.add_column("dup group", no_wrap=True, min_width=8)
    table.add_column("parent", no_wrap=True, min_width=8)
    for d in docs:
        table.add_row(d["id"], d["kind"], escape(d["title"] or d["filename"] or ""),
                      (d["published"] or "")[:10], str(d["chars"]),
                      (d["duplicate_group"] or "")[:8], (d["parent_id"] or "")[:8])
    console.print(table)
    console.print(f"{len(docs)} document(s)")


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id (a unique prefix is enough).")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show one document: its clean text and where it came from."""
    _, database, _ = open_case(db)
    with database.read() as conn:
        doc = get_document(conn, doc_id)
        history = custody.entries(conn, obj=doc["sha256"]) if doc else []
    if doc is None:
        err.print(f"[red]error:[/red] no document with id {escape(doc_id)} (or the prefix is "
                  "ambiguous)")
        raise typer.Exit(1)
    if json_out:
        doc["custody"] = [e.as_json() for e in history]
        print_json(doc)
        return
    def say(*args: object) -> None:
        console.print(*args, soft_wrap=True)

    o = doc["original"]
    say(f"[bold]{escape(doc['title'] or '(untitled)')}[/bold]")
    say(f"id {doc['id']} · {doc['kind']} · {doc['chars']} chars"
                  + (f" · published {doc['published']}" if doc["published"] else ""))
    say(f"original sha256 {o['sha256']} · {escape(o['filename'] or '')} · "
                  f"{o['media_type']} · {o['size']} bytes")
    if o["source_url"] or doc["url"]:
        say(f"url {escape(doc['url'] or o['source_url'])}")
    say(f"collected {o['collected_at']} by {escape(o['collector'])} · "
                  f"span {doc['source_span'][0]}–{doc['source_span'][1]} of the text layer")
    if doc["parent_id"]:
        say(f"post of page {doc['parent_id']}")
    if doc["duplicates"]:
        say(f"near-duplicates: {', '.join(doc['duplicates'])}")
    console.print()
    console.print(escape(doc["text"]), soft_wrap=True)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words (all must match), "a phrase", '
                                         'a OR b, -excluded, prefix*.')],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option(help="Page of hits, from 1.")] = 1,
    kind: Annotated[list[str] | None, typer.Option(
        help="Only documents of this kind (repeat for several).")] = None,
    publisher: Annotated[str | None, typer.Option(
        help="Only documents from this publisher (site name, exactly).")] = None,
    since: Annotated[str | None, typer.Option(
        help="Only documents published on or after this date (2019, 2019-11, 2019-11-16).")
    ] = None,
    until: Annotated[str | None, typer.Option(
        help="Only documents published on or before this date (same forms as --since).")
    ] = None,
    entity: Annotated[str | None, typer.Option(
        help="Only documents mentioning this entity id.")] = None,
    event_type: Annotated[str | None, typer.Option(
        help="Only documents with an extracted event of this type (execution, …).")] = None,
    facets: Annotated[bool, typer.Option(
        "--facets", help="Also print the facet counts of all matching documents.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Full-text search, ranked, with snippets; filters and facet counts."""
    from factfinder.search import FACETS, SearchFilter
    from factfinder.search import search as run_search

    _, database, _ = open_case(db)
    flt = SearchFilter(kinds=tuple(kind or ()), publisher=publisher, since=since, until=until,
                       entity=entity, event_type=event_type)
    results = run_search(database, query, limit=limit, offset=(max(page, 1) - 1) * limit,
                         flt=flt, with_facets=facets)
    if json_out:
        out: dict[str, object] = {"query": results.query, "total": results.total,
                                  "hits": results.hits}
        if facets:
            out["facets"] = results.facets
        print_json(out)
        return
    console.print(f"{results.total} document(s) match {escape(query)!s}")
    for i, hit in enumerate(results.hits, start=(max(page, 1) - 1) * limit + 1):
        console.print(f"\n[bold]{i}. {escape(hit['title'] or '(untitled)')}[/bold] "
                      f"[dim]{hit['id']} {hit['published'] or ''}[/dim]")
        snippet = hit["snippet"]
        parts, pos = [], 0
        for s, e in hit["highlights"]:
            parts.append(escape(snippet[pos:s]))
            parts.append(f"[bold yellow]{escape(snippet[s:e])}[/bold yellow]")
            pos = e
        parts.append(escape(snippet[pos:]))
        console.print("   " + "".join(parts), soft_wrap=True)
    if facets:
        console.print("\n[bold]Facets[/bold]")
        for name in FACETS:
            values = results.facets.get(name) or []
            if not values:
                continue
            shown = ", ".join(
                f"{escape(v['name'])} ({v['type']}, {v['value']}) {v['count']}"
                if name == "entity" else f"{escape(v['value'])} {v['count']}" for v in values)
            console.print(f"  {name.replace('_', ' ')}: {shown}", soft_wrap=True)


@app.command()
def verify(db: DbOption = None, evidence: EvidenceOption = None, json_out: JsonOption = False,
           ) -> None:
    """Recompute every original's hash and the whole custody chain. Exit 1 on any problem."""
    from factfinder.verify import verify as run_verify

    conf, database, store = open_case(db, evidence)
    report = run_verify(database, store)
    if json_out:
        print_json({"ok": report.ok, "originals": report.originals, "entries": report.entries,
                    "head": {"seq": report.head[0], "hash": report.head[1]},
                    "problems": report.problems})
    else:
        for problem in report.problems:
            err.print(f"[red]PROBLEM[/red] {escape(problem)}", soft_wrap=True)
        n = len(report.problems)
        status = "[green]OK[/green]" if report.ok else f"[red]{n} problem(s)[/red]"
        console.print(f"{status}: {report.originals} original(s) checked, {report.entries} "
                      f"custody entries chained, head {report.head[0]} {report.head[1][:16]}…")
    raise typer.Exit(0 if report.ok else 1)


@custody_app.command("log")
def custody_log(
    db: DbOption = None,
    object_: Annotated[str | None, typer.Option("--object", help="Only entries about this "
                                                "object (an original's sha256).")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action (collect, extract, "
                                               "collect-again, reject).")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Print the custody log, oldest first."""
    _, database, _ = open_case(db)
    with database.read() as conn:
        rows = custody.entries(conn, obj=object_, action=action, limit=limit)
    if json_out:
        print_json([e.as_json() for e in rows])
        return
    table = Table("seq", "at", "actor", "action", "object", "details", box=None)
    for e in rows:
        details = ", ".join(f"{k}={v}" for k, v in e.details.items()
                            if k != "documents" and v is not None)
        if "documents" in e.details:
            details = f"{len(e.details['documents'])} document(s); {details}"
        table.add_row(str(e.seq), e.at[:19], escape(e.actor), e.action, e.object[:16],
                      escape(details[:90]))
    console.print(table)


@custody_app.command("head")
def custody_head(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Print the newest entry's sequence number and hash: record it elsewhere to pin the log."""
    _, database, _ = open_case(db)
    with database.read() as conn:
        seq, digest = custody.head(conn)
    if json_out:
        print_json({"seq": seq, "hash": digest})
    else:
        console.print(f"{seq} {digest}")


@app.command()
def serve(
    db: DbOption = None,
    evidence: EvidenceOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    public_read: Annotated[bool, typer.Option(
        "--public-read", help="Let visitors who are not logged in read pages and the API (not "
        "the review queue, submissions or admin pages); protected persons stay redacted.")] = False,
    public_submit: Annotated[bool, typer.Option(
        "--public-submit", help="Let anyone open and send the submission form (/submit).")] = False,
    cookie_secure: Annotated[bool, typer.Option(
        "--cookie-secure", help="Send cookies only over HTTPS (__Host- prefixed): use whenever "
        "the app is reached over HTTPS.")] = False,
) -> None:
    """Serve the case database in a browser: documents, search, entities, events, the claims
    ledger, lists and estimates. Log in as a user made with `factfinder users add`."""
    import uvicorn

    from factfinder.web.app import create_app
    from factfinder.web.auth_users import has_users

    _, database, store = open_case(db, evidence)
    if not has_users(database):
        err.print("no users yet: add one with `factfinder users add NAME --role admin`")
    if host not in ("127.0.0.1", "localhost", "::1") and not cookie_secure:
        err.print("[yellow]warning:[/yellow] listening beyond this machine without "
                  "--cookie-secure: put it behind HTTPS")
    console.print(f"serving {database.url} on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(database, store, public_read=public_read, public_submit=public_submit,
                           cookie_secure=cookie_secure),
                host=host, port=port, log_level="warning")


if __name__ == "__main__":
    app()
