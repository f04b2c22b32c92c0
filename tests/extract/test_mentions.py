"""Mentions of people, organisations and places (factfinder/extract/mentions.py).

The unit cases are sentences written here. The gold, ``gold/seeds_mentions.json``, marks the
seed pages by character offsets of each file's text; it holds two kinds of objects:

- regions (``"scope": true``): passages annotated exhaustively, every person, organisation and
  place inside them marked. ``"set": "dev"`` regions were annotated before the extractor was
  written and then used to tune it; ``"set": "heldout"`` regions were annotated after its rules
  were frozen and are the honest figure. Precision counts predictions inside regions only.
- mentions: ``label`` PERSON / ORG / PLACE and, for the common aliases, the canonical
  ``normalized`` name. Spans exclude titles ("Ayatollah", "Mr.", "Supreme Leader"), a leading
  "the", possessive "'s" and punctuation; a place-type word after a name belongs to it ("Evin
  prison"); a given name an editor put in brackets before a surname ("[Massoud] Rajavi") is not
  marked; a name inside a longer name ("Iran" in "National Council of Resistance of Iran") is
  not marked separately; nationality adjectives ("Iranian") and "the West" are not marked.

The extractor runs on each seed file's whole text, so gold and predictions share offsets.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from factfinder.extract import mentions
from factfinder.extract.base import Context, Item
from factfinder.extract.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
GOLD = Path(__file__).resolve().parent / "gold" / "seeds_mentions.json"
SAMPLE = ROOT / "sample"

# Measured figures (see the printed output of the gold tests) minus a small margin.
FLOOR_F1 = {"dev": 0.96, "heldout": 0.93, "all": 0.95}
FLOOR_SAMPLE = {"recall": 0.94, "precision": 0.97}


@pytest.fixture(scope="module")
def nlp() -> Language:
    try:
        return load_nlp()
    except RuntimeError as exc:  # no model installed
        pytest.skip(str(exc))


def run(nlp: Language, text: str) -> list[Item]:
    return mentions.EXTRACTOR(nlp(text), Context("doc", text), {})


def find(items: list[Item], text: str) -> Item:
    hits = [i for i in items if i.text == text]
    assert hits, f"{text!r} not among {[(i.text, i.label) for i in items]}"
    return hits[0]


def labels(items: list[Item]) -> dict[str, str]:
    return {i.text: str(i.label) for i in items}


# --- unit cases ------------------------------------------------------------------------------

def test_extractor_protocol() -> None:
    assert mentions.EXTRACTOR.name == "mentions"
    assert mentions.EXTRACTOR.version


def test_acronyms_are_organisations_with_their_canonical_name(nlp: Language) -> None:
    text = ("Fallahian targeted members of the People’s Mojahedin Organization of Iran "
            "(PMOI/MEK). The MEK and the NCRI denied it; the IRGC and MOIS did not.")
    items = run(nlp, text)
    for acronym in ("PMOI", "MEK", "NCRI", "IRGC", "MOIS"):
        assert find(items, acronym).label == "ORG"
        assert find(items, acronym).data["source"] == "vocab"
    mek = "People's Mojahedin Organization of Iran"
    assert find(items, "MEK").data["normalized"] == mek
    assert find(items, "People’s Mojahedin Organization of Iran").data["normalized"] == mek
    assert find(items, "IRGC").data["normalized"] == "Islamic Revolutionary Guard Corps"
    assert "Iran" not in labels(items)  # inside the organisation's name, not a mention of its own


def test_titles_stay_out_of_person_spans(nlp: Language) -> None:
    text = ("Ayatollah Ruhollah Khomeini issued the fatwa. Mr. Mousavi Tabrizi disagreed, and "
            "Supreme Leader Ali Khamenei later praised Hojatoleslam Mostafa Pour-Mohammadi.")
    items = run(nlp, text)
    for name in ("Ruhollah Khomeini", "Mousavi Tabrizi", "Ali Khamenei", "Mostafa Pour-Mohammadi"):
        item = find(items, name)
        assert item.label == "PERSON"
        assert item.data["normalized"] == name
    titles = ("Ayatollah", "Mr.", "Supreme", "Hojatoleslam")
    assert not any(i.text.startswith(titles) for i in items)


def test_a_surname_spelled_out_once_is_a_person_everywhere(nlp: Language) -> None:
    text = ("Ali Fallahian was Iran’s intelligence minister.\n\n"
            "Fallahian: “They had such an analysis.”\n"
            "Q: “Who were the other members?”\nFallahian: “No.”")
    items = [i for i in run(nlp, text) if i.text == "Fallahian"]
    assert len(items) == 2 and all(i.label == "PERSON" for i in items)


def test_persons_the_model_calls_organisations_or_places(nlp: Language) -> None:
    text = ("Maryam Rajavi addressed the conference. Ebrahim Raisi was a member of the "
            "commission. Raisi later became president.")
    items = run(nlp, text)
    assert labels(items)["Maryam Rajavi"] == "PERSON"
    assert labels(items)["Ebrahim Raisi"] == "PERSON"
    assert labels(items)["Raisi"] == "PERSON"


def test_possessive_the_and_punctuation_stay_outside(nlp: Language) -> None:
    text = ("Amnesty International's report on Iran’s prisons reached the United Nations. "
            "She has been held in Tehran’s Evin prison since 2009.")
    items = run(nlp, text)
    assert {"Amnesty International", "Iran", "United Nations", "Tehran", "Evin prison"} <= set(
        labels(items))
    assert not any(i.text.endswith(("'s", "’s", ".", ",")) or i.text.startswith("the ")
                   for i in items)


def test_places_carry_type_and_coordinates(nlp: Language) -> None:
    text = ("Prisoners were moved from Gohardasht to Evin Prison and buried in Khavaran; "
            "others died in Rajaei Shahr Prison in Karaj, Iran.")
    items = run(nlp, text)
    evin = find(items, "Evin Prison")
    assert evin.label == "PLACE" and evin.data["place_type"] == "prison"
    lat, lon = evin.data["coordinates"]
    assert 35 < lat < 36.5 and 51 < lon < 52
    assert find(items, "Gohardasht").data["normalized"] == "Gohardasht Prison"
    assert find(items, "Rajaei Shahr Prison").data["normalized"] == "Gohardasht Prison"
    assert find(items, "Khavaran").data["place_type"] == "mass_grave"
    assert find(items, "Iran").data["place_type"] == "country"


def test_unknown_prisons_and_provinces_by_their_type_word(nlp: Language) -> None:
    text = "She is held in Qarchak Prison; her brother was arrested in Kermanshah Province."
    items = run(nlp, text)
    assert find(items, "Qarchak Prison").data["place_type"] == "prison"
    assert find(items, "Kermanshah Province").label == "PLACE"


def test_nationalities_and_dates_are_not_mentions(nlp: Language) -> None:
    text = ("Iranian officials met Swedish diplomats on 22 July 2017, in Mordad 1396, "
            "while the Iranian regime denied everything.")
    items = run(nlp, text)
    assert not any(i.text in ("Iranian", "Swedish", "Mordad", "Mordad 1396") for i in items)
    assert not any(re.search(r"\d{4}", i.text) for i in items)


def test_an_editors_given_name_in_brackets_is_not_a_mention(nlp: Language) -> None:
    text = ("[Iranian opposition leader Massoud] Rajavi had written 36 articles. "
            "They pointed to [Ebrahim] Raisi.")
    items = run(nlp, text)
    assert labels(items).get("Rajavi") == "PERSON" and labels(items).get("Raisi") == "PERSON"
    assert "Massoud" not in labels(items) and "Ebrahim" not in labels(items)


def test_items_are_exact_spans_without_overlaps(nlp: Language) -> None:
    text = ("MEK Holds Rally in Warsaw\n\nThe National Council of Resistance of Iran (NCRI) and "
            "Amnesty International - the UN Human Rights Council in Geneva - condemned Tehran.")
    items = run(nlp, text)
    assert items
    last = -1
    for i in items:
        assert i.kind == "mention" and text[i.start:i.end] == i.text
        assert i.label in ("PERSON", "ORG", "PLACE")
        assert i.data["source"] in ("ner", "vocab", "rule") and i.data["normalized"]
        assert 0 < i.confidence <= 1
        assert i.start >= last
        last = i.end
    assert labels(items)["UN Human Rights Council"] == "ORG"


def test_fictional_sample_places_are_known_and_marked(nlp: Language) -> None:
    text = "Families gathered at Sangestan, east of Sarvand, the capital of Arvestan."
    items = run(nlp, text)
    for name in ("Sangestan", "Sarvand", "Arvestan"):
        assert find(items, name).data.get("fictional") is True
        assert find(items, name).data["coordinates"]


def test_vocabularies_are_consistent() -> None:
    lex = mentions.lexicon()
    names: dict[str, set[str]] = {}
    for alias, idx in lex.folded:
        names.setdefault(alias.casefold().replace("’", "'"), set()).add(lex.entries[idx].name)
    clashes = {a: n for a, n in names.items() if len(n) > 1}
    assert not clashes, clashes
    for entry in lex.entries:
        assert entry.type, entry.name
        if entry.label == "PLACE":
            assert entry.coordinates, entry.name
            lat, lon = entry.coordinates
            assert -90 <= lat <= 90 and -180 <= lon <= 180, entry.name
    fictional = {e.name for e in lex.entries if e.fictional}
    assert {"Sarvand", "Republic of Arvestan", "Sangestan"} <= fictional
    assert "Tehran" not in fictional
    assert "ayatollah" in lex.title_words and "maryam" in lex.given_names


# --- gold over the seed pages -------------------------------------------------------------------

def load_gold() -> list[dict[str, Any]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not present")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for g in gold:
        text = texts.setdefault(g["file"], (SEEDS / g["file"]).read_text(encoding="utf-8"))
        span = text[g["start"]:g["end"]]
        assert hashlib.sha256(span.encode("utf-8")).hexdigest()[:8] == g["check"], g
    return gold


@pytest.fixture(scope="module")
def seed_predictions(nlp: Language) -> Iterator[dict[str, list[Item]]]:
    gold = load_gold()
    files = sorted({g["file"] for g in gold})
    texts = [(SEEDS / f).read_text(encoding="utf-8") for f in files]
    yield {f: mentions.EXTRACTOR(doc, Context(f, t), {})
           for f, t, doc in zip(files, texts, nlp.pipe(texts), strict=True)}


def score(gold: list[dict[str, Any]], pred: dict[str, list[Item]], subset: str) -> dict[str, Any]:
    scopes = [g for g in gold if g.get("scope") and subset in ("all", g["set"])]

    def inside(file: str, s: int, e: int) -> bool:
        return any(r["file"] == file and r["start"] <= s and e <= r["end"] for r in scopes)

    want = {(g["file"], g["start"], g["end"], g["label"]) for g in gold
            if not g.get("scope") and inside(g["file"], g["start"], g["end"])}
    got = {(f, i.start, i.end, i.label) for f, items in pred.items() for i in items
           if inside(f, i.start, i.end)}
    tp = len(want & got)
    p, r = tp / max(1, len(got)), tp / max(1, len(want))
    norm = [(g, next(i for i in pred[g["file"]] if (i.start, i.end) == (g["start"], g["end"])))
            for g in gold
            if "normalized" in g and (g["file"], g["start"], g["end"], g["label"]) in got]
    return {"gold": len(want), "predicted": len(got), "precision": round(p, 3),
            "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "normalized_ok": f"{sum(i.data['normalized'] == g['normalized'] for g, i in norm)}"
                             f"/{len(norm)}"}


@pytest.mark.parametrize("subset", ["dev", "heldout", "all"])
def test_gold_f1(seed_predictions: dict[str, list[Item]], subset: str) -> None:
    result = score(load_gold(), seed_predictions, subset)
    print(f"\nmentions vs gold ({subset}): {result}")
    assert result["f1"] >= FLOOR_F1[subset]


def test_gold_has_enough_mentions_over_all_seed_files() -> None:
    gold = load_gold()
    marked = [g for g in gold if not g.get("scope")]
    assert len(marked) >= 150
    assert {g["file"] for g in marked} == {p.name for p in SEEDS.glob("*.txt")}
    assert {g["label"] for g in marked} == {"PERSON", "ORG", "PLACE"}


def test_gold_normalized_names(seed_predictions: dict[str, list[Item]]) -> None:
    ok, total = score(load_gold(), seed_predictions, "all")["normalized_ok"].split("/")
    print(f"\nnormalized names right: {ok}/{total}")
    assert int(ok) >= 0.97 * int(total)


# --- the bundled sample's entities ----------------------------------------------------------------

def test_sample_entities(nlp: Language) -> None:
    """Every surface form of the sample's truth (titles and a lower-case "the" cut off), found
    where it stands in the plain-text documents, must be a mention with that exact span and
    label; precision counts the mentions that overlap such a form."""
    truth = json.loads((SAMPLE / "truth" / "entities.json").read_text(encoding="utf-8"))
    kinds = {"person": "PERSON", "organisation": "ORG", "place": "PLACE"}
    titles = sorted(mentions.lexicon().titles, key=len, reverse=True)

    def strip(form: str) -> str:
        for _ in range(3):
            for t in titles:
                if form.lower().startswith(t.lower() + " "):
                    form = form[len(t) + 1:]
            form = form.removeprefix("the ")
        return form

    forms = sorted({(strip(f), kinds[e["type"]]) for e in truth["entities"]
                    for f in [*e["forms"], e["preferred"]] if "(" not in f},
                   key=lambda x: (-len(x[0]), x))
    files = sorted([*SAMPLE.glob("corpus/*.txt"), *SAMPLE.glob("corpus/*.md")])
    found = total = right = overlapping = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        taken = [False] * (len(text) + 1)
        where = []
        for form, label in forms:
            for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", text):
                if not any(taken[m.start():m.end()]):
                    where.append((m.start(), m.end(), label))
                    taken[m.start():m.end()] = [True] * (m.end() - m.start())
        items = run(nlp, text)
        spans = {(i.start, i.end, i.label) for i in items}
        total += len(where)
        found += len(spans & set(where))
        for i in items:
            if any(s < i.end and i.start < e for s, e, _ in where):
                overlapping += 1
                right += (i.start, i.end, i.label) in set(where)
    recall, precision = found / total, right / overlapping
    print(f"\nsample entities ({len(files)} txt/md documents): surface forms found "
          f"{found}/{total} = {recall:.3f}; mentions on them right {right}/{overlapping} = "
          f"{precision:.3f}")
    assert recall >= FLOOR_SAMPLE["recall"] and precision >= FLOOR_SAMPLE["precision"]
