"""Numeric claims (``factfinder.extract.claims``).

Unit cases are sentences written here. The gold, ``gold/seeds_claims.json``, marks every numeric
claim of the five seed pages by seed file and character offsets of the number expression with
its qualifier ("more than 30,000"), with ``low``/``high`` (null when open), ``qualifier``,
``counted`` (lower-case plural), ``predicate`` (base form), ``claimant`` (null for the
publisher, whom the seed pages do not name) and ``claimant_source``.

Annotation rules: a claim is a number — digits, number words or a vague quantity — that counts
people, groups, events, places or tallies, stated by someone (headlines and captions included).
Not claims: years, dates, ages, durations, measurements, money, identifiers ("EDM 2333", "Ward
209"), ordinals, hyphenated modifiers ("a four-man commission", "a 15-year sentence"), the word
"one", comparisons ("50 more than"), rates ("in groups of six"), numbers in titles of works,
counts of text objects ("36 articles"), and a definite re-mention of a count the document has
already given ("The 21 Nobel laureates", "those 30,000 political prisoners"). Bounds follow
``vocab/quantities.yaml``: "about/some/nearly N" is low = high = N, approximate; vague words get
dozens 24–99, hundreds 200–999, thousands 2,000–9,999, tens of thousands 20,000–99,999.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from factfinder.extract.base import Context, Item
from tests.extract.test_quotes import (
    SAMPLE,
    load_gold,
    locate,
    prf,
    run_chain,
    same_entity,
    same_name,
    seed_items,
)

# Measured on the seed gold and the sample truth (printed by the tests below), minus a margin.
FLOOR = {"precision": 0.97, "recall": 0.96, "bounds": 0.97, "claimant": 0.90,
         "sample_found": 0.92, "sample_bounds": 0.94, "sample_claimant": 0.72}


@pytest.fixture(scope="module")
def run() -> Any:
    from factfinder.extract.claims import EXTRACTOR
    from factfinder.extract.nlp import load_nlp
    from factfinder.extract.quotes import EXTRACTOR as QUOTES

    nlp = load_nlp()

    def go(text: str, publisher: str | None = "Example News") -> list[Item]:
        doc = nlp(text)
        ctx = Context("d", text, None, "2023-09-24", publisher)
        found: dict[str, list[Item]] = {}
        found["quote"] = QUOTES(doc, ctx, found)
        items = EXTRACTOR(doc, ctx, found)
        keys = {"low", "high", "approximate", "counted", "predicate", "claimant",
                "claimant_source", "qualifier", "original", "date_start", "date_end", "place"}
        for it in items:
            assert it.kind == "claim" and it.label is None
            assert text[it.start:it.end] == it.text and set(it.data) >= keys
        return items

    return go


def test_extractor_protocol() -> None:
    from factfinder.extract.claims import EXTRACTOR

    assert EXTRACTOR.name == "claims" and EXTRACTOR.version


@pytest.mark.parametrize("phrase,span,low,high,qualifier", [
    ("more than 30,000 political prisoners were executed", "more than 30,000", 30000, None,
     "more_than"),
    ("over 100 women were executed", "over 100", 100, None, "more_than"),
    ("at least 268 lorry drivers were arrested", "at least 268", 268, None, "at_least"),
    ("between 2,800 and 3,800 prisoners were killed", "between 2,800 and 3,800", 2800, 3800,
     "range"),
    ("up to 5,000 people were detained", "up to 5,000", None, 5000, "at_most"),
    ("Some 5.2 million Iraqis signed a petition", "Some 5.2 million", 5200000, 5200000,
     "approximate"),
    ("about 3,000 prisoners were executed", "about 3,000", 3000, 3000, "approximate"),
    ("tens of thousands of people were killed", "tens of thousands", 20000, 99999, "vague"),
    ("thousands were dragged into prisons", "thousands", 2000, 9999, "vague"),
    ("dozens of prisoners perished", "dozens", 24, 99, "vague"),
    ("a few hundred terrorists were punished", "a few hundred", 200, 999, "vague"),
    ("some thirty thousand members were massacred", "some thirty thousand", 30000, 30000,
     "approximate"),
    ("More than a hundred thousand members were eliminated", "More than a hundred thousand",
     100000, None, "more_than"),
    ("more than 80 percent of its members were arrested", "more than 80 percent", 80, None,
     "more_than"),
    # "perhaps more" later in the clause opens the upper bound
    ("the bodies of hundreds of prisoners from the prison, perhaps more, were buried there",
     "hundreds", 200, None, "vague"),
    ("30 prisoners or more were hanged", "30", 30, None, "exact"),
    # a verb of exceeding bounds the figure from below
    ("the number of victims exceeded 30,000 people", "exceeded 30,000", 30000, None,
     "more_than"),
    ("the toll has surpassed 1,500 people", "surpassed 1,500", 1500, None, "more_than"),
])
def test_qualifiers_become_bounds(run: Any, phrase: str, span: str, low: int | None,
                                  high: int | None, qualifier: str) -> None:
    [c] = run(phrase + ".")
    assert c.text == span
    assert (c.data["low"], c.data["high"], c.data["qualifier"]) == (low, high, qualifier)
    assert c.data["approximate"] == (qualifier == "approximate")


def test_vague_words_keep_acleds_conservative_figure(run: Any) -> None:
    [c] = run("Security forces detained dozens of people.")
    assert c.data["conservative"] == 12 and (c.data["low"], c.data["high"]) == (24, 99)


def test_two_claims_in_one_phrase_with_what_is_counted(run: Any) -> None:
    a, b = run("At least 177 protests took place in 57 cities during August.")
    assert (a.text, a.data["counted"], a.data["predicate"]) == ("At least 177", "protests", "take")
    assert (b.text, b.data["counted"]) == ("57", "cities")


def test_counted_and_predicate(run: Any) -> None:
    [c] = run("In 1988 the regime executed more than 30,000 political prisoners.")
    assert c.data["counted"] == "political prisoners" and c.data["predicate"] == "execute"
    assert c.data["original"] == "more than 30,000 political prisoners"
    [m] = run("The 1988 massacre of over 30,000 political prisoners shocked the world.")
    assert m.data["predicate"] == "massacre"
    [r] = run("More than 3,000 members and supporters of the MEK were relocated to Albania.")
    assert r.data["counted"] == "members and supporters of the mek"
    assert r.data["predicate"] == "relocate"


def test_a_labelled_count_takes_what_is_counted_from_the_label(run: Any) -> None:
    text = "Total number of protests: 83\n\nLocations: 29 cities in 20 provinces"
    got = {c.text: c.data["counted"] for c in run(text)}
    assert got == {"83": "protests", "29": "cities", "20": "provinces"}


@pytest.mark.parametrize("text", [
    "In 1988 the commission met on 22 July and again on June 22, 2017.",
    "She was aged 17 and he was an 18-year-old student under the age of 18.",
    "The property was valued at $600 million.",
    "EDM 2333 was tabled, and she was held in Ward 209 of Evin Prison.",
    "1. Introduction",
    "A four-man commission imposed a 15-year sentence in the 21st century.",
    "He spent eight years in prison and was held for more than 40 days.",
    "This number is 50 more than the same period in 2016.",
    "Rajavi had written 36 articles, and one of them was famous.",
    "Prisoners were loaded onto trucks in groups of six.",
    "The piece, entitled “New Report: UN Should Investigate Execution of Thousands of Iranian "
    "Dissidents”, was published.",
    "Call +44 20 7946 0958 for details.",
])
def test_not_claims(run: Any, text: str) -> None:
    assert [c.text for c in run(text)] == []


def test_a_definite_re_mention_is_not_a_new_claim(run: Any) -> None:
    got = run("21 Nobel laureates signed a letter. The 21 Nobel laureates praised the report. "
              "The two women were released.")
    assert [c.text for c in got] == ["21"]


def test_a_first_person_claim_is_the_narrators(run: Any) -> None:
    """A testimony's "our ward" is the witness's, not its interviewer's or publisher's."""
    text = ("Witness testimony - Reza Sheikhvand\nInterviewer: Babak Tavassoli\n"
            "Of about 180 men in our ward, 23 survived. The court heard 34 witnesses.")
    got = {c.text: (c.data["claimant"], c.data["claimant_source"])
           for c in run(text, "Babak Tavassoli")}
    assert got["about 180"] == ("Reza Sheikhvand", "narrator")
    assert got["34"] == ("Babak Tavassoli", "publisher")


def test_claimant_quote_attribution_or_publisher(run: Any) -> None:
    text = ("“During last year, at least 268 lorry drivers were arrested in Iran,” Andre "
            "Chassaigne said. At least 177 protests took place in 57 cities, according to Azadi "
            "Watch. The judiciary spokesman Ali Bagherzadeh said that dozens of cases had been "
            "handled. More than 21 people were sentenced to prison.")
    got = {c.text: (c.data["claimant"], c.data["claimant_source"]) for c in run(text)}
    assert got["at least 268"] == ("Andre Chassaigne", "quote")
    assert got["At least 177"] == ("Azadi Watch", "attribution")
    assert got["dozens"] == ("Ali Bagherzadeh", "attribution")
    assert got["More than 21"] == ("Example News", "publisher")


def test_a_verb_of_counting_names_its_source(run: Any) -> None:
    [c] = run("The National Resistance Council puts the number at more than 20,000.")
    assert c.data["claimant_source"] == "attribution"
    assert "National Resistance Council" in c.data["claimant"]


def test_time_and_place_from_the_clause(run: Any) -> None:
    from factfinder.extract.claims import EXTRACTOR
    from factfinder.extract.dates import EXTRACTOR as DATES
    from factfinder.extract.mentions import EXTRACTOR as MENTIONS
    from factfinder.extract.nlp import load_nlp

    text = "On 1 September 2022 security forces detained at least 38 people in Sarvand."
    doc = load_nlp()(text)
    ctx = Context("d", text, None, "2022-09-02", None)
    found: dict[str, list[Item]] = {}
    found["mention"] = MENTIONS(doc, ctx, found)
    found["date"] = DATES(doc, ctx, found)
    found["quote"] = []
    [c] = EXTRACTOR(doc, ctx, found)
    assert c.data["date_start"] == "2022-09-01" and c.data["place"] == "Sarvand"


# -- gold over the seed pages ---------------------------------------------------------------------


def score_seeds() -> dict[str, Any]:
    gold = load_gold("claim")
    pred = seed_items("claim")
    used: set[int] = set()
    matched = bounds = claimant = counted = 0
    for g in gold:
        k = next((k for k, (f, s, e, _) in enumerate(pred) if k not in used and f == g["file"]
                  and s < g["end"] and g["start"] < e), None)
        if k is None:
            continue
        used.add(k)
        matched += 1
        d = pred[k][3].data
        bounds += d["low"] == g["low"] and d["high"] == g["high"]
        if g["claimant_source"] == "publisher":
            claimant += d["claimant_source"] == "publisher" and (
                g["claimant"] is None or same_name(d["claimant"], g["claimant"]))
        else:
            claimant += d["claimant_source"] == g["claimant_source"] and same_name(
                d["claimant"], g["claimant"])
        counted += (d["counted"] or "").split()[-1:] == (g["counted"] or "").split()[-1:]
    out: dict[str, Any] = prf(matched, len(pred), len(gold))
    out.update(gold=len(gold), predicted=len(pred), bounds=round(bounds / matched, 3),
               claimant=round(claimant / matched, 3), counted=round(counted / matched, 3),
               bounds_f1=prf(bounds, len(pred), len(gold))["f1"])
    return out


def test_gold_has_enough_claims_over_all_seed_files() -> None:
    gold = load_gold("claim")
    assert len(gold) >= 40 and len({g["file"] for g in gold}) == 5


def test_gold_precision_recall_bounds_and_claimants() -> None:
    result = score_seeds()
    print(f"\nclaims vs gold: {result}")
    assert result["precision"] >= FLOOR["precision"]
    assert result["recall"] >= FLOOR["recall"]
    assert result["bounds"] >= FLOOR["bounds"]
    assert result["claimant"] >= FLOOR["claimant"]


def test_sample_truth_claims_bounds_and_claimants() -> None:
    truth = json.loads((SAMPLE / "truth" / "claims.json").read_text(encoding="utf-8"))["claims"]
    docs_ = json.loads((SAMPLE / "truth" / "documents.json").read_text(encoding="utf-8"))
    publishers = {d["file"]: d["publisher"] for d in docs_["documents"]}
    docs = run_chain(str(SAMPLE / "corpus"))
    found = bounds = claimant = 0
    for t in truth:
        hit = None
        for fname, d, items in docs:
            span = locate(d.text, t["quote"]) if fname == t["file"] else None
            if span is None:
                continue
            over = [it for it in items if it.kind == "claim"
                    and it.start < span[1] and span[0] < it.end]
            over.sort(key=lambda it: it.data["low"] != t["low"])
            if over:
                hit = over[0]
                break
        if hit is None:
            continue
        found += 1
        d = hit.data
        bounds += d["low"] == t["low"] and d["high"] == t["high"]
        by_publisher = same_entity(publishers[t["file"]], t["claimant"], t.get("claimant_id"))
        claimant += (by_publisher and d["claimant_source"] == "publisher") or same_entity(
            d["claimant"], t["claimant"], t.get("claimant_id"))
    print(f"\nclaims vs sample truth: {found}/{len(truth)} found, bounds right for "
          f"{bounds}/{found}, claimant right for {claimant}/{found}")
    assert found / len(truth) >= FLOOR["sample_found"]
    assert bounds / found >= FLOOR["sample_bounds"]
    assert claimant / found >= FLOOR["sample_claimant"]
