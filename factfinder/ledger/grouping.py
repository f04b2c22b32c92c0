"""Grouping ledger entries that are about the same quantity.

Entries are first keyed by (measure, unit, tally part) — see :mod:`factfinder.ledger.subjects`
— and each key is then cut by time:

1. entries with a precise interval (a day, a month, a year) are merged while their intervals
   overlap (sweeping them in date order);
2. entries whose interval is coarse (a decade, "2014–2021") are about another period than a
   day, month or year: they are merged among themselves the same way;
3. entries with no time at all join the largest group of their key (the quantity their words
   name is most often the one the case is about) whose figures are within an order of
   magnitude of theirs ("six of my cellmates" is not a national toll); the others are grouped
   by order of magnitude;
4. an entry whose unit is unknown (a bare number in a table) is a group of its own: nothing
   says what it counts, so nothing is grouped with it;
5. within a group, entries that name a specific place (not the whole country) that the
   group's other dated entries do not share stay together only with entries of that place.

A group's id is derived from its key and its period, so the same extraction gives the same ids
on every run; analysts' decisions (move, split) are applied afterwards by
:mod:`factfinder.ledger.decisions` and keep their ids.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from factfinder.ledger.entries import Entry
from factfinder.ledger.subjects import Subject

MAGNITUDE = 10.0
NEAR_KM = 25.0


@dataclass
class Group:
    id: str
    key: tuple[str, str, str]
    entries: list[Entry] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    place: str | None = None
    decided: list[int] = field(default_factory=list)  # decisions that shaped it
    origin: str = "algorithm"  # algorithm / split / move

    @property
    def subject(self) -> Subject:
        measure, unit, part = self.key
        types = [e.event_type for e in self.entries if e.event_type]
        etype = max(sorted(set(types)), key=types.count) if types else None
        return Subject(measure=None if measure == "?" else measure,
                       unit=None if unit == "?" else unit, event_type=etype, start=self.start,
                       end=self.end, place=self.place, part=part or None, how="group")

    def refresh(self) -> None:
        """Period and place from the entries (precise intervals first)."""
        fine = [e.subject for e in self.entries if e.subject and not e.subject.coarse]
        dated = fine or [e.subject for e in self.entries if e.subject and e.subject.start]
        self.start = min((s.start for s in dated if s.start), default=None)
        self.end = max((s.end for s in dated if s.end), default=None)
        places = sorted({e.subject.place for e in self.entries if e.subject.place})
        unplaced = any(e.subject.place is None for e in self.entries)
        self.place = places[0] if len(places) == 1 else (
            "; ".join(places) if places and not unplaced else None)


def group_id(key: tuple[str, str, str], start: str | None, end: str | None,
             place: str | None) -> str:
    raw = json.dumps([*key, start, end, place], ensure_ascii=False)
    return "g" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:11]


def _sweep(items: list[Entry]) -> list[list[Entry]]:
    """Merge entries whose intervals overlap (sorted sweep)."""
    items = sorted(items, key=lambda e: (e.subject.start, e.subject.end, e.id))
    out: list[list[Entry]] = []
    end = ""
    for e in items:
        if out and e.subject.start <= end:
            out[-1].append(e)
            end = max(end, e.subject.end)
        else:
            out.append([e])
            end = e.subject.end
    return out


def _span(members: list[Entry]) -> tuple[str, str]:
    return (min(e.subject.start for e in members), max(e.subject.end for e in members))


def near(a: Entry, b: Entry) -> bool:
    """Whether two entries' places may hold one another or be the same: the same name, or
    places of different kinds (a cemetery in a city) less than NEAR_KM apart, or of unknown
    kind or position."""
    if a.subject.place == b.subject.place:
        return True
    pa, pb = a.place_info or (None, None, None), b.place_info or (None, None, None)
    if pa[0] and pa[0] == pb[0]:
        return False  # two cities, two prisons: different places
    if None in (pa[1], pa[2], pb[1], pb[2]):
        return True
    dlat = (pa[1] or 0.0) - (pb[1] or 0.0)
    dlon = ((pa[2] or 0.0) - (pb[2] or 0.0)) * math.cos(math.radians(pa[1] or 0.0))
    return math.hypot(dlat, dlon) * 111.0 < NEAR_KM


def _by_place(members: list[Entry]) -> list[list[Entry]]:
    """Split off entries about a specific place when the group is about the whole country or
    about another place (step 5)."""
    places = {e.subject.place for e in members}
    if len(places) <= 1:
        return [members]
    counts: dict[str | None, int] = {}
    for e in members:
        counts[e.subject.place] = counts.get(e.subject.place, 0) + 1
    main = max(counts, key=lambda p: (counts[p], p is None, p or ""))
    if counts[main] * 2 <= len(members) and None in counts:
        main = None
    anchor = next((e for e in members if e.subject.place == main), None)
    out: list[list[Entry]] = [[]]
    for e in members:
        if e.subject.place is None or e.subject.place == main or (
                main is not None and anchor is not None and near(e, anchor)):
            out[0].append(e)
            continue
        for part in out[1:]:
            if near(e, part[0]):
                part.append(e)
                break
        else:
            out.append([e])
    return [p for p in out if p]


def _value(e: Entry) -> float | None:
    if e.low is not None and e.high is not None:
        return (e.low + e.high) / 2
    return e.low if e.low is not None else e.high


def _fits(e: Entry, cluster: list[Entry]) -> bool:
    """Whether an undated entry's figure is within an order of magnitude of the figures of a
    group's dated entries (between its lower and upper quartile): a count of six is not a
    national death toll."""
    if not e.numeric:
        return True
    figures = sorted(v for v in (_value(x) for x in cluster) if v is not None)
    if not figures:
        return True
    q1 = figures[(len(figures) - 1) // 4]
    q3 = figures[len(figures) - 1 - (len(figures) - 1) // 4]
    elo = e.low if e.low is not None else 0.0
    ehi = e.high if e.high is not None else float("inf")
    return elo <= q3 * MAGNITUDE and q1 / MAGNITUDE <= ehi


def _band(e: Entry) -> int:
    v = _value(e)
    return int(math.floor(math.log10(v))) if v and v > 0 else -1


def group_entries(entries: list[Entry]) -> list[Group]:
    by_key: dict[tuple[str, str, str], list[Entry]] = {}
    for e in entries:
        by_key.setdefault(e.subject.key(), []).append(e)
    groups: list[Group] = []
    for key in sorted(by_key):
        members = by_key[key]
        if key[1] == "?" and not key[2].startswith("event"):
            # a bare number ("26" in a table) says nothing of what it counts: never grouped
            for e in sorted(members, key=_order):
                g = Group(id="", key=key, entries=[e])
                g.refresh()
                g.id = group_id(key, e.document_id, str(e.start), e.id)
                groups.append(g)
            continue
        fine = [e for e in members if not e.subject.coarse]
        coarse = [e for e in members if e.subject.coarse and e.subject.start]
        undated = [e for e in members if not e.subject.start]
        clusters = _sweep(fine) + _sweep(coarse)
        dated = [list(c) for c in clusters]
        leftover: dict[int, list[Entry]] = {}
        for e in undated:
            fits = [i for i, c in enumerate(dated) if _fits(e, c)]
            if fits:
                clusters[max(fits, key=lambda i: (len(dated[i]), -i))].append(e)
            else:
                leftover.setdefault(_band(e), []).append(e)
        clusters += [leftover[b] for b in sorted(leftover)]
        for c in clusters:
            for part in _by_place(c):
                g = Group(id="", key=key, entries=sorted(part, key=_order))
                g.refresh()
                g.id = group_id(key, g.start, g.end, g.place)
                groups.append(g)
    _unique_ids(groups)
    return groups


def _order(e: Entry) -> tuple[Any, ...]:
    return (e.doc_pk, e.start, e.end, e.id)


def _unique_ids(groups: list[Group]) -> None:
    seen: dict[str, int] = {}
    for g in groups:
        n = seen.get(g.id, 0)
        seen[g.id] = n + 1
        if n:
            g.id = f"{g.id[:-2]}{n:02d}"
