"""Scale: link two generated lists of 100,000 records each; wall time and peak memory.

    .venv/bin/python bench/linkage_scale.py [--records 100000]

Peak memory is ``resource.getrusage`` ru_maxrss of this process and its children (MB).
"""

from __future__ import annotations

import argparse
import resource
import time

from factfinder.linkage import LinkOptions, from_frame, link
from factfinder.linkage.evaluate import scores
from factfinder.linkage.simulate import simulate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    coverage = 0.7
    t0 = time.perf_counter()
    sim = simulate(int(args.records / coverage * 1.02), n_lists=2, coverage=coverage, seed=7)
    lists = {k: v.head(args.records) for k, v in sim.lists.items()}
    gen = time.perf_counter() - t0
    print(f"generated {', '.join(f'{k} {len(v):,}' for k, v in lists.items())} records "
          f"in {gen:.1f} s")
    t0 = time.perf_counter()
    result = link([from_frame(k, v) for k, v in lists.items()], LinkOptions())
    wall = time.perf_counter() - t0
    kept = {(k, rid) for k, v in lists.items() for rid in v["record_id"]}
    sim.truth = sim.truth[[(r.list, r.record_id) in kept for r in sim.truth.itertuples()]]
    s = scores(result.pair_set(), sim.true_pairs())
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(f"linked in {wall:.1f} s (reading rows, keys, Splink, clusters); peak memory "
          f"{peak:.0f} MB; {len(result.pairs):,} links; F1 {s['f1']:.4f} precision "
          f"{s['precision']:.4f} recall {s['recall']:.4f}")


if __name__ == "__main__":
    main()
