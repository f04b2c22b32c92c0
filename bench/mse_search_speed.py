"""Speed of log-linear model search (issue 5): exhaustive BIC search over all hierarchical
models of 4 lists (113 models) and over all two-way models of 5 lists (1,024) and 6 lists
(32,768), each including the final checks and profile interval of `estimate(...)`.

Tables: the published ones in ../shared/data/mse when present (HIV, diabetes, Western), and
simulated tables with known totals (independent lists with one pairwise dependence) of 4, 5
and 6 lists, so that the bench runs without ../shared too.

    .venv/bin/python bench/mse_search_speed.py [--rounds 3] [--six]
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from pathlib import Path

from factfinder.estimate.methods import estimate
from factfinder.estimate.table import CaptureTable

MSE = Path(__file__).resolve().parents[2] / "shared" / "data" / "mse"


def simulated(k: int, n: int = 10_000, seed: int = 0) -> CaptureTable:
    import numpy as np

    rng = np.random.default_rng(seed)
    probs = rng.uniform(0.15, 0.45, size=k)
    cells = {}
    for p in itertools.product((0, 1), repeat=k):
        w = math.prod(q if v else 1 - q for q, v in zip(probs, p, strict=True))
        if p[0] and p[1]:
            w *= 2.0
        cells[p] = w
    total = sum(cells.values())
    counts = {p: int(rng.poisson(n * w / total)) for p, w in cells.items() if any(p)}
    return CaptureTable(tuple(f"l{i + 1}" for i in range(k)), counts)


def timed(table: CaptureTable, rounds: int) -> tuple[float, float, str, float | None]:
    times = []
    result = None
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = estimate(table, "loglinear", criterion="bic")
        times.append(time.perf_counter() - t0)
    assert result is not None
    return statistics.median(times), max(times), str(result.model), result.estimate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--six", action="store_true", help="also the 6-list two-way search")
    args = ap.parse_args()
    cases: list[tuple[str, CaptureTable]] = []
    for name in ("hiv", "diabetes", "western"):
        if (MSE / f"{name}.csv").is_file():
            cases.append((name, CaptureTable.from_csv(MSE / f"{name}.csv")))
    cases += [("simulated 4 lists", simulated(4)), ("simulated 5 lists", simulated(5))]
    if args.six:
        cases.append(("simulated 6 lists", simulated(6)))
    print(f"{'table':<20} {'lists':>5} {'search':<42} {'median s':>9} {'max s':>7}  chosen")
    for label, table in cases:
        med, worst, model, est = timed(table, args.rounds)
        how = "all hierarchical (113)" if table.k == 4 else (
            f"all two-way ({2 ** (table.k * (table.k - 1) // 2):,})")
        print(f"{label:<20} {table.k:>5} {how:<42} {med:>9.2f} {worst:>7.2f}  {model} "
              f"→ {est:,.0f}" if est is not None else "no estimate")


if __name__ == "__main__":
    main()
