"""Linkage commands: ``link`` (link victim lists) and ``lists`` (what is stored).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""


import csv
import json
from pathlib import Path
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


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.command("lists")(lists_command)


def link(
    paths: Annotated[list[Path], typer.Argument(help="Two or more list files (CSV or XLSX).",
                                                metavar="LIST...")],
    out: Annotated[Path, typer.Option("--out", help="Scored pairs CSV; clusters are written "
                                      "beside it as NAME.clusters.csv.")],
    map_: Annotated[str | None, typer.Option(
        "--map", help="Headers that differ from the schema: FIELD=HEADER,… (e.g. "
        "full_name=Name,record_id=No).")] = None,
    threshold: Annotated[float, typer.Option(
        help="Match probability for a link (0.2: the best F1 on the benchmarks; see "
        "docs/linkage.md).")] = 0.2,
    many: Annotated[bool, typer.Option(
        "--many", help="Allow a record to link to several records of another list (default: "
        "one-to-one, each record's best match only).")] = False,
    backend: Annotated[str, typer.Option(help="Splink backend: duckdb or spark.")] = "duckdb",
    train: Annotated[str, typer.Option(help="priors (default) or em.")] = "priors",
    db: DbOption = None,
    evidence: EvidenceOption = None,
    actor: ActorOption = None,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print JSON: the run, and each pair with its score explained per "
        "field.")] = False,
) -> None:
    """Link victim lists: scored pairs, clusters, stored in the case database.

    Each list is imported first (kept in the evidence store, custody `list-import`); the run is
    logged as `link-lists`. A bad row is reported and skipped; the run goes on. Exit code 1
    when a list could not be read at all (the others are still linked), 2 on a usage error."""
    from factfinder.linkage import BackendError, LinkOptions, ListError, link, parse_map, read_list
    from factfinder.linkage.store import import_list, save_run

    if not 0 < threshold <= 1:
        err.print("[red]error:[/red] --threshold must be in (0, 1]")
        raise typer.Exit(2)
    if train not in ("priors", "em"):
        err.print("[red]error:[/red] --train must be priors or em")
        raise typer.Exit(2)
    try:
        user_map = parse_map(map_)
    except ListError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    datas, failed = [], []
    for p in paths:
        try:
            datas.append(read_list(p, user_map))
        except ListError as exc:
            failed.append({"file": str(p), "reason": str(exc)})
            err.print(f"[red]cannot use[/red] {escape(str(exc))}", soft_wrap=True)
    names = [d.name for d in datas]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        err.print(f"[red]error:[/red] two lists share the name {', '.join(sorted(dupes))} "
                  "(the file name without its extension): rename one")
        raise typer.Exit(2)
    if len(datas) < 2:
        err.print("[red]error:[/red] need at least two readable lists to link")
        raise typer.Exit(2 if not failed else 1)
    unused = [f"{k}={v}" for k, v in user_map.items()
              if not any(v in d.headers for d in datas)]
    if unused:
        err.print(f"[yellow]--map[/yellow] headers in no list: {escape(', '.join(unused))}")
    for d in datas:
        for problem in d.problems:
            err.print(f"[yellow]{escape(d.name)}[/yellow] {escape(problem)}", soft_wrap=True)

    conf, database, store = open_case(db, evidence, actor)
    options = LinkOptions(threshold=threshold, backend=backend, train=train,
                          one_to_one=not many)
    try:
        result = link(datas, options, explain=json_out)
    except BackendError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    settings = {"threshold": threshold, "backend": backend, "train": train, "many": many,
                "map": user_map, "out": str(out)}
    with database.write() as conn:
        imported = [import_list(conn, d, conf.actor, store) for d in datas]
        run_id = save_run(conn, names, result, conf.actor, settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.pairs[["left_list", "left_id", "right_list", "right_id", "score"]].to_csv(
        out, index=False, quoting=csv.QUOTE_MINIMAL)
    clusters_path = out.with_name(out.stem + ".clusters.csv")
    result.clusters.to_csv(clusters_path, index=False)
    n_clusters = int(result.clusters["cluster_id"].nunique()) if len(result.clusters) else 0
    if json_out:
        print_json({
            "run_id": run_id, "lists": [{"name": d.name, "records": len(d.records),
                                         "problems": d.problems, "new": new}
                                        for d, (_, new) in zip(datas, imported, strict=True)],
            "failed": failed, "threshold": threshold, "links": len(result.pairs),
            "clusters": n_clusters, "out": str(out), "clusters_out": str(clusters_path),
            "model": result.model,
            "pairs": [_pair_json(r) for r in result.pairs.to_dict("records")],
        })
    else:
        sizes = ", ".join(f"{d.name} {len(d.records)}" for d in datas)
        console.print(f"linked {len(datas)} lists ({sizes} records): {len(result.pairs)} "
                      f"link(s) at ≥ {threshold}, {n_clusters} cluster(s) → {out}, "
                      f"{clusters_path}; run {run_id}", soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


def _pair_json(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r[k] for k in ("left_list", "left_id", "right_list", "right_id", "score")}
    out["explanation"] = r.get("explanation")
    return out


def lists_command(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List the victim lists stored in the case, their record counts and the latest linkage."""
    from factfinder.linkage.store import summary

    _, database, _ = open_case(db)
    with database.read() as conn:
        info = summary(conn)
    if json_out:
        print_json(info)
        return
    table = Table("list", "records", "sha256", "imported", box=None)
    for item in info["lists"]:
        table.add_row(escape(item["name"]), str(item["records"]),
                      (item["original_sha256"] or "")[:16], item["created_at"][:19])
    console.print(table)
    run = info["latest_run"]
    if run is None:
        console.print(f"{len(info['lists'])} list(s); no linkage run yet")
    else:
        console.print(f"{len(info['lists'])} list(s); latest run {run['id']} "
                      f"({run['created_at'][:19]}): {', '.join(run['lists'])} → "
                      f"{run['links']} link(s), {run['clusters']} cluster(s), threshold "
                      f"{json.dumps(run['settings'].get('threshold'))}", soft_wrap=True)
