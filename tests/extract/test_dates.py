"""Dates (factfinder/extract/dates.py): unit cases, the seed gold and the sample's ground truth.

Gold conventions (tests/extract/gold/seeds_dates.json) are those of the module docstring of
factfinder/extract/dates.py. The seed pages carry no publication date, so expressions relative
to it ("last year", "on Thursday") are gold with precision "relative" and null dates; a date
without a year ("September 8th") is gold with the year a careful reader gets from the text (and
"relative" when the text does not tell).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from factfinder.extract.base import Context, Item
from factfinder.extract.dates import EXTRACTOR, parse

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
GOLD = Path(__file__).resolve().parent / "gold" / "seeds_dates.json"
SAMPLE = ROOT / "sample"


def one(text: str, published: str | None = None) -> dict[str, Any]:
    items = parse(text, published)
    assert len(items) == 1, [i.text for i in items]
    return {"text": items[0].text, **items[0].data}


def found(text: str, published: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(i.text, i.data["date_start"], i.data["date_end"]) for i in parse(text, published)]


@pytest.mark.parametrize(
    ("text", "words", "start", "end", "precision"),
    [
        ("On 20 June 1981 they marched.", "20 June 1981", "1981-06-20", "1981-06-20", "day"),
        ("On June 20, 1981 they marched.", "June 20, 1981", "1981-06-20", "1981-06-20", "day"),
        ("It was on the 20th of June, 1981.", "the 20th of June, 1981", "1981-06-20",
         "1981-06-20", "day"),
        ("Saturday, 22 July 2017", "Saturday, 22 July 2017", "2017-07-22", "2017-07-22", "day"),
        ("In July 1988 the killings began.", "July 1988", "1988-07-01", "1988-07-31", "month"),
        ("It happened in 1988.", "1988", "1988-01-01", "1988-12-31", "year"),
        ("Iran’s 1988massacre", "1988", "1988-01-01", "1988-12-31", "year"),
        ("since the 1980s", "the 1980s", "1980-01-01", "1989-12-31", "decade"),
        ("in the early 1990s", "the early 1990s", "1990-01-01", "1993-12-31", "approximate"),
        ("in the late 90s", "the late 90s", "1996-01-01", "1999-12-31", "approximate"),
        ("in the summer of 1988,", "the summer of 1988", "1988-06-21", "1988-09-22", "season"),
        ("the summer 1988 massacre", "summer 1988", "1988-06-21", "1988-09-22", "season"),
        ("in the fall of 1976", "the fall of 1976", "1976-09-23", "1976-12-20", "season"),
        ("the winter of 1988", "the winter of 1988", "1988-12-21", "1989-03-19", "season"),
        ("between July and September 1988,", "between July and September 1988", "1988-07-01",
         "1988-09-30", "month"),
        ("Between late July and late September 1988", "Between late July and late September 1988",
         "1988-07-21", "1988-09-30", "approximate"),
        ("from 2013 to 2019", "from 2013 to 2019", "2013-01-01", "2019-12-31", "year"),
        ("executions 2013-2019", "2013-2019", "2013-01-01", "2019-12-31", "year"),
        ("in 1988–89", "1988–89", "1988-01-01", "1989-12-31", "year"),
        ("on 20–25 July 1988", "20–25 July 1988", "1988-07-20", "1988-07-25", "day"),
        ("between 30 July and 16 August 1988", "between 30 July and 16 August 1988",
         "1988-07-30", "1988-08-16", "day"),
        ("in August and September 1971,", "August and September 1971", "1971-08-01",
         "1971-09-30", "month"),
        ("in the first week of July 2023", "the first week of July 2023", "2023-07-01",
         "2023-07-07", "approximate"),
        ("since the beginning of 2017", "the beginning of 2017", "2017-01-01", "2017-04-30",
         "approximate"),
        ("in mid-2019", "mid-2019", "2019-05-01", "2019-08-31", "approximate"),
        ("dated 2019-09-04", "2019-09-04", "2019-09-04", "2019-09-04", "day"),
        ("Copyright © 2018 All Rights Reserved", "2018", "2018-01-01", "2018-12-31", "year"),
    ],
)
def test_gregorian_expressions(text: str, words: str, start: str, end: str,
                               precision: str) -> None:
    got = one(text)
    assert (got["text"], got["date_start"], got["date_end"], got["precision"]) == (
        words, start, end, precision)
    assert got["calendar"] == "gregorian" and got["relative"] is False
    assert got["original"] == words


@pytest.mark.parametrize(
    ("text", "words", "start", "end", "precision"),
    [
        ("He was arrested on 30 Khordad 1360.", "30 Khordad 1360", "1981-06-20", "1981-06-20",
         "day"),
        ("executed in Mordad 1367", "Mordad 1367", "1988-07-23", "1988-08-22", "month"),
        ("executed in Amordad 1367", "Amordad 1367", "1988-07-23", "1988-08-22", "month"),
        ("the Iranian massacre of 1367", "1367", "1988-03-21", "1989-03-20", "year"),
        ("death note dated ۱۳۶۷/۰۶/۰۵.", "۱۳۶۷/۰۶/۰۵", "1988-08-27", "1988-08-27", "day"),
        ("list B: 1367/05/12", "1367/05/12", "1988-08-03", "1988-08-03", "day"),
        ("تاریخ ۳۰ خرداد ۱۳۶۰", "۳۰ خرداد ۱۳۶۰", "1981-06-20", "1981-06-20", "day"),
        ("in Mordad and Shahrivar 1367,", "Mordad and Shahrivar 1367", "1988-07-23",
         "1988-09-22", "month"),
        ("in Iran in the summer of 1367", "the summer of 1367", "1988-06-22", "1988-09-22",
         "season"),
        ("until the end of Shahrivar 1367", "the end of Shahrivar 1367", "1988-09-12",
         "1988-09-22", "approximate"),
        ("a prisoner in Tehran from 1362 to 1370.", "from 1362 to 1370", "1983-03-21",
         "1992-03-20", "year"),
        ("On Thursday, 9 Shahrivar 1402 they met.", "Thursday, 9 Shahrivar 1402", "2023-08-31",
         "2023-08-31", "day"),
    ],
)
def test_solar_hijri_expressions(text: str, words: str, start: str, end: str,
                                 precision: str) -> None:
    got = one(text)
    assert (got["text"], got["date_start"], got["date_end"], got["precision"]) == (
        words, start, end, precision)
    assert got["calendar"] == "solar_hijri"


def test_a_13xx_year_is_solar_hijri_only_in_an_iranian_text() -> None:
    assert found("The plague reached the town in 1367, in the summer of 1367.") == []
    assert found("In Iran the year 1367 was the worst.") == [
        ("1367", "1988-03-21", "1989-03-20")]


def test_date_pairs_in_both_calendars() -> None:
    assert found("began on 7 Mordad 1367 (29 July 1988), one day after") == [
        ("7 Mordad 1367", "1988-07-29", "1988-07-29"),
        ("29 July 1988", "1988-07-29", "1988-07-29"),
    ]


PUBLISHED = "2019-09-04"  # a Wednesday


@pytest.mark.parametrize(
    ("text", "words", "start", "end", "precision"),
    [
        ("The meeting took place on Thursday.", "Thursday", "2019-08-29", "2019-08-29", "day"),
        ("He spoke last Wednesday.", "last Wednesday", "2019-08-28", "2019-08-28", "day"),
        ("They were arrested last month.", "last month", "2019-08-01", "2019-08-31", "month"),
        ("He was released yesterday.", "yesterday", "2019-09-03", "2019-09-03", "day"),
        ("This week, the US acted.", "This week", "2019-09-02", "2019-09-08", "week"),
        ("It began two years ago.", "two years ago", "2017-01-01", "2017-12-31", "year"),
        ("Fifty- four years ago, the MEK", "Fifty- four years ago", "1965-01-01", "1965-12-31",
         "year"),
        ("gatherings earlier this year.", "earlier this year", "2019-01-01", "2019-09-04",
         "approximate"),
        ("In the past eight months, protests", "the past eight months", "2019-01-04",
         "2019-09-04", "approximate"),
        ("In June last year, the plot", "June last year", "2018-06-01", "2018-06-30", "month"),
        ("a file unveiled last September", "last September", "2018-09-01", "2018-09-30",
         "month"),
        ("in Tehran this spring", "this spring", "2019-03-20", "2019-06-20", "season"),
        ("a statement on 31 August", "31 August", "2019-08-31", "2019-08-31", "day"),
        ("protests in the month of August", "the month of August", "2019-08-01", "2019-08-31",
         "month"),
    ],
)
def test_relative_to_the_publication_date(text: str, words: str, start: str, end: str,
                                          precision: str) -> None:
    got = one(text, PUBLISHED)
    assert (got["text"], got["date_start"], got["date_end"], got["precision"]) == (
        words, start, end, precision)
    assert got["relative"] is True and got["anchor"] == "published"
    unresolved = one(text)
    assert unresolved["text"] == words and unresolved["precision"] == "relative"
    assert unresolved["date_start"] is None and unresolved["date_end"] is None


def test_dates_without_a_year_borrow_it_from_the_text() -> None:
    text = "On September 4, 2019 they were summoned. When they came on September 8th, bail rose."
    assert found(text)[1] == ("September 8th", "2019-09-08", "2019-09-08")
    text = "In Shahrivar 1367 the commission came. On 9 Shahrivar they flogged us."
    assert found(text)[1] == ("9 Shahrivar", "1988-08-31", "1988-08-31")
    # the Gregorian date in brackets takes the year of the Solar Hijri one before it
    text = "REPORT: protests in Shahrivar 1402.\n\nThursday, 9 Shahrivar (31 August): a strike."
    assert found(text)[1:] == [("Thursday, 9 Shahrivar", "2023-08-31", "2023-08-31"),
                               ("31 August", "2023-08-31", "2023-08-31")]
    # a weekday picks the year when the reference is far away
    text = "On February 13, 2019 they met." + " x" * 3000 + " On Wednesday, December 26th, a."
    assert found(text)[1] == ("Wednesday, December 26th", "2018-12-26", "2018-12-26")


@pytest.mark.parametrize(
    "text",
    [
        "more than 30,000 political prisoners were executed",
        "at least 1,000 political prisoners",
        "Early Day Motion EDM 2333 was tabled",
        "Police said 2000 people were arrested.",
        "see page 1988 of the report",
        "at least 1500 prisoners",
        "The meeting started at 10:30.",
        "She was 18 years old, the age of 18.",
        "a 15-year sentence after eight years in prison and four decades of repression",
        "the Tehran Friday prayers sermon; every Friday they gather",
        "the worst crime of the 21st century",
        "see https://example.com/2019/09/04/report-1988.html",
        "Iran’s Mehr News Agency reported",
        "In their 20s they joined.",
        "the past years and recent years",
        "the last day of a five-day event",
        "Bahman Farzaneh, an Iranian lawyer",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert found(text) == []


def test_items_are_spans_of_the_text_and_the_extractor_follows_the_protocol() -> None:
    text = ("Saturday, 22 July 2017\n\nIn the summer of 1988, Iran executed more than 30,000. "
            "On 30 Khordad 1360 (20 June 1981) and last year.")
    ctx = Context("d1", text, published="2017-07-22T10:00:00+04:30")
    items = EXTRACTOR(None, ctx, {})  # type: ignore[arg-type]
    assert EXTRACTOR.name == "dates" and EXTRACTOR.version
    assert [i.text for i in items] == ["Saturday, 22 July 2017", "the summer of 1988",
                                       "30 Khordad 1360", "20 June 1981", "last year"]
    for item in items:
        assert isinstance(item, Item) and item.kind == "date"
        assert item.text == text[item.start:item.end] == item.data["original"]
        assert item.label == item.data["precision"]
        assert set(item.data) == {"date_start", "date_end", "precision", "calendar", "original",
                                  "relative", "anchor"}
        assert 0 < item.confidence <= 1
    assert items[-1].data["date_start"] == "2016-01-01"


def test_expressions_do_not_cross_paragraphs() -> None:
    assert [t for t, _, _ in found("Report of June\n\n20 people were killed in 1988.")] == [
        "June", "1988"]


# -- the seed gold ---------------------------------------------------------------------------


def _load_gold() -> tuple[list[dict[str, Any]], dict[str, str]]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not present")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    texts = {f: (SEEDS / f).read_text(encoding="utf-8") for f in {g["file"] for g in gold}}
    for g in gold:
        span = texts[g["file"]][g["start"]:g["end"]]
        assert hashlib.sha256(span.encode("utf-8")).hexdigest()[:8] == g["check"], g
    return gold, texts


def evaluate_seeds() -> dict[str, float]:
    """Exact-span precision/recall/F1 over the five seed files, and the share of matched spans
    whose interval and precision are right."""
    gold, texts = _load_gold()
    want = {(g["file"], g["start"], g["end"]): g for g in gold}
    got: dict[tuple[str, int, int], Item] = {}
    for name, text in texts.items():
        for item in parse(text):
            got[(name, item.start, item.end)] = item
    hits = set(want) & set(got)
    right = sum(1 for k in hits if all(got[k].data[f] == want[k][f] for f in (
        "date_start", "date_end", "precision", "calendar")))
    p, r = len(hits) / len(got), len(hits) / len(want)
    return {"gold": len(want), "found": len(got), "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r), "intervals": right / len(hits)}


def test_quality_on_the_seed_gold() -> None:
    m = evaluate_seeds()
    print(f"\ndates on seeds gold: {m['gold']} gold, {m['found']} found, P {m['precision']:.3f} "
          f"R {m['recall']:.3f} F1 {m['f1']:.3f}, correct intervals {m['intervals']:.3f}")
    assert m["gold"] >= 60
    assert m["precision"] >= 0.97 and m["recall"] >= 0.97 and m["f1"] >= 0.97
    assert m["intervals"] >= 0.96


# -- the sample's ground truth ----------------------------------------------------------------

SH_MONTHS = "Farvardin|Ordibehesht|Khordad|Tir|Mordad|Shahrivar|Mehr|Aban|Azar|Dey|Bahman|Esfand"
PAIR = re.compile(rf"\b(\d{{1,2}} (?:{SH_MONTHS}) \d{{4}}) \((\d{{1,2}} [A-Z][a-z]+ \d{{4}})\)")


@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The sample corpus as factfinder ingests it: every document's clean text and date."""
    from factfinder.db import Database
    from factfinder.documents import get_document, list_documents
    from factfinder.intake.pipeline import IngestOptions, Ingestor
    from factfinder.intake.types import Limits
    from factfinder.store import EvidenceStore

    if not (SAMPLE / "corpus").is_dir():
        pytest.skip("sample/corpus is not present")
    root = tmp_path_factory.mktemp("sample")
    db = Database(f"sqlite:///{root / 'case.db'}")
    opts = IngestOptions(collector="test", limits=Limits(), jobs=1)
    Ingestor(db, EvidenceStore(root / "evidence"), opts).run([str(SAMPLE / "corpus")])
    with db.read() as conn:
        docs = [get_document(conn, d["id"]) for d in list_documents(conn)]
    db.close()
    return [d for d in docs if d is not None and d["kind"] != "page"]


def evaluate_sample(docs: list[dict[str, Any]]) -> dict[str, float]:
    """Two checks against the sample's truth, which lists no complete set of dates (so no
    precision): every "D Month YYYY (D Month YYYY)" pair of Solar Hijri and Gregorian dates in
    the texts (both sides found with exact spans and converted to the Gregorian date written);
    and the date words of the events in truth/events.json that are one date expression with an
    interval of its own (recall of the words, share of right intervals)."""
    items = {d["id"]: parse(d["text"], d["published"]) for d in docs}
    pairs = pair_ok = 0
    for d in docs:
        spans = {(i.start, i.end): i for i in items[d["id"]]}
        for m in PAIR.finditer(d["text"]):
            pairs += 1
            day = dt.datetime.strptime(m[2], "%d %B %Y").date().isoformat()
            # the Solar Hijri side may carry its weekday ("Thursday, 9 Shahrivar 1402 (…)")
            sides = [spans.get(m.span(2))] + [
                i for (a, z), i in spans.items() if z == m.end(1) and re.fullmatch(
                    r"(?:[A-Z][a-z]+day, )?", d["text"][a:m.start(1)])]
            pair_ok += len(sides) == 2 and all(
                s is not None and s.data["date_start"] == s.data["date_end"] == day for s in sides)
    events = json.loads((SAMPLE / "truth" / "events.json").read_text(encoding="utf-8"))["events"]
    expected = set()
    for e in events:
        words = e.get("date_text") or ""
        if (not words or not e["date_end"] or re.search(r"\.\.\.|;|^(?:From|For|After|That)\b"
                                                         r"|\bthose\b|\bweek\b", words)
                or (e["date_precision"] not in ("day", "month", "year") and "summer" not in words)
                or (e["date_precision"] == "day" and e["date_start"] != e["date_end"])):
            continue
        parts = re.fullmatch(r"(.+) \((.+)\)", words)
        for w in parts.groups() if parts else (words,):
            w = re.sub(r"^(?:[Ii]n) ", "", w)
            expected.add((e["file"], w, e["date_start"], e["date_end"]))
    seen = right = 0
    for file, words, start, end in sorted(expected):
        hits = [i for d in docs if d["filename"] == file for i in items[d["id"]]
                if i.text == words]
        seen += bool(hits)
        right += any((i.data["date_start"], i.data["date_end"]) == (start, end) for i in hits)
    return {"pairs": pairs, "pairs_ok": pair_ok / pairs, "event_dates": len(expected),
            "recall": seen / len(expected), "intervals": right / len(expected)}


def test_quality_on_the_sample_truth(sample_docs: list[dict[str, Any]]) -> None:
    m = evaluate_sample(sample_docs)
    print(f"\ndates on the sample: {m['pairs']} date pairs, {m['pairs_ok']:.3f} right; "
          f"{m['event_dates']} event dates, recall {m['recall']:.3f}, "
          f"right intervals {m['intervals']:.3f}")
    assert m["pairs"] >= 20 and m["pairs_ok"] == 1.0
    assert m["recall"] >= 0.95 and m["intervals"] >= 0.9
