"""LCMCR speed: 10,000 Gibbs sweeps on a 6-list table (target: ≤ 10 s).

    .venv/bin/python bench/mse_lcmcr_speed.py [--iterations 10000] [--chains 3] [--K 10]
        [--total 5000] [--table FILE.csv]

The table is a simulated population (N = --total, 6 lists, heterogeneous catchability, seed 7:
all 63 capture patterns occur) unless --table names a CSV. It times the method as a user runs
it (``estimate_lcmcr``: the chains advance together, the first quarter of sweeps is burn-in,
diagnostics included), once with the default 3 chains and once with a single chain.
"""

from __future__ import annotations

import argparse
import time

from factfinder.estimate.lcmcr import estimate_lcmcr
from factfinder.estimate.simulate import simulate
from factfinder.estimate.table import CaptureTable


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=10_000)
    ap.add_argument("--chains", type=int, default=3)
    ap.add_argument("--K", type=int, default=10)
    ap.add_argument("--total", type=int, default=5000)
    ap.add_argument("--table")
    args = ap.parse_args()
    if args.table:
        table = CaptureTable.from_csv(args.table)
        truth = None
    else:
        table, info = simulate(args.total, 6, scenario="heterogeneous", seed=7)
        truth = info["N"]
    print(f"{table.k} lists, {table.observed} people observed, {len(table.counts)} of "
          f"{2 ** table.k - 1} capture patterns occur" + (f"; true N {truth}" if truth else ""))
    for chains in dict.fromkeys((args.chains, 1)):
        t0 = time.perf_counter()
        est = estimate_lcmcr(table, K=args.K, iterations=args.iterations, chains=chains, seed=1)
        wall = time.perf_counter() - t0
        d = est.details
        print(f"{args.iterations:,} iterations × {chains} chain(s), K = {args.K}: {wall:.2f} s "
              f"({wall / chains:.2f} s per chain); N = {est.estimate:.0f} "
              f"[{est.lower:.0f}, {est.upper:.0f}], R-hat {d['rhat']:.3f}, ESS {d['ess']:.0f}")


if __name__ == "__main__":
    main()
