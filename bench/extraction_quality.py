"""Extraction quality against the hand-checked gold over the seed pages, and against the bundled
sample's ground truth.

    .venv/bin/python bench/extraction_quality.py [--json]

Gold: tests/extract/gold/seeds_<kind>.json — annotations by seed file and character offsets
(never copies of the text), each with a ``check`` hash of its span. Predicted items are mapped
to the same coordinates through the spans factfinder stores (``source_start``/``source_end`` in
the seed file's text).

Scoring (a true positive needs all of):
- mentions: exact span and label;
- dates: exact span; plus the share of matched dates whose interval is right;
- claims: overlapping span and correct bounds (low and high); claimant accuracy over matches;
- quotes: overlapping span and correct speaker;
- events: overlapping span, same type, and each role (perpetrators, victims, place) matching
  (token F1 ≥ 0.5) or empty on both sides; denied or called-for events are not predictions;
  ``type_only_f1`` scores the type alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
GOLD = ROOT / "tests" / "extract" / "gold"
SAMPLE = ROOT / "sample"
KINDS = ("mention", "date", "quote", "claim", "event")


def tokens(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return set(re.findall(r"\w+", str(value).casefold())) - {"the", "of", "a", "an", "and"}


def same(a: Any, b: Any) -> bool:
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return True
    if not ta or not tb:
        return False
    return len(ta & tb) / min(len(ta), len(tb)) >= 0.5


def role_match(a: Any, b: Any) -> bool:
    """Event roles: token F1 ≥ 0.5, or empty on both sides."""
    ta, tb = tokens(a), tokens(b)
    if not ta and not tb:
        return True
    if not ta or not tb:
        return False
    common = len(ta & tb)
    return common > 0 and 2 * common / (len(ta) + len(tb)) >= 0.5


def overlap_len(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "gold": n_gold,
            "predicted": n_pred}


def load_gold(kind: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """(annotations, scope regions). A gold file may mark the passages it annotated
    exhaustively (``"scope": true`` objects); precision then counts only predictions inside
    them. Without regions the whole of every annotated file is the scope."""
    path = GOLD / f"seeds_{kind}s.json"
    if not path.is_file():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    gold = [g for g in entries if not g.get("scope")]
    regions = [g for g in entries if g.get("scope")]
    texts: dict[str, str] = {}
    for g in gold:
        text = texts.setdefault(g["file"], (SEEDS / g["file"]).read_text(encoding="utf-8"))
        span = text[g["start"]:g["end"]]
        check = hashlib.sha256(span.encode("utf-8")).hexdigest()[:8]
        if g.get("check") and g["check"] != check:
            raise SystemExit(f"gold drift: {path.name} {g['file']} {g['start']}-{g['end']}")
    return gold, regions


def build_case(folder: Path, corpus: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Ingest and extract; predicted items by kind, each with ``file`` and source offsets."""
    import sqlalchemy as sa

    from factfinder.db import Database
    from factfinder.db.schema import documents
    from factfinder.documents import list_documents
    from factfinder.extract.query import ItemFilter, list_items
    from factfinder.extract.runner import run_extraction
    from factfinder.intake.normalize import OffsetMap
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.store import EvidenceStore

    db = Database(f"sqlite:///{folder}/case.db")
    Ingestor(db, EvidenceStore(folder / "ev"), IngestOptions(collector="bench", jobs=1)).run(
        [str(p) for p in corpus])
    run_extraction(db, actor="bench", jobs=2)
    out: dict[str, list[dict[str, Any]]] = {"unit": []}
    with db.read() as conn:
        docs = {d["id"]: d for d in list_documents(conn)}
        parents = {d["parent_id"] for d in docs.values()}
        for d in docs.values():  # the source spans of every line an extracted unit holds
            if d["id"] in parents:
                continue
            text, omap = conn.execute(sa.select(documents.c.text, documents.c.offset_map).where(
                documents.c.id == d["id"])).one()
            cmap = OffsetMap.loads(omap)
            for line in re.finditer(r"[^\n]+", text or ""):
                lo, hi = cmap.span_to_source(line.start(), line.end())
                out["unit"].append({"file": d["filename"], "start": lo, "end": hi})
        for kind in KINDS:
            items = list_items(conn, ItemFilter(kind))
            for it in items:
                doc = docs[it["document_id"]]
                it["file"] = doc["filename"]
                it["doc_kind"] = doc["kind"]
            out[kind] = items
    return out


def relocate(gold: list[dict[str, Any]], units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Archive pages repeat image captions and headlines between their posts; the annotator may
    have marked an occurrence that no document's text holds (between posts, or a line intake
    dropped as a repeat). Such a gold span moves to an occurrence of the same words on a line
    some extracted document holds and the gold does not already mark; when every such
    occurrence is already marked it is scored there once; with no such occurrence it stays
    (and counts as missed)."""
    if not units:
        return gold
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for u in units:
        spans[u["file"]].append((u["start"], u["end"]))
    texts: dict[str, str] = {}
    out = []
    for g in gold:
        def inside(a: int, b: int, f: str = g["file"]) -> bool:
            return any(lo <= a and b <= hi for lo, hi in spans[f])
        if inside(g["start"], g["end"]):
            out.append(g)
            continue
        text = texts.setdefault(g["file"], (SEEDS / g["file"]).read_text(encoding="utf-8"))
        words = text[g["start"]:g["end"]]
        taken = {(o["start"], o["end"]) for o in gold if o["file"] == g["file"] and o.get(
            "type", o.get("label")) == g.get("type", g.get("label"))}
        spots = [m.start() for m in re.finditer(re.escape(words), text)
                 if inside(m.start(), m.end())]
        free = [at for at in spots if (at, at + len(words)) not in taken]
        if free:
            out.append({**g, "start": free[0], "end": free[0] + len(words)})
        elif not spots:
            out.append(g)  # words no document holds at all: a miss
        # else: the same words are annotated where a document holds them; scored there once
    return out


def candidates(kind: str, g: dict[str, Any], pool: list[dict[str, Any]], used: set[str],
               typed: bool) -> list[dict[str, Any]]:
    """Unused predictions that may match gold ``g``, the most overlapping first."""
    gspan = (g["start"], g["end"])
    cands = [it for it in pool if it["id"] not in used and (
        (it["source_start"], it["source_end"]) == gspan if kind in ("mention", "date")
        else overlaps((it["source_start"], it["source_end"]), gspan))]
    if kind == "mention":
        cands = [c for c in cands if c.get("label") == g["label"]]
    if typed:
        cands = [c for c in cands if c.get("type") == g.get("type")]
    return sorted(cands, key=lambda c: -overlap_len((c["source_start"], c["source_end"]), gspan))


def score_seeds(pred: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        loaded = load_gold(kind)
        if loaded is None:
            continue
        gold, regions = loaded
        gold = relocate(gold, pred.get("unit", []))
        if regions:
            gold = [g for g in gold if any(
                r["file"] == g["file"] and r["start"] <= g["start"] and g["end"] <= r["end"]
                for r in regions)]
        items = [it for it in pred.get(kind, []) if it["file"] in {g["file"] for g in gold}]
        if kind == "event":  # a denial or a call for action is not an event
            items = [it for it in items if not it.get("negated") and not it.get("hypothetical")]
        if regions:
            items = [it for it in items if any(
                r["file"] == it["file"] and r["start"] <= it["source_start"]
                and it["source_end"] <= r["end"] for r in regions)]
        by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for it in items:
            by_file[it["file"]].append(it)
        tp = 0
        extra: dict[str, int] = defaultdict(int)
        used: set[str] = set()

        # events: pair same-type predictions first, so that an arrest and an execution in one
        # sentence each find their own prediction whatever the order of the gold
        pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        rest = gold
        if kind == "event":
            rest = []
            for g in gold:
                typed = candidates(kind, g, by_file[g["file"]], used, True)
                if typed:
                    used.add(typed[0]["id"])
                    pairs.append((g, typed[0]))
                else:
                    rest.append(g)
        for g in rest:
            cands = candidates(kind, g, by_file[g["file"]], used, False)
            if cands:
                used.add(cands[0]["id"])
                pairs.append((g, cands[0]))
        for g, best in pairs:
            extra["matched"] += 1
            if kind == "mention":
                tp += 1
            elif kind == "date":
                tp += 1
                if best.get("date_start") == g.get("date_start") and \
                        best.get("date_end") == g.get("date_end"):
                    extra["interval_correct"] += 1
            elif kind == "claim":
                bounds = best.get("low") == g.get("low") and best.get("high") == g.get("high")
                tp += bounds
                extra["claimant_correct"] += same(best.get("claimant"), g.get("claimant"))
            elif kind == "quote":
                ok = same(best.get("speaker"), g.get("speaker"))
                tp += ok
            elif kind == "event":
                ok = best.get("type") == g.get("type") and all(
                    role_match(best.get(role), g.get(role))
                    for role in ("perpetrators", "victims", "place"))
                extra["type_correct"] += best.get("type") == g.get("type")
                tp += ok
        res: dict[str, Any] = prf(tp, len(items), len(gold))
        matched = extra.get("matched", 0)
        if kind == "date" and matched:
            res["interval_accuracy"] = round(extra["interval_correct"] / matched, 3)
        if kind == "claim" and matched:
            res["claimant_accuracy"] = round(extra["claimant_correct"] / matched, 3)
        if kind == "event":
            res["type_only_f1"] = prf(extra.get("type_correct", 0), len(items), len(gold))["f1"]
        results[kind] = res
    return results


def score_sample(pred: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Recall-style figures on the sample's truth: the truth quotes exact words, so a truth item
    is found when a predicted item of its kind lies inside a document containing those words
    and overlaps where they stand."""
    truth_files = {"claim": "claims.json", "quote": "quotes.json", "event": "events.json"}
    out: dict[str, dict[str, Any]] = {}
    for kind, fname in truth_files.items():
        path = SAMPLE / "truth" / fname
        if not path.is_file():
            continue
        truth = json.loads(path.read_text(encoding="utf-8"))
        truth = truth if isinstance(truth, list) else next(
            v for v in truth.values() if isinstance(v, list))
        items = pred.get(kind, [])
        found = correct = 0
        for t in truth:
            words = t.get("quote") or t.get("text") or t.get("sentence") or t.get("words")
            file = t.get("file")
            if not words or not file:
                continue
            cands = [it for it in items if it["file"] == file and (
                it["text"] in words or words in it["text"] or same(it["text"], words))]
            if not cands:
                continue
            found += 1
            best = cands[0]
            if kind == "claim":
                correct += best.get("low") == t.get("low") and best.get("high") == t.get("high")
            elif kind == "quote":
                correct += same(best.get("speaker"), t.get("speaker"))
            elif kind == "event":
                correct += best.get("type") == t.get("type")
        n = len(truth)
        out[kind] = {"truth": n, "found": found, "found_share": round(found / n, 3) if n else 0,
                     "correct_share": round(correct / n, 3) if n else 0}
    return out


def evaluate() -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if SEEDS.is_dir():
            pred = build_case(Path(tmp) / "seeds", [SEEDS])
            result["seeds"] = score_seeds(pred)
        sample_pred = build_case(Path(tmp) / "sample", [SAMPLE / "corpus"])
        result["sample"] = score_sample(sample_pred)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = evaluate()
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return
    if "seeds" in result:
        print("seed pages (gold: tests/extract/gold/):")
        print(f"  {'kind':8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}  extra")
        for kind, r in result["seeds"].items():
            extra = ", ".join(f"{k} {v}" for k, v in r.items()
                              if k not in ("precision", "recall", "f1", "gold", "predicted"))
            print(f"  {kind:8} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                  f"{r['gold']:5} {r['predicted']:5}  {extra}")
    else:
        print("../shared/corpus/seeds is absent: seed figures skipped")
    print("bundled sample (truth: sample/truth/):")
    for kind, r in result["sample"].items():
        print(f"  {kind:8} found {r['found']}/{r['truth']} ({r['found_share']:.3f}), "
              f"correct {r['correct_share']:.3f}")


if __name__ == "__main__":
    main()
