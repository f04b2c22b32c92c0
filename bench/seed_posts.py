"""Ingest ../shared/corpus/seeds and count the documents per page: one document per post.

    .venv/bin/python bench/seed_posts.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

from factfinder.db import Database
from factfinder.documents import list_documents
from factfinder.intake.pipeline import IngestOptions, Ingestor
from factfinder.store import EvidenceStore

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


def main() -> None:
    if not SEEDS.is_dir():
        print("../shared/corpus/seeds is not present: nothing to measure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/case.db")
        report = Ingestor(db, EvidenceStore(Path(tmp) / "ev"),
                          IngestOptions(collector="bench")).run([str(SEEDS)])
        with db.read() as conn:
            docs = list_documents(conn)
    pages = {d["id"]: d["filename"] for d in docs if d["kind"] == "page"}
    posts = Counter(pages.get(d["parent_id"], d["filename"]) for d in docs if d["kind"] != "page")
    for name in sorted(set(d["filename"] for d in docs)):
        print(f"{name}: {posts.get(name, 0)} post(s)")
    dups = Counter(d["duplicate_group"] for d in docs if d["duplicate_group"])
    print(f"total: {sum(posts.values())} documents from {len(set(d['filename'] for d in docs))} "
          f"pages (target 31); {len(dups)} near-duplicate group(s) holding "
          f"{sum(dups.values())} documents; rejected: {len(report.rejected)}")
    sys.exit(0 if not report.rejected else 1)


if __name__ == "__main__":
    main()
