"""Synthetic corpora for the benchmarks, made from the seed pages (../shared) when present,
else from the bundled sample: paragraphs are reshuffled into new documents, so the vocabulary
and lengths are real while every document is distinct."""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SAMPLE = ROOT / "sample" / "corpus"


def paragraphs() -> tuple[list[str], str]:
    if SEEDS.is_dir():
        files, source = sorted(SEEDS.glob("*.txt")), "../shared/corpus/seeds"
    else:
        files, source = sorted(SAMPLE.glob("*.txt")) + sorted(SAMPLE.glob("*.md")), "sample/corpus"
    paras = []
    for f in files:
        for p in f.read_text(encoding="utf-8").split("\n"):
            p = p.strip()
            if len(p.split()) >= 12:
                paras.append(p)
    return paras, source


def make_text_docs(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """(title, body) pairs of 4–12 paragraphs each."""
    paras, _ = paragraphs()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = rng.sample(paras, k=min(len(paras), rng.randint(4, 12)))
        title = " ".join(rng.choice(body).split()[:8])
        out.append((f"{title} ({i})", "\n\n".join(body)))
    return out
