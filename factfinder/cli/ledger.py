"""The claims ledger commands: ``ledger`` (list, show, move, split, decisions, revoke),
``rate``, ``credibility`` and ``tally``.

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

from typing import Annotated, Any, NoReturn

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

ledger_app = typer.Typer(
    help="The claims ledger: numeric claims and events grouped by what they measure, with who "
    "says what, contradictions and independent corroboration. Nothing in it is a finding: "
    "every figure is attributed.",
    invoke_without_command=True)

MinReliability = Annotated[str | None, typer.Option(
    "--min-reliability", help="Only claims whose source is rated this or better (A–E); "
    "unrated sources are left out.")]
MinCredibility = Annotated[int | None, typer.Option(
    "--min-credibility", help="Only claims rated this credible or better (1 = confirmed … 5); "
    "unrated claims are left out.")]


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
    app.command("rate")(rate)
    app.command("credibility")(credibility)
    app.command("tally")(tally_command)


def _fail(exc: Exception) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(1)


def _filters(min_reliability: str | None, min_credibility: int | None, contains: str | None,
             everything: bool, min_claims: int) -> Any:
    from factfinder.ledger.query import Filters

    if min_reliability and min_reliability.upper() not in "ABCDEF":
        _fail(ValueError("--min-reliability takes a grade A–F"))
    if min_credibility is not None and not 1 <= min_credibility <= 6:
        _fail(ValueError("--min-credibility takes 1–6"))
    return Filters(min_reliability=min_reliability.upper() if min_reliability else None,
                   max_credibility=min_credibility, contains=contains,
                   numeric_only=not everything, known_units_only=not everything,
                   min_claims=min_claims)


def _values_text(g: dict[str, Any], n: int = 4) -> str:
    vals = sorted(g["values"], key=lambda v: -v["independent_claimants"])
    text = "; ".join(f"{v['words']} ({v['independent_claimants']})" for v in vals[:n])
    return text + (" …" if len(vals) > n else "")


@ledger_app.callback()
def ledger(
    ctx: typer.Context,
    db: DbOption = None,
    min_reliability: MinReliability = None,
    min_credibility: MinCredibility = None,
    contains: Annotated[str | None, typer.Option(
        "--contains", help="Only groups whose subject or claims contain this.")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Also groups of events that give no number, and bare numbers whose unit "
        "is unknown (table cells).")] = False,
    min_claims: Annotated[int, typer.Option(
        "--min-claims", help="Only groups with at least this many claims.")] = 1,
    limit: Annotated[int | None, typer.Option(help="At most this many groups.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List the ledger's groups, the most independently asserted first."""
    if ctx.invoked_subcommand is not None:
        return
    from factfinder.ledger.query import build_ledger

    _, database, _ = open_case(db)
    flt = _filters(min_reliability, min_credibility, contains, everything, min_claims)
    with database.read() as conn:
        led = build_ledger(conn, flt)
        items = [led.group_json(g) for g in led.groups]
    items.sort(key=lambda g: (-g["independent_claimants"], -len(g["claims"]), g["id"]))
    if limit:
        items = items[:limit]
    if json_out:
        print_json(items)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("group", "subject", "claims", "indep.", "values (independent claimants)",
                "contra."):
        table.add_column(col, overflow="fold", no_wrap=col == "group")
    for g in items:
        table.add_row(g["id"], escape(g["subject"]["label"]), str(len(g["claims"])),
                      str(g["independent_claimants"]), escape(_values_text(g)),
                      str(len(g["contradictions"])) if g["contradictions"] else "")
    console.print(table)
    console.print(f"{len(items)} group(s)")


@ledger_app.command("show")
def show(
    group: Annotated[str, typer.Argument(metavar="GROUP", help="Group id or unique prefix.")],
    db: DbOption = None,
    min_reliability: MinReliability = None,
    min_credibility: MinCredibility = None,
    json_out: JsonOption = False,
) -> None:
    """Show one group: every claim with who says it where, the spread of values, the
    contradictions, which claims are independent, and the UCDP and ACLED views."""
    from factfinder.ledger.query import NotFound, build_ledger

    _, database, _ = open_case(db)
    flt = _filters(min_reliability, min_credibility, None, True, 1)
    with database.read() as conn:
        led = build_ledger(conn, flt)
        try:
            g = led.find(group)
        except NotFound as exc:
            _fail(exc)
        item = led.group_json(g)
    if json_out:
        print_json(item)
        return
    _print_group(item)


def _print_group(g: dict[str, Any]) -> None:
    s = g["subject"]
    console.print(f"[bold]{g['id']}[/bold]  {escape(s['label'])}", soft_wrap=True)
    console.print(f"{len(g['claims'])} claim(s), {g['independent_claimants']} independent "
                  f"source(s): {escape('; '.join(g['independent_sources']))}", soft_wrap=True)
    if g.get("decisions"):
        console.print(f"shaped by decision(s) {', '.join(map(str, g['decisions']))}")
    t = Table(title="values (every distinct bound, who asserts it)", title_justify="left",
              box=None, pad_edge=False)
    for col in ("value", "claims", "independent", "sources"):
        t.add_column(col, overflow="fold")
    for v in g["values"]:
        t.add_row(escape(v["words"]), str(v["claims"]), str(v["independent_claimants"]),
                  escape("; ".join(v["claimants"])))
    console.print(t)
    if g["contradictions"]:
        t = Table(title="contradictions (bounds that cannot both hold)", title_justify="left",
                  box=None, pad_edge=False)
        for col in ("lower", "said by", "higher", "said by"):
            t.add_column(col, overflow="fold")
        for c in g["contradictions"]:
            t.add_row(escape(c["lower"]), escape("; ".join(c["lower_claimants"])),
                      escape(c["higher"]), escape("; ".join(c["higher_claimants"])))
        console.print(t)
    views = g["views"]
    if views["ucdp"]:
        u = views["ucdp"]
        console.print(f"view, UCDP-style: low {u['low']:,.0f} / best {u['best']:,.0f} / high "
                      f"{u['high']:,.0f} over {u['sources']} independent claim(s)")
    if views["acled"]:
        a = views["acled"]
        console.print(f"view, ACLED rule (most conservative): {a['figure']:,.0f}, from "
                      f"{escape(a['from'])}" + (" — disputed" if a["disputed"] else ""),
                      soft_wrap=True)
    for b in g.get("breakdown", []):
        console.print(f"part {escape(b['part'])}: {escape(b['value'])} (group {b['group']})")
    console.print("[bold]claims[/bold] (claim, value, who says it ← where, document)")
    for c in g["claims"]:
        who = c["claimant"] or f"{c['publisher']} (own voice)"
        if len(c["chain"]) > 1:
            who = f"{c['chain'][1]} ← quoted by {c['chain'][0]}"
        elif c["claimant"] and c["publisher"] != who:
            who = f"{who} ← {c['publisher']}"
        rating = [x for x in (c["reliability"] and c["reliability"]["grade"],
                              c["credibility"] and str(c["credibility"]["grade"])) if x]
        rated = f" [{'/'.join(rating)}]" if rating else ""
        words = " ".join((c["original"] or c["text"]).split())[:80]
        console.print(f"{c['claim_id'][:10]}  {escape(c['words'] or c['kind']):<16} "
                      f"{escape(who)}{rated}  {c['document_id'][:10]}", soft_wrap=True)
        state = "independent" if c["independent"] else (
            f"repeat of {c['repeat_of'][:10]}: {c['not_independent_because']}")
        console.print(f"            \"{escape(words)}\" — {escape(state)}", soft_wrap=True)


@ledger_app.command("move")
def move(
    claim: Annotated[str, typer.Argument(help="The claim (id or unique prefix).")],
    group: Annotated[str, typer.Argument(help="The group it belongs to (id or prefix).")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Move a claim to another group. The decision is logged and survives re-extraction."""
    from factfinder.ledger import decisions
    from factfinder.ledger.query import NotFound, build_ledger

    conf, database, _ = open_case(db, None, actor)
    with database.read() as conn:
        led = build_ledger(conn)
        try:
            source, entry = led.group_of(claim)
            target = led.find(group)
        except NotFound as exc:
            _fail(exc)
    if target is source:
        _fail(ValueError(f"claim {entry.id} is already in group {target.id}"))
    pk = decisions.move(database, entry, source, target, target.id, conf.actor)
    out = {"decision": pk, "claim": entry.id, "from": source.id, "to": target.id}
    if json_out:
        print_json(out)
    else:
        console.print(f"decision {pk}: claim {entry.id} moved from {source.id} to {target.id}")


@ledger_app.command("split")
def split(
    group: Annotated[str, typer.Argument(help="The group (id or unique prefix).")],
    claim: Annotated[list[str], typer.Option(
        "--claim", help="A claim to take out into the new group (repeat the option).")],
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Split a group: the named claims go to a new group. Logged; survives re-extraction."""
    from factfinder.ledger import decisions
    from factfinder.ledger.query import NotFound, build_ledger

    conf, database, _ = open_case(db, None, actor)
    with database.read() as conn:
        led = build_ledger(conn)
        try:
            g = led.find(group)
        except NotFound as exc:
            _fail(exc)
    picked = []
    for c in claim:
        hits = [e for e in g.entries if e.id.startswith(c)]
        if len(hits) != 1:
            _fail(ValueError(f"group {g.id} has {'no' if not hits else 'more than one'} "
                             f"claim {c!r}"))
        picked.append(hits[0])
    try:
        pk, new = decisions.split(database, g, picked, conf.actor)
    except decisions.DecisionError as exc:
        _fail(exc)
    out = {"decision": pk, "group": g.id, "new_group": new, "claims": [e.id for e in picked]}
    if json_out:
        print_json(out)
    else:
        console.print(f"decision {pk}: {len(picked)} claim(s) of {g.id} split off into {new}")


@ledger_app.command("decisions")
def decisions_command(
    db: DbOption = None,
    active: Annotated[bool, typer.Option(
        "--active", help="Only decisions in force (not revoked).")] = False,
    json_out: JsonOption = False,
) -> None:
    """List the ledger decisions (moves, splits) in the order taken."""
    from factfinder.ledger.decisions import load

    _, database, _ = open_case(db)
    with database.read() as conn:
        items = load(conn, include_revoked=not active)
    if json_out:
        print_json(items)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("no", "action", "claims", "group", "by", "at", "state"):
        table.add_column(col, overflow="fold")
    for d in items:
        claims = "; ".join(f"{c['claim'][:10]} {c['words']}" for c in d["subject"]["claims"])
        table.add_row(str(d["pk"]), d["action"], escape(claims), d["value"]["group"],
                      escape(d["actor"]), d["at"][:19], "revoked" if d["revoked"] else
                      "in force")
    console.print(table)
    console.print(f"{len(items)} decision(s)")


@ledger_app.command("revoke")
def revoke(
    number: Annotated[int, typer.Argument(help="The decision's number (`ledger decisions`).")],
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """Withdraw a ledger decision: kept, marked revoked, logged, no longer applied."""
    from factfinder.ledger.decisions import DecisionError
    from factfinder.ledger.decisions import revoke as do

    conf, database, _ = open_case(db, None, actor)
    try:
        do(database, number, conf.actor)
    except DecisionError as exc:
        _fail(exc)
    console.print(f"revoked decision {number}")


@ledger_app.command("ratings")
def ratings_command(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List the ratings in force: source reliability (A–F) and claim credibility (1–6)."""
    from factfinder.ledger.ratings import load

    _, database, _ = open_case(db)
    with database.read() as conn:
        r = load(conn)
    out = {"sources": [{"key": k, **v} for k, v in sorted(r.sources.items())],
           "claims": [{"claim_id": k, **v} for k, v in sorted(r.credibility.items())]}
    if json_out:
        print_json(out)
        return
    table = Table(box=None, pad_edge=False)
    for col in ("rated", "grade", "meaning", "note", "by", "at"):
        table.add_column(col, overflow="fold")
    for x in out["sources"]:
        table.add_row(escape(x["source"]), x["grade"], x["meaning"], escape(x["note"] or ""),
                      escape(x["actor"]), x["at"][:19])
    for x in out["claims"]:
        table.add_row(f"claim {x['claim_id'][:10]}", str(x["grade"]), x["meaning"],
                      escape(x["note"] or ""), escape(x["actor"]), x["at"][:19])
    console.print(table)
    console.print(f"{len(out['sources'])} source rating(s), {len(out['claims'])} claim "
                  "rating(s)")


def rate(
    source: Annotated[str, typer.Argument(help="A publisher or claimant as the ledger shows "
                                          "it, or an entity (id or name).")],
    grade: Annotated[str, typer.Argument(help="Reliability: A completely reliable, B usually, "
                                         "C fairly, D not usually, E unreliable, F cannot be "
                                         "judged.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, kept with the rating.")] = None,
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Rate a source's reliability (Admiralty code A–F). Logged; a later rating supersedes."""
    from factfinder.ledger.entries import load_entries
    from factfinder.ledger.ratings import RatingError, find_source, rate_source

    conf, database, _ = open_case(db, None, actor)
    try:
        with database.read() as conn:
            key, name = find_source(conn, source, load_entries(conn))
        out = rate_source(database, key, name, grade, note, conf.actor)
    except RatingError as exc:
        _fail(exc)
    if json_out:
        print_json(out)
        return
    prev = f" (was {out['previous']})" if out["previous"] else ""
    console.print(f"{escape(name)}: reliability {out['grade']} — {out['meaning']}{prev}",
                  soft_wrap=True)


def credibility(
    claim: Annotated[str, typer.Argument(help="The claim (id or unique prefix).")],
    grade: Annotated[int, typer.Argument(help="Credibility: 1 confirmed, 2 probably true, "
                                         "3 possibly true, 4 doubtful, 5 improbable, 6 cannot "
                                         "be judged.")],
    note: Annotated[str | None, typer.Option("--note", help="Why, kept with the rating.")] = None,
    db: DbOption = None, actor: ActorOption = None, json_out: JsonOption = False,
) -> None:
    """Rate one claim's credibility (Admiralty code 1–6). Logged; a later rating supersedes."""
    from factfinder.ledger.entries import load_entries
    from factfinder.ledger.ratings import RatingError, rate_claim

    conf, database, _ = open_case(db, None, actor)
    with database.read() as conn:
        hits = [e for e in load_entries(conn) if e.id.startswith(claim)]
    if len(hits) != 1:
        _fail(LookupError(f"no claim {claim!r}" if not hits else f"claim {claim!r} is "
                          "ambiguous"))
    try:
        out = rate_claim(database, hits[0], grade, note, conf.actor)
    except RatingError as exc:
        _fail(exc)
    if json_out:
        print_json(out)
        return
    prev = f" (was {out['previous']})" if out["previous"] else ""
    console.print(f"claim {out['claim_id']} ({escape(' '.join(out['words'].split()))}): "
                  f"credibility {grade} — {out['meaning']}{prev}", soft_wrap=True)


def tally_command(
    by: Annotated[str, typer.Option("--by", help="category, place or month.")] = "category",
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Add up the counts of protest reports by category, place or month (what the reports
    say, each row with its documents; a report's total is counted once)."""
    from factfinder.ledger.tally import tally

    _, database, _ = open_case(db)
    with database.read() as conn:
        try:
            rows = tally(conn, by)
        except ValueError as exc:
            _fail(exc)
    if json_out:
        print_json(rows)
        return
    table = Table(box=None, pad_edge=False)
    cols = ["period", by, "count", "reports"] if by != "month" else [
        "period", "count", "sum of categories", "locations", "reports"]
    for col in cols:
        table.add_column(col, overflow="fold")
    for r in rows:
        count = ("at least " if r["at_least"] else "") + f"{r['count']:,}"
        docs = ", ".join(d[:10] for d in r["reports"])
        if by == "month":
            table.add_row(r["period"], count, "" if r["sum_of_categories"] is None else str(
                r["sum_of_categories"]), "" if r["locations"] is None else str(
                r["locations"]), docs)
        else:
            table.add_row(r["period"], escape(str(r[by])), count, docs)
    console.print(table)
    console.print(f"{len(rows)} row(s)")
