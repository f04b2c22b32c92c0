"""What a ledger entry measures: its subject.

A subject is (measure, unit, event type, time, place, tally part). The measure and the unit
come from the vocabulary ``factfinder/vocab/ledger.yaml`` (read its header for the order of
the rules); time is the date interval stated with the claim (else that of the event it counts,
else a year written in its sentence, Gregorian or Solar Hijri); the place is the place stated
with it, with places that mean "the whole country" counted as no place.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from factfinder.ledger.entries import Entry
from factfinder.ledger.tally import period_of

VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "ledger.yaml"
COARSE_DAYS = 400  # an interval wider than this (a decade, "2014-2021") does not split groups


@dataclass(frozen=True)
class Vocab:
    measures: dict[str, str]
    event_types: dict[str, str]
    predicates: dict[str, str]
    reporting: frozenset[str]
    context: list[tuple[str, re.Pattern[str]]]
    units: dict[str, str]
    unit_measures: dict[str, str]
    countrywide: frozenset[str]


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    raw: dict[str, Any] = yaml.safe_load(VOCAB.read_text(encoding="utf-8"))
    context = [(m, re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+")
                                                  for w in words) + r")", re.I))
               for m, words in raw["context"].items()]
    units = {str(w).lower(): u for u, words in raw["units"].items() for w in words}
    return Vocab(measures=dict(raw["measures"]), event_types=dict(raw["event_types"]),
                 predicates=dict(raw["predicates"]), reporting=frozenset(raw["reporting"]),
                 context=context, units=units, unit_measures=dict(raw["unit_measures"]),
                 countrywide=frozenset(str(p).lower() for p in raw["countrywide"]))


@dataclass(frozen=True)
class Subject:
    measure: str | None
    unit: str | None
    event_type: str | None
    start: str | None  # ISO dates of the time interval, or None
    end: str | None
    place: str | None  # normalised (lower case), None for the whole country or unstated
    part: str | None  # a tally's part: "category:workers", "place:golvar"; None otherwise
    how: str  # which rule gave the measure: unit / event / predicate / context / none

    @property
    def coarse(self) -> bool:
        return self.start is None or self.end is None or _days(self.start, self.end) > COARSE_DAYS

    def key(self) -> tuple[str, str, str]:
        return (self.measure or "?", self.unit or "?", self.part or "")

    def label(self) -> str:
        v = vocab()
        bits = [v.measures.get(self.measure or "", self.measure or "unknown measure"),
                self.unit or "unknown unit"]
        if self.part:
            bits.append(self.part.replace(":", " ", 1))
        if self.start:
            bits.append(period(self.start, self.end or self.start))
        if self.place:
            bits.append(self.place)
        return " · ".join(bits)

    def as_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "unit": self.unit, "event_type": self.event_type,
                "date_start": self.start, "date_end": self.end, "place": self.place,
                "part": self.part, "rule": self.how, "label": self.label()}


def _days(a: str, b: str) -> int:
    try:
        return (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days
    except ValueError:
        return 10**6


def period(start: str, end: str) -> str:
    """ "1988", "1988-08", "2023-08-23/2023-09-22" for display."""
    if start[5:] == "01-01" and end[5:] == "12-31":
        return start[:4] if start[:4] == end[:4] else f"{start[:4]}–{end[:4]}"
    if start[:7] == end[:7] and start[8:] == "01":
        return start[:7]
    return start if start == end else f"{start}/{end}"


NAMES_OF = re.compile(r"\bnames\s+of\s+(?:the\s+)?$", re.I)
KEY_LABEL = re.compile(r"([A-Za-z][^:\n]{1,80}?)\s*:\s*(?:at least|more than|over|about|some)?"
                       r"\s*$", re.I)
NUMBER_CUE = re.compile(r"\b(?:number|figure|toll|total|count)\b", re.I)
OTHER = re.compile(r"\bother\b", re.I)
PARTITIVE = re.compile(r"\s+of\s+(?:those|them|whom|these|my|his|her|our|their)\b", re.I)


def _partitive(e: Entry) -> bool:
    at = e.sentence.find(e.text)
    return at >= 0 and PARTITIVE.match(e.sentence, at + len(e.text)) is not None


PERSON_MEASURES = frozenset({"killed", "detained", "disappeared", "tortured", "flogged",
                             "sentenced", "imprisoned", "survived", "gathered", "buried"})


def _lookup(phrase: str, v: Vocab) -> str | None:
    head_part = re.split(r",|\s+(?:and|or)\s+", phrase.split(" of ")[0])[0].strip()
    words = head_part.split()
    for cand in (head_part, words[-1] if words else ""):
        if cand in v.units:
            return v.units[cand]
    return None


def _singular(word: str) -> str:
    """ "casualties" → casualty, "witnesses" → witness, "attempts" → attempt."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def unit_of(e: Entry, v: Vocab) -> str | None:
    """The unit: the head noun of what is counted ("names of prisoners" → names); "the names
    of at least 4,400 prisoners" counts names; a table line "Total number of protests: 41"
    counts what its label names. None when nothing says."""
    at = e.sentence.find(e.text)
    prefix = e.sentence[:at] if at >= 0 else ""
    if NAMES_OF.search(prefix):
        return "names"
    phrase = (e.counted or "").lower().strip()
    if phrase:
        got = _lookup(phrase, v)
        if got:
            return got
        first = re.split(r",|\s+(?:and|or)\s+", phrase.split(" of ")[0])[0].split()
        head = first[-1] if first else ""
        if not head:
            return None
        return _singular(head)
    label = KEY_LABEL.search(prefix)
    if label:
        key = label.group(1).lower()
        m = re.search(r"number of\s+([a-z]+)", key)
        for w in ([m.group(1)] if m else []) + re.findall(r"[a-z]+", key):
            if w in v.units:
                return v.units[w]
    return None


def _measure(e: Entry, unit: str | None, v: Vocab) -> tuple[str | None, str]:
    if unit in v.unit_measures:
        return v.unit_measures[unit], "unit"
    if e.event_type and e.event_type in v.event_types:
        return v.event_types[e.event_type], "event"
    pred = (e.predicate or "").lower()
    if pred in v.predicates and pred not in v.reporting:
        return v.predicates[pred], "predicate"
    got = _from_context(e, v)
    if got:
        return got, "context"
    if pred in v.predicates:
        return v.predicates[pred], "predicate"
    return None, "none"


def _from_context(e: Entry, v: Vocab) -> str | None:
    """The measure whose cue stands nearest to the number in its sentence, else the last cue
    of the paragraph before it."""
    s = e.sentence
    at = s.find(e.text)
    at = at if at >= 0 else len(s) // 2
    best: tuple[int, str] | None = None
    for m, rx in v.context:
        for hit in rx.finditer(s):
            if e.text and at <= hit.start() < at + len(e.text):
                continue
            dist = hit.start() - (at + len(e.text)) if hit.start() >= at else at - hit.end()
            if best is None or dist < best[0]:
                best = (dist, m)
    if best:
        return best[1]
    last: tuple[int, str] | None = None
    for m, rx in v.context:
        for hit in rx.finditer(e.before):
            if last is None or hit.start() > last[0]:
                last = (hit.start(), m)
    return last[1] if last else None


YEAR = re.compile(r"(?<![\d,.])(1[3][0-9]{2}|19[0-9]{2}|20[0-4][0-9])(?![\d,])")


def _time(e: Entry) -> tuple[str | None, str | None]:
    if e.date_start:
        start, end = str(e.date_start)[:10], str(e.date_end or e.date_start)[:10]
        if e.tally and start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
            month = period_of({"date_start": start, "date_end": end},
                              f"{e.title or ''} {e.sentence}")
            if len(month) == 7:  # a report "During August" of a year: that month
                last = calendar.monthrange(int(month[:4]), int(month[5:]))[1]
                return f"{month}-01", f"{month}-{last:02d}"
        return start, end
    years = [int(y) for y in YEAR.findall(e.sentence)]
    if not years:
        return None, None
    y = years[0]
    if y < 1500:  # Solar Hijri: 1367 → 21 March 1988 – 20 March 1989
        return f"{y + 621}-03-21", f"{y + 622}-03-20"
    return f"{y}-01-01", f"{y}-12-31"


def subject_of(e: Entry) -> Subject:
    v = vocab()
    unit = unit_of(e, v)
    if e.tally and e.tally.get("tally") in ("category", "place"):
        unit = "protests"  # a protest report's parts count protests
    measure, how = _measure(e, unit, v)
    at = e.sentence.find(e.text)
    bare = re.fullmatch(r"[\d,.\s]+", e.original or e.text or "") is not None and not (
        at >= 0 and NUMBER_CUE.search(e.sentence[:at]))  # "the number exceeded 30,000"
    if unit is None and measure in PERSON_MEASURES and not bare:
        unit = "people"  # "more than 20,000 were executed"; a bare table cell says nothing
    start, end = _time(e)
    place = " ".join((e.place or "").lower().split()) or None
    if place in v.countrywide or any(p in e.sentence.lower() for p in v.countrywide if " " in p):
        place = None
    part = None
    if not e.numeric:
        # that something happened to somebody, not how many: grouped apart from counts, by
        # the first victim named (an entity when resolution linked the name)
        victims = e.extra.get("victim_keys") or []
        part = f"event:{victims[0]}" if victims else "event"
    elif OTHER.search(e.original or "") or _partitive(e):
        part = "subset"  # "57 other victims", "20 of those detained": part of another count
    if e.tally and e.tally.get("tally") == "category" and e.tally.get("category"):
        part = f"category:{e.tally['category']}"
    elif e.tally and e.tally.get("tally") == "place" and e.tally.get("place"):
        part = f"place:{str(e.tally['place']).lower()}"
    return Subject(measure=measure, unit=unit, event_type=e.event_type, start=start, end=end,
                   place=place, part=part, how=how)


def assign(entries: list[Entry]) -> None:
    for e in entries:
        e.subject = subject_of(e)
