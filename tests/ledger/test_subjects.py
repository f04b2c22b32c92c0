"""What a claim measures: the vocabulary's rules on hand-made entries."""

from __future__ import annotations

from typing import Any

from factfinder.ledger.entries import Entry
from factfinder.ledger.subjects import _singular, subject_of


def entry(sentence: str, text: str, **kw: Any) -> Entry:
    base: dict[str, Any] = dict(
        id="c1", kind="claim", document_id="d1", start=0, end=len(text), source_start=0,
        source_end=len(text), text=text, original=text, low=1.0, high=1.0, qualifier="exact",
        approximate=False, conservative=None, counted=None, predicate=None, claimant=None,
        claimant_source=None, publisher="P", publisher_known=True, publisher_key="name:p",
        published=None, duplicate_group=None, doc_pk=1, sentence=sentence)
    base.update(kw)
    return Entry(**base)


def test_measure_from_predicate_event_and_context() -> None:
    s = subject_of(entry("30,000 political prisoners were massacred in 1988.",
                         "30,000 political prisoners", counted="political prisoners",
                         predicate="massacre"))
    assert (s.measure, s.unit, s.how, s.start, s.end) == (
        "killed", "people", "predicate", "1988-01-01", "1988-12-31")
    s = subject_of(entry("The NRCA puts the number at more than 20,000.", "more than 20,000",
                         predicate="put", before="Thousands were executed in 1367. "))
    assert (s.measure, s.unit, s.how) == ("killed", "people", "context")
    s = subject_of(entry("Six of my cellmates were executed.", "Six", counted="cellmates",
                         event_type="execution"))
    assert (s.measure, s.part) == ("killed", "subset")


def test_units() -> None:
    s = subject_of(entry("It holds the names of at least 4,400 prisoners executed in 1988.",
                         "at least 4,400 prisoners", counted="prisoners", predicate="hold"))
    assert (s.measure, s.unit) == ("documented", "names")
    s = subject_of(entry("Total number of protests: 41", "41"))
    assert s.unit == "protests" and s.measure == "protests"
    bare = subject_of(entry("| 26 | 1988 |", "26", predicate=None))
    assert bare.unit is None
    assert subject_of(entry("In 1367 they were buried here.", "3", counted="graves")).start == \
        "1988-03-21"


def test_whole_country_is_no_place() -> None:
    s = subject_of(entry("about 3,000 prisoners were executed in the whole country",
                         "about 3,000 prisoners", counted="prisoners", predicate="execute",
                         place="Dezhkan"))
    assert s.place is None
    assert subject_of(entry("x", "5 men", counted="men", place="Golvar")).place == "golvar"


def test_singular() -> None:
    assert [_singular(w) for w in ("casualties", "witnesses", "attempts", "census")] == [
        "casualty", "witness", "attempt", "census"]
