"""Synthetic Persian victim lists (factfinder.linkage.simulate): factfinder vs stock Splink.

    .venv/bin/python bench/linkage_persian.py [--people 2000] [--lists 2] [--seed 11]

Prints pairwise precision/recall/F1 of both at their default thresholds (ours 0.2 with
one-to-one links; stock 0.9), and each one's best F1 over a grid of thresholds, so that neither
is judged on a badly chosen threshold.
"""

from __future__ import annotations

import argparse
import time

from factfinder.linkage import LinkOptions, from_frame, link
from factfinder.linkage.baseline import stock_lists
from factfinder.linkage.evaluate import scores
from factfinder.linkage.simulate import simulate

GRID = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99)


def line(label: str, s: dict[str, float], seconds: float | None = None) -> str:
    t = f"  {seconds:.2f} s" if seconds is not None else ""
    return (f"{label:28s} F1 {s['f1']:.4f}  precision {s['precision']:.4f}  recall "
            f"{s['recall']:.4f}  pairs {s['predicted']}/{s['true']}{t}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=2000)
    ap.add_argument("--lists", type=int, default=2)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    sim = simulate(args.people, n_lists=args.lists, seed=args.seed)
    true = sim.true_pairs()
    sizes = ", ".join(f"{k} {len(v)}" for k, v in sim.lists.items())
    print(f"{args.people} people, lists: {sizes}; {len(true)} true cross-list pairs")

    t0 = time.perf_counter()
    ours = link([from_frame(k, v) for k, v in sim.lists.items()], LinkOptions(threshold=0.01))
    dt = time.perf_counter() - t0
    pairs = ours.pairs
    by_t = {t: scores({(r.left_list, r.left_id, r.right_list, r.right_id)
                       for r in pairs[pairs["score"] >= t].itertuples()}, true) for t in GRID}
    print(line("factfinder (threshold 0.2)", by_t[0.2], dt))
    best = max(GRID, key=lambda t: by_t[t]["f1"])
    print(line(f"factfinder best ({best})", by_t[best]))

    t0 = time.perf_counter()
    stock = stock_lists(sim.lists, threshold=0.01)
    dt = time.perf_counter() - t0
    st = {t: scores({p for p, s in stock.items() if s >= t}, true) for t in GRID}
    print(line("stock Splink (threshold 0.9)", st[0.9], dt))
    best = max(GRID, key=lambda t: st[t]["f1"])
    print(line(f"stock Splink best ({best})", st[best]))


if __name__ == "__main__":
    main()
