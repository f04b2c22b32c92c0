"""Extraction speed: words per second of factfinder's whole extraction (parse with the components
it needs, all five extractors, offsets, storage) against bare ``nlp.pipe`` of the same spaCy
model with all its components, on the same texts, in one run.

    .venv/bin/python bench/extraction_speed.py [--words 150000]

Target: ours ≥ 2× the bare pipeline's throughput on this 2-core machine.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=150_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bare-batch-size", type=int, default=None,
                    help="batch size for the bare pipeline (default: spaCy's own, 256)")
    args = ap.parse_args()
    import spacy

    from factfinder.db import Database
    from factfinder.extract.nlp import MODEL_PACKAGES
    from factfinder.extract.runner import run_extraction
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.store import EvidenceStore

    _, source = paragraphs()
    docs, words = [], 0
    for title, body in make_text_docs(5000, seed=11):
        docs.append(f"{title}\n\n{body}")
        words += len(docs[-1].split())
        if words >= args.words:
            break
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i, text in enumerate(docs):
            (folder / f"d{i:05}.txt").write_text(text, encoding="utf-8")
        db = Database(f"sqlite:///{tmp}/case.db")
        Ingestor(db, EvidenceStore(Path(tmp) / "ev"),
                 IngestOptions(collector="bench", jobs=2)).run([str(folder)])
        with db.read() as conn:
            texts = [r[0] for r in conn.exec_driver_sql(
                "SELECT text FROM documents WHERE kind != 'page' ORDER BY pk")]
        n_words = sum(len(t.split()) for t in texts)

        nlp = spacy.load(MODEL_PACKAGES[0])  # every component, as shipped
        for _ in nlp.pipe(texts[:5]):
            pass
        ratios, bares, ourss = [], [], []
        for _ in range(args.rounds):  # alternate: this machine's speed drifts between runs
            t0 = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=args.bare_batch_size):
                pass
            bare = time.perf_counter() - t0
            t0 = time.perf_counter()
            report = run_extraction(db, actor="bench", jobs=args.jobs)
            ours = time.perf_counter() - t0
            bares.append(bare)
            ourss.append(ours)
            ratios.append(bare / ours)
        bare, ours = statistics.median(bares), statistics.median(ourss)
    print(f"{len(texts)} documents, {n_words:,} words, made from {source}")
    size = args.bare_batch_size or nlp.batch_size
    print(f"bare nlp.pipe ({', '.join(nlp.pipe_names)}; 1 process; batch size {size}): "
          f"{bare:.1f} s = "
          f"{n_words / bare:,.0f} words/s")
    print(f"factfinder extract --jobs {args.jobs} (parse + 5 extractors + storage): {ours:.1f} s "
          f"= {n_words / ours:,.0f} words/s (medians of {args.rounds} alternating rounds)")
    print("throughput ratio per round: " + ", ".join(f"{r:.2f}×" for r in ratios)
          + f"; median {statistics.median(ratios):.2f}× the bare pipeline (target ≥ 2×)")
    print("items: " + ", ".join(f"{n:,} {k}" for k, n in sorted(report.items.items())))


if __name__ == "__main__":
    main()
