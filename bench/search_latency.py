"""Search latency on a 10,000-document case database: median and p95 of `search()` (ranked hits,
snippets with highlights and the total count), as the CLI and the web app call it.

    .venv/bin/python bench/search_latency.py [--docs 10000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import make_text_docs, paragraphs  # noqa: E402

from factfinder.db import Database  # noqa: E402
from factfinder.intake.pipeline import IngestOptions, Ingestor  # noqa: E402
from factfinder.search import search  # noqa: E402
from factfinder.store import EvidenceStore  # noqa: E402

QUERIES = [
    "massacre", "political prisoners", '"death commission"', "Raisi", "Pour-Mohammadi",
    "Pourmohammadi OR Pour-Mohammadi", "Evin prison", "Gohardasht", "executions 1988",
    "Khomeini fatwa", "mass graves", "Amnesty International", "United Nations rapporteur",
    "Montazeri", "families -protest", "justice movement", "Ashraf", "hunger strike",
    "Tabriz", "Maryam Rajavi", "crimes against humanity", "Hamid Noury", "Stockholm trial",
    "30,000", "desecration graves", "exec*", "torture", "Khavaran", "cemetery", "witness",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--postgres", help="run on this PostgreSQL URL instead of SQLite")
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    _, source = paragraphs()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for i, (title, body) in enumerate(make_text_docs(args.docs)):
            (corpus / f"d{i:05}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        url = args.postgres or f"sqlite:///{tmp}/case.db"
        db = Database(url)
        t0 = time.perf_counter()
        report = Ingestor(db, EvidenceStore(Path(tmp) / "ev"),
                          IngestOptions(collector="bench", jobs=2)).run([str(corpus)])
        build = time.perf_counter() - t0
        for q in QUERIES:  # warm the cache once
            search(db, q)
        times = []
        totals = {}
        for _ in range(args.rounds):
            for q in QUERIES:
                t = time.perf_counter()
                res = search(db, q, limit=10)
                times.append((time.perf_counter() - t) * 1000)
                totals[q] = res.total
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"backend: {db.backend}; corpus: {len(report.added)} documents made from {source} "
              f"(built in {build:.1f} s)")
        print(f"queries: {len(QUERIES)} × {args.rounds} rounds, "
              "10 hits with snippets + total count")
        print(f"median {statistics.median(times):.2f} ms · p95 {p95:.2f} ms · "
              f"max {times[-1]:.2f} ms (target p95 < 50 ms)")
        print(f"mean hits per query: {statistics.mean(totals.values()):.0f}")


if __name__ == "__main__":
    main()
