"""Quotations and indirect attribution (``factfinder.extract.quotes``).

Unit cases are sentences written here. The gold, ``gold/seeds_quotes.json``, marks every
quotation and every indirect attribution of the five seed pages by seed file and character
offsets: ``speaker`` (the name as written, or null when no one is named), ``cue`` (as written;
":" for an interview label), ``direct`` (false for "X said that …" / "according to X"), and
``parts`` for a quotation interrupted by its cue or spanning paragraphs. Annotation rules: a
quotation is quoted speech or writing attributed (or attributable from the context) to someone;
scare quotes, quoted names and titles of works are not; an interrupted quotation ("…," he said.
"…") is one item; a reported clause holding a direct quotation is left to the quotation.

The helpers at the top run the real chain (mentions → dates → quotes → claims) on documents
prepared as intake prepares them; ``test_claims`` uses them too.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from factfinder.extract.base import Context, Item

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"
SAMPLE = ROOT / "sample"
TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "president", "pastor", "senator", "madame",
                    "ambassador", "judge", "colonel", "hojatoleslam", "ayatollah", "the", "a",
                    "an"})

# Measured on the seed gold and the sample truth (printed by the tests below), minus a margin.
FLOOR = {"precision": 0.97, "recall": 0.93, "speaker": 0.91, "sample_found": 0.92,
         "sample_speaker": 0.90}


# -- shared helpers -------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def run_chain(folder: str) -> tuple[tuple[str, Any, tuple[Item, ...]], ...]:
    """(file name, prepared document, quote and claim items) for every non-page document of
    the files in ``folder``, through the real extractors."""
    from factfinder.extract.nlp import load_nlp
    from factfinder.extract.registry import extractors
    from factfinder.extract.runner import publisher_of
    from factfinder.intake.prepare import prepare_bytes
    from factfinder.intake.types import Limits

    nlp = load_nlp()
    chain = extractors(("quote", "claim"))
    out = []
    for f in sorted(Path(folder).iterdir()):
        prepared = prepare_bytes(f.read_bytes(), f.name, Limits()) if f.is_file() else None
        for d in getattr(prepared, "docs", []):
            if d.kind == "page":
                continue
            doc = nlp(d.text)
            ctx = Context(d.id, d.text, d.title, d.published, publisher_of(d.site_name, d.url))
            found: dict[str, list[Item]] = {}
            for kind, extractor in chain:
                found[kind] = extractor(doc, ctx, found)
            out.append((f.name, d, tuple(found["quote"] + found["claim"])))
    return tuple(out)


def load_gold(kind: str) -> list[dict[str, Any]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not present")
    gold = json.loads((GOLD / f"seeds_{kind}s.json").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for g in gold:
        text = texts.setdefault(g["file"], (SEEDS / g["file"]).read_text(encoding="utf-8"))
        span = text[g["start"]:g["end"]].encode("utf-8")
        assert hashlib.sha256(span).hexdigest()[:8] == g["check"], f"gold drift at {g}"
    return gold


def seed_items(kind: str) -> list[tuple[str, int, int, Item]]:
    """Predicted items of ``kind`` on the seed pages, in seed-file coordinates."""
    from factfinder.intake.normalize import OffsetMap

    out = []
    for fname, d, items in run_chain(str(SEEDS)):
        omap = OffsetMap.loads(d.offset_map)
        for it in items:
            if it.kind == kind:
                s, e = omap.span_to_source(it.start, it.end)
                out.append((fname, s, e, it))
    return out


def words(name: str | None) -> set[str]:
    if not name:
        return set()
    name = re.sub(r"\(.*?\)", " ", name).lower().replace("’s", "").replace("'s", "")
    return {w for w in re.findall(r"[\w’'-]+", name) if w not in TITLES}


def same_name(a: str | None, b: str | None) -> bool:
    """Names agree when the words of one (titles aside) are all among the other's: "Rajavi"
    and "Maryam Rajavi" agree, "Massoud Rajavi" and "Maryam Rajavi" do not."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return not wa and not wb
    return wa <= wb or wb <= wa


@lru_cache(maxsize=1)
def sample_forms() -> dict[str, tuple[str, ...]]:
    ents = json.loads((SAMPLE / "truth" / "entities.json").read_text(encoding="utf-8"))
    return {e["id"]: (e["preferred"], *e["forms"]) for e in ents["entities"]}


def same_entity(pred: str | None, truth: str | None, truth_id: str | None = None) -> bool:
    """Like ``same_name``, but a spelling of the truth's entity also agrees: the truth gives
    the canonical name ("Mohammad-Taqi Eshaghi-Nia"), the text another ("Eshaqi-Nia")."""
    if same_name(pred, truth):
        return True
    if not pred or not truth:
        return False
    forms = sample_forms()
    ids = {i for i, fs in forms.items() if any(same_name(pred, f) for f in fs)}
    want = {truth_id} if truth_id else {i for i, fs in forms.items()
                                         if any(same_name(truth, f) for f in fs)}
    return bool(ids & want)


def locate(text: str, quoted: str) -> tuple[int, int] | None:
    body = quoted.strip().strip("“”\"‘’'")
    m = re.search(r"\s+".join(re.escape(w) for w in body.split()), text)
    return m.span() if m else None


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


# -- unit cases -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run() -> Any:
    from factfinder.extract.mentions import EXTRACTOR as MENTIONS
    from factfinder.extract.nlp import load_nlp
    from factfinder.extract.quotes import EXTRACTOR

    nlp = load_nlp()

    def go(text: str) -> list[Item]:
        doc = nlp(text)
        ctx = Context("d", text, None, None, "Example News")
        found: dict[str, list[Item]] = {"mention": MENTIONS(doc, ctx, {})}
        items = EXTRACTOR(doc, ctx, found)
        for it in items:
            assert it.kind == "quote" and text[it.start:it.end] == it.text
            assert [it.start, it.end] == it.data["parts"][0]
            assert set(it.data) >= {"speaker", "cue", "direct", "parts"}
        return items

    return go


def direct(items: list[Item]) -> list[Item]:
    return [it for it in items if it.data["direct"]]


def test_extractor_protocol() -> None:
    from factfinder.extract.quotes import EXTRACTOR

    assert EXTRACTOR.name == "quotes" and EXTRACTOR.version


def test_straight_quote_interrupted_by_its_cue_is_one_item(run: Any) -> None:
    text = ('"The families have waited thirty years for a single word," said Dr. Leila '
            'Farahmand, "and the silence of the state is a crime."')
    [q] = direct(run(text))
    assert q.text == "The families have waited thirty years for a single word,"
    assert len(q.data["parts"]) == 2
    s, e = q.data["parts"][1]
    assert text[s:e] == "and the silence of the state is a crime."
    assert "Farahmand" in q.data["speaker"] and q.data["cue"] == "said"


def test_a_name_given_as_someone_calls_it_is_not_their_speech(run: Any) -> None:
    """"as the regime called us" names what was said; "if she continued" says nothing."""
    [q] = run('Hamid Rostami said "supporter of the hypocrites", as the regime called us, and '
              'that he was a Muslim.')
    assert q.data["cue"] == "said" and "Rostami" in (q.data["speaker"] or "")
    [q] = run('She was told by an agent that she would "be buried next to her son" if she '
              'continued.')
    assert q.data["cue"] != "continued"


def test_a_described_group_is_itself_or_the_one_of_its_kind_named_last(run: Any) -> None:
    """"The Arvestani foreign ministry" needs no antecedent; "the court" is the court named
    before, not the last organisation that was a subject."""
    text = ('The Eskeby District Court heard 60 witnesses. The APFO welcomed the trial. '
            'The court said it "could not establish the total number of victims". '
            'The Arvestani foreign ministry called the verdict "a political show".')
    got = {q.text: q.data["speaker"] for q in run(text)}
    assert got["a political show"] == "Arvestani foreign ministry"
    assert "Court" in got["could not establish the total number of victims"]


def test_curly_quote_after_a_colon_and_pronoun_speaker(run: Any) -> None:
    text = ("Judiciary spokesman Ali Bagherzadeh spoke to reporters on Saturday. He said: "
            "“Those who were punished were terrorists. There was no massacre.”")
    [q] = direct(run(text))
    assert q.text.startswith("Those who were punished")
    assert q.data["speaker"] == "Ali Bagherzadeh" and q.data["cue"] == "said"


def test_quote_over_paragraphs_opens_each_paragraph_and_closes_at_the_end(run: Any) -> None:
    text = ("Fallahian said in the interview:\n\n“Khomeini himself ordered it. This was his "
            "ruling before and after 1988.\n\n“There was no discussion in this regard. They "
            "must all be executed.”\n\nThe reporter did not ask again.")
    [q] = direct(run(text))
    assert len(q.data["parts"]) == 2
    assert text[slice(*q.data["parts"][1])].endswith("must all be executed.")
    assert q.data["speaker"] == "Fallahian"


def test_interview_labels_name_the_speaker(run: Any) -> None:
    text = "Q: “Were all those executed armed?”\nFallahian: “No, not all of them were armed.”"
    q, a = direct(run(text))
    assert q.data["speaker"] is None and q.data["cue"] == ":"
    assert a.data["speaker"] == "Fallahian"


def test_scare_quotes_and_titles_are_not_quotations(run: Any) -> None:
    text = ('The so-called "reformists" met the "death commission" in Tehran. Amnesty published '
            'a report entitled "Blood-Soaked Secrets: Why Iran\'s 1988 Prison Massacres are '
            'Ongoing Crimes" last year, and the book "A Little Prince in the Land of the '
            'Mullahs" was translated.')
    assert direct(run(text)) == []


def test_a_short_phrase_attributed_by_a_cue_is_a_quotation(run: Any) -> None:
    text = ("Phillip Luther, Amnesty International's director, called the lack of investigation "
            "“an abject failure”.")
    [q] = direct(run(text))
    assert q.text == "an abject failure" and q.data["speaker"] == "Phillip Luther"


def test_nested_quotation_has_its_own_speaker(run: Any) -> None:
    text = ("“Even the White House noticed the rally. “We want to stand with the Iranian "
            "people, we want to stand with them” Vice President Mike Pence told CBS on June 23.” "
            "Mr. Shahin Gobadi added.")
    items = direct(run(text))
    speakers = {it.text[:10]: it.data["speaker"] for it in items}
    assert speakers["Even the W"] == "Shahin Gobadi"
    assert speakers["We want to"] == "Mike Pence"


def test_closing_mark_used_to_open_and_missing_opening_mark(run: Any) -> None:
    text = ("Mr. Shahin Gobadi writes:\n\n” How does Rezaian know the true level of support "
            "that the MEK enjoys inside Iran?”\n\nWe are seeking compensation for the residents "
            "of the camps,” the Nobel laureates’ letter continues.")
    a, b = direct(run(text))
    assert a.text.startswith("How does Rezaian") and a.data["speaker"] == "Shahin Gobadi"
    assert b.text.startswith("We are seeking") and "laureates" in b.data["speaker"]


def test_block_quotation_after_a_cue_and_colon(run: Any) -> None:
    text = ("To that, Blackwell told the crowd:\n\nSo even within the context of human rights, "
            "there is this reluctance to shine light on that atrocity.\n\nThe panel ended.")
    [q] = direct(run(text))
    assert q.text.startswith("So even within") and q.data["speaker"] == "Blackwell"


def test_indirect_attribution_that_clause_and_according_to(run: Any) -> None:
    text = ("The spokesman Ali Bagherzadeh said that the prisoners had been tried according to "
            "the law. At least 177 protests took place in 57 cities, according to Azadi Watch.")
    items = [it for it in run(text) if not it.data["direct"]]
    by_cue = {it.data["cue"]: it for it in items}
    assert by_cue["said"].text == "the prisoners had been tried according to the law"
    assert by_cue["said"].data["speaker"] == "Ali Bagherzadeh"
    assert by_cue["according to"].data["speaker"] == "Azadi Watch"
    assert by_cue["according to"].text.startswith("At least 177 protests")


@pytest.mark.parametrize("word,tag,base", [
    ("said", "VBD", "say"), ("executed", "VBN", "execute"), ("arrested", "VBD", "arrest"),
    ("emphasizing", "VBG", "emphasize"), ("stressed", "VBD", "stress"), ("added", "VBD", "add"),
    ("killed", "VBN", "kill"), ("stopped", "VBD", "stop"), ("carried", "VBD", "carry"),
    ("massacred", "VBN", "massacre"), ("initiated", "VBD", "initiate"), ("hanged", "VBD", "hang"),
    ("writes", "VBZ", "write"), ("decreed", "VBP", "decree"), ("noted", "VBD", "note"),
    ("gathered", "VBD", "gather"), ("tortured", "VBN", "torture"), ("expelled", "VBN", "expel"),
    ("developed", "VBN", "develop"), ("continues", "VBZ", "continue"), ("died", "VBD", "die"),
])
def test_base_forms_without_a_lemmatizer(word: str, tag: str, base: str) -> None:
    from factfinder.extract.attribution import base_form

    assert base_form(word, tag) == base


# -- gold over the seed pages ---------------------------------------------------------------------


def score_seeds() -> dict[str, Any]:
    gold = load_gold("quote")
    pred = seed_items("quote")
    used: set[int] = set()
    matched = speaker_ok = 0
    for g in gold:
        k = next((k for k, (f, s, e, it) in enumerate(pred) if k not in used and f == g["file"]
                  and s < g["end"] and g["start"] < e and it.data["direct"] == g["direct"]), None)
        if k is None:
            continue
        used.add(k)
        matched += 1
        speaker_ok += same_name(pred[k][3].data["speaker"], g["speaker"])
    out: dict[str, Any] = prf(matched, len(pred), len(gold))
    out.update(gold=len(gold), predicted=len(pred), speaker=round(speaker_ok / matched, 3),
               speaker_f1=prf(speaker_ok, len(pred), len(gold))["f1"])
    return out


def test_gold_has_enough_quotations_over_all_seed_files() -> None:
    gold = load_gold("quote")
    assert sum(g["direct"] for g in gold) >= 30
    assert {g["file"] for g in gold} == {p.name for p in SEEDS.glob("*.txt")}


def test_gold_precision_recall_and_speakers() -> None:
    result = score_seeds()
    print(f"\nquotes vs gold: {result}")
    assert result["precision"] >= FLOOR["precision"]
    assert result["recall"] >= FLOOR["recall"]
    assert result["speaker"] >= FLOOR["speaker"]


def test_sample_truth_quotations_and_speakers() -> None:
    truth = json.loads((SAMPLE / "truth" / "quotes.json").read_text(encoding="utf-8"))["quotes"]
    docs = run_chain(str(SAMPLE / "corpus"))
    found = correct = 0
    for t in truth:
        hit = None
        for fname, d, items in docs:
            span = locate(d.text, t["text"]) if fname == t["file"] else None
            if span is None:
                continue
            hit = next((it for it in items if it.kind == "quote" and any(
                a < span[1] and span[0] < b for a, b in it.data["parts"])), None)
            if hit is not None:
                break
        if hit is not None:
            found += 1
            correct += same_entity(hit.data["speaker"], t["speaker"], t.get("speaker_id"))
    print(f"\nquotes vs sample truth: {found}/{len(truth)} found, speaker right for "
          f"{correct}/{found}")
    assert found / len(truth) >= FLOOR["sample_found"]
    assert correct / found >= FLOOR["sample_speaker"]
