"""Entity resolution quality: pairwise precision and recall over surface forms.

    .venv/bin/python bench/entity_quality.py [--json]

Gold: ``../shared/data/names/seed_entities.json`` (hand-checked groups of forms over the seed
pages, and pairs never to merge) and ``sample/truth/entities.json`` (the bundled sample's truth).
Each corpus is ingested into a temporary case, extracted and resolved. Only gold forms the
extractor found count (a form is found when some mention's text equals it); a form listed in
two gold entities is ambiguous and left out. A found form's predicted entity is the one holding
most of its mentions; every pair of found forms is then scored: predicted together and gold
together is a true positive. ``different_violations`` counts the gold "never merge" pairs whose
forms share an entity in any mention (stricter than the majority rule).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SEED_GOLD = ROOT.parent / "shared" / "data" / "names" / "seed_entities.json"
SAMPLE = ROOT / "sample"


def build_case(folder: Path, corpus: list[Path]) -> dict[str, list[str]]:
    """Ingest, extract and resolve; for each mention text, the entity of each of its mentions."""
    import sqlalchemy as sa

    from factfinder.db import Database
    from factfinder.db.schema import entity_mentions, extractions
    from factfinder.entities.resolve import resolve_entities
    from factfinder.extract.runner import run_extraction
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.store import EvidenceStore

    folder.mkdir(parents=True, exist_ok=True)
    db = Database(f"sqlite:///{folder}/case.db")
    Ingestor(db, EvidenceStore(folder / "ev"), IngestOptions(collector="bench", jobs=1)).run(
        [str(p) for p in corpus])
    run_extraction(db, actor="bench", jobs=2)
    resolve_entities(db, "bench")
    out: dict[str, list[str]] = defaultdict(list)
    with db.read() as conn:
        rows = conn.execute(sa.select(extractions.c.text, entity_mentions.c.entity_id).select_from(
            extractions.outerjoin(entity_mentions,
                                  entity_mentions.c.extraction_id == extractions.c.id)).where(
            extractions.c.kind == "mention")).all()
    db.close()
    for text, eid in rows:
        out[text].append(eid or "")
    return out


def score(found: dict[str, list[str]], groups: list[list[str]],
          different: list[tuple[list[str], list[str]]]) -> dict[str, Any]:
    """Pairwise figures; ``different`` holds pairs of form lists never to merge."""
    owner: dict[str, int] = {}
    twice: set[str] = set()
    for gi, forms in enumerate(groups):
        for f in set(forms):
            if f in owner:
                twice.add(f)
            owner[f] = gi
    forms = sorted(f for f in owner if f not in twice and found.get(f))
    pred = {f: Counter(found[f]).most_common(1)[0][0] for f in forms}
    tp = fp = fn = 0
    wrong: list[list[str]] = []
    for a, b in combinations(forms, 2):
        gold_same, pred_same = owner[a] == owner[b], pred[a] == pred[b] and pred[a] != ""
        tp += gold_same and pred_same
        fp += pred_same and not gold_same
        fn += gold_same and not pred_same
        if gold_same != pred_same:
            wrong.append(["merged" if pred_same else "apart", a, b])
    violations = []
    checked = 0
    for fa, fb in different:
        ea = {e for f in fa for e in found.get(f, []) if e}
        eb = {e for f in fb for e in found.get(f, []) if e}
        if ea and eb:
            checked += 1
            if ea & eb:
                violations.append([fa[0], fb[0]])
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "forms_found": len(forms), "forms_gold": len(owner) - len(twice),
            "pairs_true": tp, "pairs_false": fp, "pairs_missed": fn,
            "different_checked": checked, "different_violations": len(violations),
            "violations": violations, "wrong_pairs": wrong}


def seed_gold() -> tuple[list[list[str]], list[tuple[list[str], list[str]]]]:
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    groups = [g["forms"] for g in gold["same"]]
    return groups, [([a], [b]) for a, b in gold["different"]]


def sample_gold() -> tuple[list[list[str]], list[tuple[list[str], list[str]]]]:
    gold = json.loads((SAMPLE / "truth" / "entities.json").read_text(encoding="utf-8"))
    forms = {e["id"]: e["forms"] for e in gold["entities"]}
    own = {e["id"]: [e.get("preferred") or e["forms"][0]] + e["forms"] for e in gold["entities"]}
    diff = []
    for d in gold.get("different", []):
        if d["a"] in forms and d["b"] in forms:  # only the forms each has alone
            fa, fb = set(own[d["a"]]), set(own[d["b"]])
            diff.append((sorted(f for f in fa - fb if len(f.split()) > 1),
                         sorted(f for f in fb - fa if len(f.split()) > 1)))
    return list(forms.values()), diff


def evaluate() -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if SEEDS.is_dir() and SEED_GOLD.is_file():
            found = build_case(Path(tmp) / "seeds", [SEEDS])
            result["seeds"] = score(found, *seed_gold())
        found = build_case(Path(tmp) / "sample", [SAMPLE / "corpus"])
        result["sample"] = score(found, *sample_gold())
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", "-v", action="store_true", help="List the wrong pairs.")
    args = ap.parse_args()
    result = evaluate()
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    if "seeds" not in result:
        print("../shared seed gold is absent: seed figures skipped")
    for name, r in result.items():
        print(f"{name}: precision {r['precision']:.4f}  recall {r['recall']:.4f}  "
              f"forms {r['forms_found']}/{r['forms_gold']}  pairs tp {r['pairs_true']} "
              f"fp {r['pairs_false']} fn {r['pairs_missed']}  different: "
              f"{r['different_violations']} of {r['different_checked']} merged")
        for a, b in r["violations"]:
            print(f"  merged, must not be: {a} / {b}")
        if args.verbose:
            for how, a, b in r["wrong_pairs"]:
                print(f"  {how}: {a} / {b}")


if __name__ == "__main__":
    main()
