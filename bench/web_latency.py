"""Server-side latency of the web app's search, document and dossier pages on a 10,000-document
case database (issue 7, item 7: p95 < 200 ms).

    .venv/bin/python bench/web_latency.py [--docs 10000] [--pages 2000] [--extract 1000]
        [--requests 200] [--keep DIR]
    .venv/bin/python bench/web_latency.py --db sqlite:///DIR/case.db --evidence DIR/evidence

The corpus: ``--pages`` WordPress-style HTML articles (with a publisher and a date, from
``intake_throughput.make_pages``) and plain-text documents for the rest (``_corpus``), all made
from the seed pages' paragraphs. Building ingests them (2 jobs), runs the extraction on the
first ``--extract`` documents (0: all of them; dossiers and events need it) and entity
resolution, and reports how long each step took. ``--db`` reuses a case built before
(``--keep`` leaves one behind).

Each page is then asked for ``--requests`` times in-process (FastAPI's TestClient, logged in as
an investigator, after one warm-up round): the search page (with its facets) for the queries of
``search_latency`` and some with a filter, documents that have extractions, and dossiers of the
most-mentioned entities (the heaviest). The time is that of ``client.get`` (the server's work
plus the in-process client, no network).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import make_text_docs, paragraphs  # noqa: E402
from intake_throughput import make_pages  # noqa: E402
from search_latency import QUERIES  # noqa: E402

from factfinder.db import Database  # noqa: E402
from factfinder.store import EvidenceStore  # noqa: E402

TARGET_MS = 200.0


def build(url: str, evidence: Path, workdir: Path, docs: int, pages: int,
          extract: int) -> None:
    from factfinder.entities.resolve import resolve_entities
    from factfinder.extract.runner import run_extraction
    from factfinder.intake.pipeline import IngestOptions, Ingestor

    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    pages = min(pages, docs)
    make_pages(corpus, pages)
    for i, (title, body) in enumerate(make_text_docs(docs - pages, seed=7)):
        (corpus / f"d{i:05}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    db = Database(url)
    t0 = time.perf_counter()
    report = Ingestor(db, EvidenceStore(evidence),
                      IngestOptions(collector="bench", jobs=2)).run([str(corpus)])
    t1 = time.perf_counter()
    print(f"intake: {len(report.added):,} documents ({pages:,} HTML pages, the rest text) "
          f"in {t1 - t0:.1f} s", flush=True)
    # HTML pages and text documents alternate in the extracted subset
    rng = random.Random(5)
    ids = list(report.added)
    rng.shuffle(ids)
    chosen = ids if extract <= 0 else ids[:extract]
    ext = run_extraction(db, actor="bench", doc_ids=chosen, jobs=2, evidence_root=evidence)
    t2 = time.perf_counter()
    print(f"extraction: {ext.documents:,} documents, {sum(ext.items.values()):,} items "
          f"in {t2 - t1:.1f} s ({ext.documents / (t2 - t1):.1f} documents/s)", flush=True)
    res = resolve_entities(db, "bench")
    t3 = time.perf_counter()
    print(f"entity resolution: {t3 - t2:.1f} s ({res!s:.120})", flush=True)
    db.close()


def pct(times: list[float], p: float) -> float:
    times = sorted(times)
    return times[max(0, int(round(len(times) * p)) - 1)]


def measure(url: str, evidence: Path, n: int, role: str = "investigator") -> bool:
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from factfinder.web import auth_users
    from factfinder.web.app import create_app

    db = Database(url)
    with db.read() as conn:
        ndocs = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
        extracted = [r[0] for r in conn.execute(text(
            "SELECT DISTINCT document_id FROM extractions ORDER BY document_id"))]
        top = [r[0] for r in conn.execute(text(
            "SELECT entity_id FROM entity_mentions WHERE entity_id NOT IN (SELECT id FROM "
            "entities WHERE data LIKE '%\"protected\": true%') GROUP BY entity_id "
            "ORDER BY count(*) DESC, entity_id LIMIT 100"))]  # (protected ones answer 404)
        types = [r[0] for r in conn.execute(text(
            "SELECT label, count(*) FROM extractions WHERE kind = 'event' "
            "GROUP BY label ORDER BY 2 DESC LIMIT 3"))]
        user = f"bench-{role}"
        known = auth_users.get_user(conn, user) is not None
    if not known:
        auth_users.add_user(db, user, role, "a long bench password", "bench")
    client = TestClient(create_app(db, EvidenceStore(evidence)))
    client.cookies.set("ff_session", auth_users.start_session(db, user))
    print(f"case: {ndocs:,} documents, {len(extracted):,} with extractions, backend "
          f"{db.backend}; logged in as {role}", flush=True)

    rng = random.Random(11)
    searches = [{"q": q} for q in QUERIES]
    searches += [{"q": q, "event_type": t} for q in QUERIES[:5] for t in types[:1]]
    searches += [{"q": q, "since": "2018", "until": "2020"} for q in QUERIES[5:10]]
    searches += [{"q": q, "kind": "document", "page": "2"} for q in QUERIES[10:15]]
    plans = {
        "search": [("/search", searches[i % len(searches)]) for i in range(n)],
        "document": [(f"/documents/{rng.choice(extracted)}", {}) for _ in range(n)],
        "dossier": [(f"/entities/{top[i % len(top)]}", {}) for i in range(n)],
    }
    ok = True
    for name, plan in plans.items():
        for path, params in plan[: min(len(plan), 20)]:  # warm-up
            assert client.get(path, params=params).status_code == 200, path
        times = []
        for path, params in plan:
            t = time.perf_counter()
            r = client.get(path, params=params)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (path, r.status_code)
        p95 = pct(times, 0.95)
        ok = ok and p95 < TARGET_MS
        print(f"{name:9} {len(times)} requests: p50 {statistics.median(times):7.1f} ms · "
              f"p95 {p95:7.1f} ms · max {max(times):7.1f} ms "
              f"({'met' if p95 < TARGET_MS else 'NOT met'}: p95 < {TARGET_MS:.0f} ms)",
              flush=True)
    db.close()
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--pages", type=int, default=2_000, help="how many of them are HTML pages")
    ap.add_argument("--extract", type=int, default=1_000,
                    help="run extraction on this many documents (0: all)")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--db", help="reuse this case database (no build)")
    ap.add_argument("--evidence", type=Path, help="its evidence store (with --db)")
    ap.add_argument("--keep", type=Path, help="build the case in this folder and keep it")
    ap.add_argument("--role", default="investigator",
                    choices=["admin", "investigator", "reviewer", "viewer"],
                    help="log in with this role (viewer: redaction and protected documents "
                    "left out)")
    args = ap.parse_args()
    if args.db:
        ok = measure(args.db, args.evidence or Path(tempfile.mkdtemp()), args.requests, args.role)
        raise SystemExit(0 if ok else 1)
    _, source = paragraphs()
    print(f"corpus from {source}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{work / 'case.db'}"
        build(url, work / "evidence", work, args.docs, args.pages, args.extract)
        ok = measure(url, work / "evidence", args.requests, args.role)
        if args.keep:
            print(f"kept: --db {url} --evidence {work / 'evidence'}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
