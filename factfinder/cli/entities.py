"""Entity commands: ``resolve``, ``entities`` (list, merge, split, not-same, rename) and
``entity`` (a dossier).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""


from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from factfinder.cli.common import (
    ActorOption,
    DbOption,
    JsonOption,
    console,
    err,
    open_case,
    print_json,
)
from factfinder.entities.query import NotFound, dossier, find_entity, list_entities
from factfinder.entities.resolve import ResolveReport, resolve_entities

entities_app = typer.Typer(
    help="People, organisations and places: list them, and merge, split, tell apart or rename "
    "them (decisions are logged and always win over the algorithm).",
    invoke_without_command=True)

TypeOption = Annotated[str | None, typer.Option(
    "--type", help="Only this type: person, organisation, place.")]


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve)
    app.add_typer(entities_app, name="entities")
    app.command("entity")(entity)


def summary(report: ResolveReport) -> str:
    counts = ", ".join(f"{n} {t}(s)" for t, n in sorted(report.entities.items())) or "none"
    text = f"{report.mentions} mention(s) → {counts}"
    if report.decisions_applied or report.decisions_skipped:
        text += f"; {report.decisions_applied} decision(s) applied"
    if report.decisions_skipped:
        text += f", {len(report.decisions_skipped)} found no entity"
    return text


def resolve(db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False) -> None:
    """(Re-)build the entities from the extracted mentions, then apply the analysts' decisions.

    Runs by itself after `extract` and `ingest`; entity ids stay the same across runs."""
    conf, database, _ = open_case(db, None, actor)
    report = resolve_entities(database, conf.actor)
    if json_out:
        print_json(report.as_json())
    else:
        console.print(summary(report), soft_wrap=True)


@entities_app.callback()
def entities(
    ctx: typer.Context,
    db: DbOption = None,
    type_: TypeOption = None,
    contains: Annotated[str | None, typer.Option(
        "--contains", help="Only entities with a name or form containing this.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List entities, most mentioned first."""
    if ctx.invoked_subcommand is not None:
        return
    _, database, _ = open_case(db)
    with database.read() as conn:
        items = list_entities(conn, type_, contains, limit)
    if json_out:
        print_json(items)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("id", "type", "name", "mentions", "docs", "forms"):
        table.add_column(col, overflow="fold", no_wrap=col == "id")
    for e in items:
        forms = [f for f in e["forms"] if f != e["name"]]
        table.add_row(e["id"][:10], e["type"], escape(e["name"]), str(e["mentions"]),
                      str(len(e["documents"])), escape("; ".join(forms[:6])
                                                       + (" …" if len(forms) > 6 else "")))
    console.print(table)
    console.print(f"{len(items)} entit{'y' if len(items) == 1 else 'ies'}")


def _fail(exc: Exception) -> None:
    err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(1)


@entities_app.command("merge")
def merge(
    a: Annotated[str, typer.Argument(help="The entity that stays (id or unique prefix).")],
    b: Annotated[str, typer.Argument(help="The entity merged into it.")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Decide that A and B are one entity (B's mentions join A, which keeps its id)."""
    from factfinder.entities.actions import merge as do

    conf, database, _ = open_case(db, None, actor)
    try:
        eid, report = do(database, a, b, conf.actor)
    except (NotFound, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"entity": eid, "resolve": report.as_json()}, f"merged into {eid}", report)


@entities_app.command("split")
def split(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="The entity (id or prefix).")],
    form: Annotated[list[str], typer.Option(
        "--form", help="A surface form to move out (repeat the option).")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Move the mentions written in these forms out into a new entity."""
    from factfinder.entities.actions import split as do

    conf, database, _ = open_case(db, None, actor)
    try:
        new, report = do(database, entity_id, form, conf.actor)
    except (NotFound, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"entity": new, "resolve": report.as_json()}, f"new entity {new}", report)


@entities_app.command("not-same")
def not_same(
    a: Annotated[str, typer.Argument(help="One entity (id or unique prefix).")],
    b: Annotated[str, typer.Argument(help="The other.")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Decide that A and B are different entities, never to be merged."""
    from factfinder.entities.actions import not_same as do

    conf, database, _ = open_case(db, None, actor)
    try:
        report = do(database, a, b, conf.actor)
    except (NotFound, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"resolve": report.as_json()}, "recorded: not the same", report)


@entities_app.command("rename")
def rename(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="The entity (id or prefix).")],
    name: Annotated[str, typer.Argument(help="Its preferred name.")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Set an entity's preferred name."""
    from factfinder.entities.actions import rename as do

    conf, database, _ = open_case(db, None, actor)
    try:
        report = do(database, entity_id, name, conf.actor)
    except (NotFound, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"resolve": report.as_json()}, f"renamed to {name}", report)


@entities_app.command("protect")
def protect(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id or unique prefix.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the log.")] = None,
    lift: Annotated[bool, typer.Option(
        "--lift", help="Lift the protection again (a decision of its own).")] = False,
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Mark a person as protected (a witness, a source, a submitter): redacted for viewers and
    reviewers in every page, API answer, search snippet and export."""
    from factfinder.entities.actions import protect as do

    conf, database, _ = open_case(db, None, actor)
    try:
        report = do(database, entity_id, conf.actor, reason, protected=not lift)
    except (NotFound, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"resolve": report.as_json()},
          "protection lifted" if lift else "protected", report)


@entities_app.command("decisions")
def decisions_command(
    db: DbOption = None,
    active: Annotated[bool, typer.Option(
        "--active", help="Only decisions in force (not revoked).")] = False,
    json_out: JsonOption = False,
) -> None:
    """List the analysts' decisions in the order taken, with their numbers for `revoke`."""
    from factfinder.entities.decisions import history

    _, database, _ = open_case(db)
    with database.read() as conn:
        items = history(conn, include_revoked=not active)
    if json_out:
        print_json(items)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("no", "action", "about", "by", "at", "state"):
        table.add_column(col, overflow="fold")
    for d in items:
        subj = d["subject"]
        about = " ".join(x[:10] for x in subj.get("entities") or [subj.get("entity", "")])
        if d["action"] == "split":
            about += " forms: " + "; ".join(subj.get("forms", []))
        elif d["action"] in ("protect", "unprotect") and d["value"].get("reason"):
            about += " (" + str(d["value"]["reason"]) + ")"
        elif d["action"] == "rename":
            about += " → " + str(d["value"].get("name"))
        table.add_row(str(d["decision"]), d["action"], escape(about), escape(d["actor"]),
                      d["at"][:19], "revoked" if d["revoked"] else "in force")
    console.print(table)
    console.print(f"{len(items)} decision(s)")


@entities_app.command("revoke")
def revoke(
    number: Annotated[int, typer.Argument(help="The decision's number (see `entities "
                                          "decisions`).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the log.")] = None,
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Withdraw an earlier decision: it is kept, marked revoked, logged, and no longer applied."""
    from factfinder.entities.actions import revoke as do

    conf, database, _ = open_case(db, None, actor)
    try:
        info, report = do(database, number, conf.actor, reason)
    except (LookupError, ValueError) as exc:
        _fail(exc)
    _done(json_out, {"revoked": info, "resolve": report.as_json()},
          f"revoked decision {number} ({info['action']})", report)


def _done(json_out: bool, value: dict[str, Any], text: str, report: ResolveReport) -> None:
    if json_out:
        print_json(value)
    else:
        console.print(f"{escape(text)} ({summary(report)})", soft_wrap=True)


def entity(
    entity_id: Annotated[str, typer.Argument(metavar="ID", help="Entity id or unique prefix.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show an entity's dossier: its forms, documents, co-mentioned entities and roles."""
    _, database, _ = open_case(db)
    with database.read() as conn:
        try:
            full = find_entity(conn, entity_id)
        except NotFound as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        d = dossier(conn, full)
    if json_out:
        print_json(d)
        return
    console.print(f"[bold]{escape(d['name'])}[/bold]  {d['type']}  {d['id']}")
    console.print(f"{d['mentions']} mention(s) in {len(d['documents'])} document(s); linked by "
                  + ", ".join(f"{h} {n}" for h, n in d["how"].items()), soft_wrap=True)
    if d["aliases"]:
        console.print("aliases: " + escape("; ".join(d["aliases"])), soft_wrap=True)
    _table("forms", ("form", "mentions"),
           [(escape(f), str(n)) for f, n in d["form_counts"].items()])
    _table("documents", ("document", "mentions", "title"),
           [(x["id"][:10], str(x["mentions"]), escape(x["title"] or "")) for x in
            d["document_list"]])
    _table("mentioned with", ("id", "type", "name", "documents"),
           [(x["id"][:10], x["type"], escape(x["name"]), str(x["documents"]))
            for x in d["co_mentioned"]])
    _table("roles", ("kind", "role", "type", "document", "text"),
           [(x["kind"], x["role"], x["type"] or "", x["document_id"][:10],
             escape(x["text"][:100])) for x in d["roles"][:30]])


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*r)
    console.print(table)
