"""Bias and interval coverage of the MSE methods on simulated populations with a known total.

    .venv/bin/python bench/mse_coverage.py [--populations 200] [--total 1000] [--lists 4]
        [--scenarios independent,heterogeneous,dependent,sparse]
        [--methods chapman,loglinear,dga,dga-small,lcmcr] [--lcmcr-iterations 2000]
        [--processes 2] [--seed 1] [--json results.json]

For each scenario, ``--populations`` populations of ``--total`` people are simulated
(:func:`factfinder.estimate.simulate.simulate`, seeds ``seed·100000 + i``) and every method
estimates N from the lists. Per scenario and method it prints the median and mean relative
error of the point estimate, the relative RMSE, the coverage of the interval (the share that
contains the true N; nominal 95%), the median relative width of the interval, how often the
method warned, and how often it failed (an exception, or no interval).

Methods: ``chapman`` (the first two lists only, the naive baseline), ``loglinear`` (best BIC
model, profile-likelihood interval), ``dga`` (delta = 1, dga's 1/N prior), ``dga-small``
(delta = 2^-k, the sparse-table setting), ``lcmcr`` (K = 10, 3 chains of
``--lcmcr-iterations`` sweeps; the default 2,000 is a fifth of the method's own default, to keep
the bench to minutes: raise it for a final run). The dispatcher
``factfinder.estimate.methods.estimate`` is used when it exists, else each module directly.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from factfinder.estimate.result import Estimate
from factfinder.estimate.simulate import SCENARIOS, simulate
from factfinder.estimate.table import CaptureTable

ALL_METHODS = ("chapman", "loglinear", "dga", "dga-small", "lcmcr")


def _dispatcher() -> Callable[..., Estimate] | None:
    try:
        from factfinder.estimate.methods import estimate
    except ImportError:
        return None
    return estimate


def run_method(name: str, table: CaptureTable, seed: int, lcmcr_iterations: int) -> Estimate:
    dispatch = _dispatcher()
    if name == "chapman":
        two = table.subset(table.lists[:2])
        if dispatch is not None:
            return dispatch(two, "chapman")
        from factfinder.estimate.twolist import estimate_chapman
        return estimate_chapman(two)
    if name == "loglinear":
        if dispatch is not None:
            return dispatch(table, "loglinear")
        from factfinder.estimate.loglinear import estimate_loglinear
        return estimate_loglinear(table)
    if name in ("dga", "dga-small"):
        delta = 1.0 if name == "dga" else 2.0 ** -table.k
        if dispatch is not None:
            return dispatch(table, "dga", delta=delta)
        from factfinder.estimate.dga import estimate_dga
        return estimate_dga(table, delta=delta)
    if name == "lcmcr":
        options = {"iterations": lcmcr_iterations, "seed": seed}
        if dispatch is not None:
            return dispatch(table, "lcmcr", **options)
        from factfinder.estimate.lcmcr import estimate_lcmcr
        return estimate_lcmcr(table, **options)
    raise ValueError(f"unknown method {name}")


def one_population(job: tuple[str, int, int, int, int, tuple[str, ...], int]
                   ) -> list[dict[str, Any]]:
    scenario, i, total, k, base_seed, methods, lcmcr_iterations = job
    seed = base_seed * 100_000 + i
    table, truth = simulate(total, k, scenario=scenario, seed=seed)
    rows = []
    for name in methods:
        t0 = time.perf_counter()
        row: dict[str, Any] = {"scenario": scenario, "population": i, "method": name,
                               "N": truth["N"], "observed": truth["observed"]}
        try:
            est = run_method(name, table, seed, lcmcr_iterations)
            row.update(estimate=est.estimate, lower=est.lower, upper=est.upper,
                       warnings=len(est.warnings), error=None)
        except Exception as exc:  # noqa: BLE001 — a failure is a result here
            row.update(estimate=None, lower=None, upper=None, warnings=0,
                       error=f"{type(exc).__name__}: {exc}")
        row["seconds"] = time.perf_counter() - t0
        rows.append(row)
    return rows


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    keys = sorted({(r["scenario"], r["method"]) for r in rows},
                  key=lambda sm: (list(SCENARIOS).index(sm[0]), ALL_METHODS.index(sm[1])))
    for scenario, method in keys:
        rs = [r for r in rows if r["scenario"] == scenario and r["method"] == method]
        ok = [r for r in rs if r["estimate"] is not None and np.isfinite(r["estimate"])]
        rel = np.array([(r["estimate"] - r["N"]) / r["N"] for r in ok])
        with_ci = [r for r in ok if r["lower"] is not None and r["upper"] is not None]
        covered = [r["lower"] <= r["N"] <= r["upper"] for r in with_ci]
        width = [(r["upper"] - r["lower"]) / r["N"] for r in with_ci]
        out.append({
            "scenario": scenario, "method": method, "runs": len(rs),
            "estimated": len(ok), "with_interval": len(with_ci),
            "median_rel_error": float(np.median(rel)) if rel.size else None,
            "mean_rel_error": float(np.mean(rel)) if rel.size else None,
            "rel_rmse": float(np.sqrt(np.mean(rel ** 2))) if rel.size else None,
            # coverage over all runs: a run without an interval does not cover
            "coverage": float(np.sum(covered) / len(rs)) if rs else None,
            "coverage_of_intervals": float(np.mean(covered)) if covered else None,
            "median_rel_width": float(np.median(width)) if width else None,
            "warned": float(np.mean([r["warnings"] > 0 for r in rs])),
            "failed": len(rs) - len(with_ci),
            "seconds_per_run": float(np.mean([r["seconds"] for r in rs])),
            "errors": sorted({r["error"].split(":")[0] for r in rs if r["error"]}),
        })
    return out


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:+.1f}%"


def print_table(summary: list[dict[str, Any]]) -> None:
    print("| scenario | method | median error | mean error | RMSE | coverage (95%) | "
          "median width | warned | failed | s/run |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in summary:
        cov = "—" if s["coverage"] is None else f"{100 * s['coverage']:.1f}%"
        width = "—" if s["median_rel_width"] is None else f"{100 * s['median_rel_width']:.0f}%"
        rmse = "—" if s["rel_rmse"] is None else f"{100 * s['rel_rmse']:.1f}%"
        print(f"| {s['scenario']} | {s['method']} | {_pct(s['median_rel_error'])} | "
              f"{_pct(s['mean_rel_error'])} | {rmse} | {cov} | {width} | "
              f"{100 * s['warned']:.0f}% | {s['failed']}/{s['runs']} | "
              f"{s['seconds_per_run']:.2f} |")


def _progress(done: int, total: int, t0: float) -> None:
    if done % 100 == 0 or done == total:
        print(f"  {done}/{total} populations, {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--populations", type=int, default=200)
    ap.add_argument("--total", type=int, default=1000)
    ap.add_argument("--lists", type=int, default=4)
    ap.add_argument("--scenarios", default="independent,heterogeneous,dependent,sparse")
    ap.add_argument("--methods", default=",".join(ALL_METHODS))
    ap.add_argument("--lcmcr-iterations", type=int, default=2000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="write every run and the summary here")
    args = ap.parse_args()
    scenarios = [s for s in args.scenarios.split(",") if s]
    methods = tuple(m for m in args.methods.split(",") if m)
    for s in scenarios:
        if s not in SCENARIOS:
            ap.error(f"unknown scenario {s}: {', '.join(SCENARIOS)}")
    for m in methods:
        if m not in ALL_METHODS:
            ap.error(f"unknown method {m}: {', '.join(ALL_METHODS)}")
    jobs = [(s, i, args.total, args.lists, args.seed, methods, args.lcmcr_iterations)
            for s in scenarios for i in range(args.populations)]
    print(f"{len(jobs)} populations ({args.populations} per scenario) of N = {args.total}, "
          f"{args.lists} lists; methods {', '.join(methods)}; dispatcher "
          f"{'factfinder.estimate.methods' if _dispatcher() else 'absent (modules directly)'}; "
          f"{args.processes} processes", flush=True)
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    if args.processes > 1:
        with mp.get_context("fork").Pool(args.processes) as pool:
            for done, part in enumerate(pool.imap_unordered(one_population, jobs,
                                                            chunksize=4), start=1):
                rows.extend(part)
                _progress(done, len(jobs), t0)
    else:
        for done, job in enumerate(jobs, start=1):
            rows.extend(one_population(job))
            _progress(done, len(jobs), t0)
    wall = time.perf_counter() - t0
    summary = summarise(rows)
    print_table(summary)
    print(f"\n{wall:.0f} s in all")
    errors = {(s["scenario"], s["method"]): s["errors"] for s in summary if s["errors"]}
    for key, errs in errors.items():
        print(f"errors in {key[0]} / {key[1]}: {', '.join(errs)}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"settings": vars(args), "summary": summary, "runs": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
