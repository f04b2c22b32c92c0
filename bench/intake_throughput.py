"""Intake throughput on ≥ 2,000 HTML pages against bare ``trafilatura.extract`` in the same run,
and peak memory as the corpus grows (it must stay flat: intake streams).

    .venv/bin/python bench/intake_throughput.py [--pages 2000]

Pages are WordPress-style articles (navigation, share widgets, tag lists, footer, metadata)
whose paragraphs come from the seed pages (or the bundled sample). "bare" is
``trafilatura.extract(html)`` over every page, one process, nothing stored. "factfinder" is the
whole intake: hashing, evidence store, reading with metadata, archive-page detection,
normalisation with offset maps, MinHash/LSH, database and search index, custody log.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import make_text_docs, paragraphs  # noqa: E402

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Free Voices</title>
<meta name="author" content="{author}"><meta property="og:site_name" content="Free Voices">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
<link rel="canonical" href="https://news.example.org/{year}/{slug}/">
<script>var tracking = {{"id": {i}}};</script></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/reports">Reports</a></li><li><a href="/about">About us</a></li></ul></nav></header>
<main><article class="post hentry"><h1 class="entry-title">{title}</h1>
<div class="byline">By {author} · <time datetime="{date}">{date}</time></div>
<div class="entry-content">{body}</div>
<div class="sharedaddy"><p>Please follow and like us:</p>
<a href="#">Facebook</a> <a href="#">Twitter</a></div>
<footer class="tags">Tags: 1988 Massacre, Human Rights, Iran</footer></article></main>
<aside><h3>Recent posts</h3><ul>{recent}</ul></aside>
<footer><p>© {year} Free Voices. All rights reserved.</p></footer></body></html>
"""


def make_pages(folder: Path, n: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    docs = make_text_docs(n, seed=seed)
    for i, (title, body) in enumerate(docs):
        year = rng.randint(2016, 2022)
        date = f"{year}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
        paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
        recent = "".join(f'<li><a href="/p/{j}">{html.escape(docs[j][0])}</a></li>'
                         for j in rng.sample(range(n), k=min(5, n)))
        page = PAGE.format(title=html.escape(title), author=rng.choice(["Staff", "A. Writer"]),
                           date=date, year=year, slug=f"post-{i}", i=i, body=paras,
                           recent=recent)
        (folder / f"page{i:05}.html").write_text(page, encoding="utf-8")


def bare_trafilatura(folder: Path) -> float:
    import trafilatura

    files = sorted(folder.glob("*.html"))
    t0 = time.perf_counter()
    for f in files:
        trafilatura.extract(f.read_bytes())
    return time.perf_counter() - t0


def run_ingest(folder: Path, jobs: int, workdir: Path) -> dict:
    """Ingest in a child process; report its wall time and peak memory (the largest process)."""
    code = (
        "import json,sys,time,resource;"
        "from factfinder.db import Database;from factfinder.store import EvidenceStore;"
        "from factfinder.intake.pipeline import IngestOptions,Ingestor;"
        f"db=Database('sqlite:///{workdir}/case.db');t=time.perf_counter();"
        f"r=Ingestor(db,EvidenceStore(__import__('pathlib').Path('{workdir}/ev')),"
        f"IngestOptions(collector='bench',jobs={jobs})).run(['{folder}']);"
        "dt=time.perf_counter()-t;"
        "print(json.dumps({'seconds':dt,'documents':len(r.added),'rejected':len(r.rejected),"
        "'self_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,"
        "'workers_mb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-sizes", default="500,1000,2000,4000")
    args = ap.parse_args()
    _, source = paragraphs()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        make_pages(folder, args.pages)
        print(f"{args.pages} HTML pages made from {source}; {args.rounds} rounds, bare and "
              "factfinder alternating (this machine's speed drifts between runs)")
        ratios: dict[int, list[float]] = {1: [], 2: []}
        for rnd in range(args.rounds):
            bare = bare_trafilatura(folder)
            line = [f"round {rnd + 1}: bare trafilatura.extract {bare:.2f} s"]
            for jobs in (1, 2):
                work = Path(tmp) / f"run{rnd}-{jobs}"
                work.mkdir()
                r = run_ingest(folder, jobs, work)
                ratios[jobs].append(r["seconds"] / bare)
                line.append(f"--jobs {jobs} {r['seconds']:.2f} s ({r['seconds'] / bare:.2f}×, "
                            f"{r['documents']} docs, {r['rejected']} rejected)")
            print("; ".join(line))
        for jobs in (1, 2):
            print(f"factfinder ingest --jobs {jobs}: median {statistics.median(ratios[jobs]):.2f}× "
                  "bare trafilatura.extract (target ≤ 1.5×)")
        print("peak memory as the corpus grows (--jobs 2; main process / largest worker):")
        for size in [int(s) for s in args.memory_sizes.split(",")]:
            sub = Path(tmp) / f"mem{size}"
            (sub / "pages").mkdir(parents=True)
            make_pages(sub / "pages", size, seed=size)
            r = run_ingest(sub / "pages", 2, sub)
            print(f"  {size:>6} pages: {r['self_mb']:.0f} MB / {r['workers_mb']:.0f} MB "
                  f"({r['seconds']:.1f} s)")


if __name__ == "__main__":
    main()
