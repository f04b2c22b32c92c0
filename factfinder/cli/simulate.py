"""The ``simulate`` command: a population and lists with a known total, as a capture table.

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from factfinder.cli.common import JsonOption, console, err, print_json


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)


def _floats(text: str, what: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise ValueError(f"{what}: numbers separated by commas, not {text!r}") from exc


def _dependence(text: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for item in (v.strip() for v in text.split(",")):
        if not item:
            continue
        pair, sep, odds = item.partition("=")
        a, colon, b = pair.partition(":")
        if not sep or not colon:
            raise ValueError(f"--dependence: LIST:LIST=ODDS_RATIO, not {item!r}")
        try:
            out[(a.strip(), b.strip())] = float(odds)
        except ValueError as exc:
            raise ValueError(f"--dependence: {odds!r} is not an odds ratio") from exc
    return out


def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="Capture table CSV to write (one 0/1 "
                                      "column per list and count, as estimate reads).")],
    total: Annotated[int, typer.Option("--total", "-N", help="People in the population: the "
                                       "truth the estimators should find.")] = 1000,
    lists: Annotated[int, typer.Option("--lists", "-k", help="Number of lists (named A, B, "
                                       "…).")] = 4,
    scenario: Annotated[str, typer.Option(
        help="independent, heterogeneous, dependent, sparse or classes: defaults for the "
        "options below (see docs/estimation-bayes.md).")] = "independent",
    capture: Annotated[str | None, typer.Option(
        help="Capture probability: one for all lists, or one per list (0.3,0.2,0.4,…).")
    ] = None,
    heterogeneity: Annotated[float | None, typer.Option(
        help="Standard deviation of each person's catchability on the logit scale (0: none; "
        "1: strong).")] = None,
    dependence: Annotated[str | None, typer.Option(
        help="Odds ratios between lists: A:B=4 (positive), C:D=0.25 (negative), …")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed: the same seed gives the "
                                             "same table.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Simulate a population and overlapping lists with a known total.

    Writes the capture table to --out and prints the truth: N, how many the lists saw, how
    many they missed, and the settings. Exit code 2 on a usage error."""
    from factfinder.estimate.simulate import SCENARIOS, SimulationError, simulate

    if scenario not in SCENARIOS:
        err.print(f"[red]error:[/red] --scenario must be one of {', '.join(SCENARIOS)}")
        raise typer.Exit(2)
    try:
        cap: Any = None
        if capture is not None:
            values = _floats(capture, "--capture")
            cap = values[0] if len(values) == 1 else values
        dep = _dependence(dependence) if dependence is not None else None
        table, truth = simulate(total, lists, scenario=scenario, capture=cap,
                                heterogeneity=heterogeneity, dependence=dep, seed=seed)
    except (SimulationError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*table.lists, "count"])
        for pattern in table.patterns():
            n = table.counts.get(pattern, 0)
            if n:
                writer.writerow([*pattern, n])
    truth["out"] = str(out)
    if json_out:
        print_json(truth)
        return
    rates = ", ".join(f"{k} {v:.0%}" for k, v in truth["capture_rate"].items())
    console.print(f"simulated N = {truth['N']} ({scenario}: {escape(truth['description'])})",
                  soft_wrap=True)
    console.print(f"observed {truth['observed']} on at least one of {table.k} lists, "
                  f"{truth['unobserved']} on none; {len(table.counts)} of "
                  f"{2 ** table.k - 1} capture patterns occur → {escape(str(out))}",
                  soft_wrap=True)
    console.print(f"captured per list: {rates}", soft_wrap=True)
    settings = [] if truth["classes"] else [f"heterogeneity {truth['heterogeneity']:g}"]
    if truth["capture"]:
        settings.insert(0, "capture " + ", ".join(f"{v:g}" for v in truth["capture"]))
    if truth["dependence"]:
        settings.append("dependence " + ", ".join(f"{k}={v:g}"
                                                  for k, v in truth["dependence"].items()))
    if truth["classes"]:
        settings.append("classes " + "; ".join(
            f"{c['share']:.0%} at {', '.join(f'{v:g}' for v in c['capture'])}"
            for c in truth["classes"]))
    if seed is not None:
        settings.append(f"seed {seed}")
    console.print("settings: " + "; ".join(settings), soft_wrap=True)
