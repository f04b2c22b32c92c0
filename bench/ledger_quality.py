"""Claims-ledger quality: grouping precision and recall on the bundled sample, and the
acceptance on the seed pages.

    .venv/bin/python bench/ledger_quality.py [--json] [--db CASE.db] [--seeds-db CASE.db]

Sample (known truth, sample/truth/claims.json): every truth claim is matched to a ledger entry
of the same document (file, and unit for archives) whose words overlap the truth's quote (the
same rule as bench/extraction_quality.py). Over the matched claims, pairs are scored: a pair is
predicted when the ledger puts both in one group, true when the truth does. Precision =
true predicted pairs / predicted pairs; recall = true predicted pairs / true pairs. Truth
claims that extraction did not find are reported, not scored (grouping cannot group what
extraction missed).

Seeds (../shared/corpus/seeds, skipped when absent): the 1988 death-toll group with its
repetitions and the distinct claimants of "more than 30,000", how repeats within a publisher
count, and the August 2019 protest tally ("at least 177 protests in 57 cities") as a group of
its own.

Without --db/--seeds-db each corpus is ingested into a temporary case first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SAMPLE = ROOT / "sample"
sys.path.insert(0, str(ROOT))


def tokens(value: Any) -> set[str]:
    return set(re.findall(r"\w+", str(value or "").casefold())) - {"the", "of", "a", "an", "and"}


def same(a: Any, b: Any) -> bool:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    return len(ta & tb) / min(len(ta), len(tb)) >= 0.5


def build_case(folder: Path, corpus: Path) -> str:
    from factfinder.db import Database
    from factfinder.entities.resolve import resolve_entities
    from factfinder.extract.runner import run_extraction
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.store import EvidenceStore

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder}/case.db"
    db = Database(url)
    Ingestor(db, EvidenceStore(folder / "ev"), IngestOptions(collector="bench", jobs=1)).run(
        [str(corpus)])
    run_extraction(db, actor="bench", jobs=1)
    resolve_entities(db, "bench")
    db.close()
    return url


def ledger_of(url: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """(groups as JSON, documents by id with filename and unit key)."""
    from sqlalchemy import select

    from factfinder.db import Database
    from factfinder.db.schema import documents, originals
    from factfinder.ledger.query import build_ledger

    db = Database(url)
    with db.read() as conn:
        ledger = build_ledger(conn)
        groups = [ledger.group_json(g) for g in ledger.groups]
        docs = {r.id: {"filename": r.filename, "unit": r.unit_key} for r in conn.execute(
            select(documents.c.id, documents.c.unit_key, originals.c.filename).join(
                originals, originals.c.sha256 == documents.c.original_sha256))}
    db.close()
    return groups, docs


def unit_matches(truth_unit: str | None, doc_unit: str) -> bool:
    if not truth_unit:
        return True
    return truth_unit == doc_unit or truth_unit.strip("<>") in doc_unit or doc_unit in truth_unit


def score_sample(groups: list[dict[str, Any]], docs: dict[str, dict[str, Any]]
                 ) -> dict[str, Any]:
    truth = json.loads((SAMPLE / "truth" / "claims.json").read_text(encoding="utf-8"))["claims"]
    entries = [(g["id"], c) for g in groups for c in g["claims"] if c["kind"] == "claim"]
    used: set[str] = set()
    matched: list[tuple[str, str]] = []  # (truth group, predicted group)
    missed = []
    for t in truth:
        words = t["quote"].strip('"')
        cands = [(gid, c) for gid, c in entries if c["claim_id"] not in used
                 and docs[c["document_id"]]["filename"] == t["file"]
                 and unit_matches(t.get("unit"), docs[c["document_id"]]["unit"])
                 and (c["text"] in words or words in c["text"] or same(c["text"], words))]
        if not cands:
            missed.append(t["quote"])
            continue
        # prefer the entry with the same bounds, then the longest overlap of words
        cands.sort(key=lambda gc: (gc[1]["low"] != t["low"] or gc[1]["high"] != t["high"],
                                   -len(tokens(gc[1]["text"]) & tokens(words))))
        gid, c = cands[0]
        used.add(c["claim_id"])
        matched.append((t["group"], gid))
    tp = fp = fn = 0
    for (ta, pa), (tb, pb) in itertools.combinations(matched, 2):
        if pa == pb and ta == tb:
            tp += 1
        elif pa == pb:
            fp += 1
        elif ta == tb:
            fn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"truth_claims": len(truth), "matched": len(matched), "missed": len(missed),
            "pairs_true": tp + fn, "pairs_predicted": tp + fp, "precision": round(p, 3),
            "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "truth_groups": len({t["group"] for t in truth}),
            "predicted_groups_of_matched": len({g for _, g in matched})}


def seed_acceptance(groups: list[dict[str, Any]]) -> dict[str, Any]:
    def holds(g: dict[str, Any], low: float, high: float | None) -> list[dict[str, Any]]:
        return [c for c in g["claims"] if c["low"] == low and c["high"] == high]

    toll = max(groups, key=lambda g: len(holds(g, 30000, None)) + len(holds(g, 30000, 30000)))
    more = holds(toll, 30000, None)
    claimants = sorted({c["claimant"] or c["publisher"] for c in more})
    by_pub: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in toll["claims"]:
        by_pub[c["publisher"]].append(c)
    repeats = {}
    for p, cs in sorted(by_pub.items()):
        own = [c for c in cs if c["origin"] == p]
        relayed = [c for c in cs if c["origin"] != p]
        repeats[p] = {"claims": len(cs), "independent": sum(c["independent"] for c in cs),
                      "own_voice": len(own),
                      "own_voice_independent": sum(c["independent"] for c in own),
                      "relayed": len(relayed),
                      "relayed_claimants": sorted({c["origin"] for c in relayed})}
    tally = [g for g in groups if g["subject"]["unit"] == "protests"
             and any(c["low"] == 177 for c in g["claims"])]
    return {
        "toll_group": toll["id"], "toll_subject": toll["subject"]["label"],
        "toll_claims": len(toll["claims"]),
        "toll_independent_claimants": toll["independent_claimants"],
        "more_than_30000": {"claims": len(more), "claimants": claimants},
        "values": toll["values"], "by_publisher": repeats,
        "tally_groups": [{"id": g["id"], "subject": g["subject"]["label"],
                          "claims": [c["text"] for c in g["claims"]],
                          "separate_from_toll": g["id"] != toll["id"],
                          "breakdown": g.get("breakdown", [])} for g in tally],
    }


def evaluate(db: str | None = None, seeds_db: str | None = None,
             seeds: bool = True) -> dict[str, Any]:
    """Both halves; ``db``/``seeds_db`` reuse existing case databases (paths or URLs)."""
    def url(x: str) -> str:
        return x if "://" in x else f"sqlite:///{x}"

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        surl = url(db) if db else build_case(Path(tmp) / "s", SAMPLE / "corpus")
        result["sample"] = score_sample(*ledger_of(surl))
        if seeds and (seeds_db or SEEDS.is_dir()):
            curl = url(seeds_db) if seeds_db else build_case(Path(tmp) / "seeds", SEEDS)
            result["seeds"] = seed_acceptance(ledger_of(curl)[0])
        else:
            result["seeds"] = None
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--db", help="an existing case database built from sample/corpus")
    ap.add_argument("--seeds-db", help="an existing case database built from the seed pages")
    args = ap.parse_args()
    result = evaluate(args.db, args.seeds_db)
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    s = result["sample"]
    print("sample (sample/truth/claims.json):")
    print(f"  truth claims {s['truth_claims']}, matched to ledger entries {s['matched']}, "
          f"not extracted {s['missed']}")
    print(f"  grouping pairs: precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
          f"F1 {s['f1']:.3f}  ({s['pairs_predicted']} predicted, {s['pairs_true']} true)")
    seeds = result["seeds"]
    if seeds is None:
        print("seed pages: ../shared/corpus/seeds not present, skipped")
        return
    print("seed pages (../shared/corpus/seeds):")
    print(f"  death toll group {seeds['toll_group']} ({seeds['toll_subject']}): "
          f"{seeds['toll_claims']} claims, {seeds['toll_independent_claimants']} independent "
          "claimant(s)")
    m = seeds["more_than_30000"]
    print(f"  'more than 30,000': {m['claims']} claims by {len(m['claimants'])} distinct "
          f"claimant(s): {'; '.join(m['claimants'])}")
    for v in seeds["values"]:
        print(f"    value {v['words']}: {v['claims']} claim(s), {v['independent_claimants']} "
              f"independent claimant(s)")
    print("  repeats within a publisher (one page of the seed corpus = one publisher: the pages "
          "carry no site name):")
    for pub, n in seeds["by_publisher"].items():
        print(f"    {pub}: {n['claims']} claim(s), {n['independent']} independent — in its own "
              f"voice {n['own_voice']} claim(s) counted {n['own_voice_independent']}; relayed "
              f"{n['relayed']} from {'; '.join(n['relayed_claimants']) or 'nobody'}")
    for t in seeds["tally_groups"]:
        print(f"  tally group {t['id']} ({t['subject']}): {t['claims']}; separate from the "
              f"toll: {t['separate_from_toll']}")
        for b in t["breakdown"]:
            print(f"    part {b['part']}: {b['value']}")


if __name__ == "__main__":
    main()
