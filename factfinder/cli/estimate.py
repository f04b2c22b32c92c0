"""The ``estimate`` command: how many people no list recorded (multiple systems estimation).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import inspect
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from factfinder.cli.common import (
    ActorOption,
    DbOption,
    JsonOption,
    console,
    err,
    open_case,
    print_json,
)

METHOD_HELP = ("lincoln-petersen, chapman (2 lists); loglinear (model search or --model; "
               "--heterogeneity); loglinear-chao/-darroch/-poisson/-gamma/-normal; dga; lcmcr")


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_command)


def _value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def estimate_command(
    args: Annotated[list[str] | None, typer.Argument(
        help="A capture table (CSV: one 0/1 column per list and 'count'), or with --lists the "
        "names of lists linked in the case database.", metavar="TABLE.csv | LIST...",
        show_default=False)] = None,
    lists: Annotated[bool, typer.Option(
        "--lists", help="The arguments are lists linked in the case database (latest "
        "linkage run): one person per cluster.")] = False,
    strata: Annotated[str | None, typer.Option(
        "--strata", help="With --lists: estimate per value of FIELD (year, province/place, "
        "prison, affiliation, sex, or a column of the list file) and in total.",
        metavar="FIELD")] = None,
    run: Annotated[str | None, typer.Option(
        "--run", help="With --lists: the linkage run (default: the latest).")] = None,
    method: Annotated[str, typer.Option("--method", "-m", help=METHOD_HELP)] = "loglinear",
    criterion: Annotated[str, typer.Option(
        help="Model choice: bic (default), aic, or stepwise (Chan, Silverman & Vincent's "
        "forward selection by Poisson p-values < 0.02, as SparseMSE).")] = "bic",
    bic_n: Annotated[str, typer.Option(
        "--bic-n", help="BIC's n: cases (people observed, as Rcapture; default) or cells "
        "(2^k − 1). It changes which model wins.")] = "cases",
    model: Annotated[str | None, typer.Option(
        "--model", help="Fit one model instead of searching: \"c1:c2 + c2:c3\", "
        "independence, two-way, saturated.")] = None,
    heterogeneity: Annotated[str | None, typer.Option(
        "--heterogeneity", help="Add Rcapture's heterogeneity term: chao, darroch, poisson, "
        "gamma, normal; or search (the model search also tries M0, Mh and Mth with Chao, "
        "Darroch, Poisson, Gamma, alone and with the best model's interactions).")] = None,
    equal_lists: Annotated[bool, typer.Option(
        "--equal-lists", help="One capture probability for all lists (Rcapture's M0/Mh) "
        "instead of one per list (Mt/Mth).")] = False,
    interval: Annotated[str | None, typer.Option(
        "--interval", help="profile (default for loglinear), bootstrap (percentile, repeats "
        "the model selection), bca (the same replicates, bias-corrected and accelerated), "
        "lognormal, wald (two lists), none.")] = None,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", help="Bootstrap replicates.")] = 200,
    resample: Annotated[str, typer.Option(
        "--resample", help="Bootstrap cells from Poisson(observed count) (observed, default), "
        "the people observed drawn with replacement (multinomial: n fixed, as Chan, Silverman "
        "& Vincent), or the chosen model's fit (fitted: parametric).")] = "observed",
    seed: Annotated[int, typer.Option(help="Random seed (bootstrap, lcmcr).")] = 0,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.95,
    max_order: Annotated[int | None, typer.Option(
        "--max-order", help="Highest interaction order in the search (default: k − 1 up to 4 "
        "lists, 2 for 5–6, 3 above).")] = None,
    opt: Annotated[list[str] | None, typer.Option(
        "--opt", help="A method option KEY=VALUE passed through (dga, lcmcr: e.g. "
        "iterations=10000); repeatable.")] = None,
    count_column: Annotated[str, typer.Option(
        "--count-column", help="The table's count column.")] = "count",
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Draw the model comparison or posterior (or the strata) to a .png "
        "or .svg file.")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    json_out: JsonOption = False,
) -> None:
    """Estimate the total number of victims, those no list recorded included.

    From a capture table, or (--lists) from lists linked in the case database, optionally by
    stratum; --lists runs are logged in the custody log (`estimate`). Exit code 1 when no
    estimate could be made (the warnings say why), 2 on a usage error."""
    from factfinder.estimate.methods import METHODS, MethodError
    from factfinder.estimate.strata import StrataError, case_tables, estimate_table
    from factfinder.estimate.table import CaptureTable, TableError

    names = args or []
    if not names:
        err.print("[red]error:[/red] give a capture table, or --lists with two or more list "
                  "names")
        raise typer.Exit(2)
    options: dict[str, Any] = {}
    meth = method.lower()
    if meth not in METHODS and meth not in ("lp", "log-linear"):
        err.print(f"[red]error:[/red] unknown --method {escape(method)}; choose one of "
                  f"{', '.join(METHODS)}")
        raise typer.Exit(2)
    if meth.startswith("loglinear") or meth == "log-linear":
        options.update(criterion=criterion, bic_n=bic_n, model=model,
                       heterogeneity=heterogeneity, interval=interval or "profile",
                       bootstrap=bootstrap, seed=seed, level=level, max_order=max_order,
                       resample=resample,
                       equal_lists=equal_lists or None)
    elif meth in ("lincoln-petersen", "chapman", "lp"):
        options.update(level=level, interval=interval)
    else:
        options.update(_pass_through(meth, {"level": level, "seed": seed}))
    for item in opt or []:
        key, sep, val = item.partition("=")
        if not sep or not key.strip():
            err.print(f"[red]error:[/red] --opt wants KEY=VALUE, not {escape(item)}")
            raise typer.Exit(2)
        options[key.strip().replace("-", "_")] = _value(val.strip())
    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        err.print("[red]error:[/red] --plot wants a .png or .svg file")
        raise typer.Exit(2)

    results = []
    source: dict[str, Any]
    if lists:
        from factfinder import custody

        conf, database, _ = open_case(db, None, actor)
        try:
            with database.read() as conn:
                tables = case_tables(conn, names, strata, run)
        except StrataError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        results.append(_run(estimate_table, tables.total, meth, None, options, MethodError))
        for value, table in tables.strata.items():
            results.append(_run(estimate_table, table, meth, value, options, MethodError))
        if tables.conflicts:
            results[0].warnings.append(
                f"{tables.conflicts} people's records disagree on {strata}: each took the "
                "value most of their records give")
        if tables.unknown:
            results[0].warnings.append(f"{tables.unknown} people have no {strata}: stratum "
                                       "'unknown'")
        source = {"lists": list(names), "run": tables.run_id, "strata": strata}
        with database.write() as conn:
            custody.append(conn, "estimate", f"linkage-run:{tables.run_id}", conf.actor, {
                **source, "method": meth,
                "options": {k: v for k, v in options.items() if v is not None},
                "results": [_summary(r) for r in results]})
    else:
        if strata:
            err.print("[red]error:[/red] --strata needs --lists (a capture table has no "
                      "fields)")
            raise typer.Exit(2)
        if len(names) != 1:
            err.print("[red]error:[/red] give one capture table (or --lists LIST...)")
            raise typer.Exit(2)
        try:
            table = CaptureTable.from_csv(names[0], count_column)
        except TableError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        results.append(_run(estimate_table, table, meth, None, options, MethodError))
        source = {"table": names[0]}

    if plot is not None:
        from factfinder.estimate.plot import plot as draw

        draw(results if len(results) > 1 else results[0], plot)
    if json_out:
        print_json([r.to_dict() for r in results] if lists and strata
                   else results[0].to_dict())
    else:
        _print(results, source)
        if plot is not None:
            console.print(f"plot → {escape(str(plot))}")
    raise typer.Exit(0 if results[0].estimate is not None else 1)


def _pass_through(method: str, wanted: dict[str, Any]) -> dict[str, Any]:
    """The options a dga/lcmcr function takes, of those the CLI always has."""
    try:
        if method == "dga":
            from factfinder.estimate.dga import estimate_dga as fn
        else:
            from factfinder.estimate.lcmcr import estimate_lcmcr as fn
    except ImportError as exc:
        err.print(f"[red]error:[/red] --method {method} is not available: {escape(str(exc))}")
        raise typer.Exit(2) from exc
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(wanted)
    return {k: v for k, v in wanted.items() if k in params}


def _run(fn: Any, table: Any, method: str, stratum: str | None, options: dict[str, Any],
         method_error: type[Exception]) -> Any:
    try:
        return fn(table, method, stratum, **options)
    except (method_error, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


def _summary(r: Any) -> dict[str, Any]:
    return {"stratum": r.stratum, "estimate": r.estimate, "lower": r.lower, "upper": r.upper,
            "level": r.level, "observed": r.observed, "model": r.model,
            "warnings": len(r.warnings)}


def _n(x: float | None) -> str:
    if x is None:
        return "—"
    if not math.isfinite(x):
        return "∞"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"


def _print(results: list[Any], source: dict[str, Any]) -> None:
    first = results[0]
    head = f"[bold]{escape(first.method)}[/bold]"
    if first.model:
        head += f" · model [bold]{escape(first.model)}[/bold]"
    det = first.details
    if det.get("search"):
        aside = det.get("models_unbounded")
        head += (f" · {escape(det['search'])} ({det.get('models_fitted')} models"
                 + (f", {aside} with an unbounded estimate set aside" if aside else "")
                 + ")" + (f", {det.get('criterion', '').upper()}"
                          if det.get("criterion") != "stepwise" else ""))
        if det.get("criterion") == "bic":
            head += (f" with n = {det.get('bic_n_value')} "
                     f"{escape(str(det.get('bic_n')))}")
    console.print(head, soft_wrap=True, emoji=False)
    pct = f"{first.level * 100:g}%"
    table = Table(box=None, pad_edge=False)
    if len(results) > 1 or first.stratum is not None:
        table.add_column(escape(str(source.get("strata") or "stratum")))
    for col in ("observed", "estimate", f"{pct} interval", "interval"):
        table.add_column(col, justify="right" if col != "interval" else "left")
    for r in results:
        cells = [f"{r.observed:,}", f"[bold]{_n(r.estimate)}[/bold]" if r.estimate
                 is not None else "[red]no estimate[/red]",
                 f"{_n(r.lower)} – {_n(r.upper)}" if r.estimate is not None else "—",
                 escape(r.interval or "")]
        if len(results) > 1 or first.stratum is not None:
            cells.insert(0, escape(r.stratum if r.stratum is not None else "total"))
        table.add_row(*cells)
    console.print(table, emoji=False)
    headline = [(r.stratum, w) for r in results for w in r.warnings if _headline(w)]
    for s, w in headline:
        console.print(f"[bold red]! {escape(f'[{s}] ' if s is not None else '')}"
                      f"{escape(w)}[/bold red]", emoji=False)
    note = _note(first)
    if note:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", emoji=False)
    if first.fit:
        fit = ", ".join(f"{k} {_fitnum(v)}" for k, v in first.fit.items() if v is not None)
        console.print(f"fit: {escape(fit)}", soft_wrap=True)
    if len(first.models) > 1:
        crit = str(det.get("criterion", "bic"))
        keys = [k for k in ("estimate", "lower", "upper", "deviance", "df", crit, "delta",
                            "weight", "status") if k in first.models[0]]
        mt = Table("model", *[k.upper() if k == crit else k for k in keys], box=None,
                   title="candidate models (best first)", title_justify="left")
        for m in first.models[:8]:
            mt.add_row(Text(str(m.get("model"))),
                       *[_n(m.get(k)) if k in ("estimate", "lower", "upper") else
                         _fitnum(m.get(k)) for k in keys])
        console.print(mt, emoji=False)
    warns = [(r.stratum, w) for r in results for w in r.warnings if not _headline(w)]
    if warns:
        lines = "\n".join(f"• {escape(f'[{s}] ' if s is not None else '')}{escape(w)}"
                          for s, w in warns)
        console.print(Panel(lines, title="[bold]warnings[/bold]", border_style="red",
                            title_align="left"), emoji=False)


HEADLINE = ("carries", "do not report", "capture heterogeneity", "model choice is uncertain")


def _headline(warning: str) -> bool:
    """Warnings that change what the number means: printed in red under the estimate, not
    only in the panel below (dga's prior-driven saturated graph, an unbounded estimate,
    heterogeneity the chosen model leaves out, a close runner-up)."""
    return (any(h in warning for h in HEADLINE) and not warning.startswith("[")
            and "interval repeats the selection and includes this" not in warning)


def _note(r: Any) -> str | None:
    """What to do next, when the interval is conditional on a model a search chose."""
    det = r.details or {}
    if r.method != "loglinear" or r.estimate is None or not det.get("search"):
        return None
    if r.interval and "repeating the model selection" in r.interval:
        return None
    return (f"this interval assumes that {r.model} is the true model. To allow for the "
            "choice of model use --interval bca (repeats the selection); for people who are "
            "easier to find than others, --heterogeneity search; with linked lists, --strata "
            "on a field that may change who gets recorded (place, affiliation, year). If "
            "these disagree, report the spread, not one number.")


def _fitnum(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "∞"
        return f"{v:.0f}" if v.is_integer() and abs(v) < 1e6 else f"{v:.3f}"
    return str(v)
