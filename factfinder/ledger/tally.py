"""Tallies of protest reports: counts by category, by place and by month.

Monthly protest reports are tables in prose ("Total number of protests: 83", "BY CITY Sarvand
10; Golvar 5"); the event extractor (factfinder/extract/event_tables.py) turns their lines into
aggregate events whose data carry ``tally`` (total / category / place), ``category``, ``count``
and the report's period. This module adds them up without counting anything twice:

* a report's total is stated several times (headline, first paragraph, summary table): per
  report and period the figure kept is the table's, else the largest stated;
* near-duplicate documents (reposts of one report) are one report;
* category and place lines are summed over reports, per period.

What is summed is what the reports say: each row keeps the documents it comes from, and a
report's own total is shown beside the sum of its parts (they need not agree: a protest may
belong to no category, or to two).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, extractions

KINDS = ("protest", "strike", "hunger_strike")
BY = ("category", "place", "month")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")


@dataclass
class Line:
    report: str  # the document (or its near-duplicate group)
    document_id: str
    tally: str
    category: str | None
    place: str | None
    count: float
    at_least: bool
    period: str
    text: str
    type: str
    locations: int | None = None


@dataclass
class Row:
    key: str
    period: str
    count: float = 0.0
    at_least: bool = False
    reports: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    parts: float | None = None  # the sum of the category lines, beside the stated total
    locations: int | None = None

    def as_json(self, by: str) -> dict[str, Any]:
        out: dict[str, Any] = {by: self.key, "period": self.period,
                               "count": _int(self.count), "at_least": self.at_least,
                               "reports": sorted(set(self.reports)), "lines": self.lines}
        if by == "month":
            out["sum_of_categories"] = _int(self.parts)
            out["locations"] = self.locations
        return out


def _int(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def period_of(d: dict[str, Any], text: str) -> str:
    """The report's period: its month when the dates say so, a year-wide period narrowed to
    the month a report names in its line ("During August"), else start/end."""
    start, end = d.get("date_start"), d.get("date_end")
    if not start:
        return "undated"
    start, end = str(start)[:10], str(end or start)[:10]
    if start[5:] == "01-01" and end[5:] == "12-31" and start[:4] == end[:4]:
        words = text.casefold()
        named = [i for i, m in enumerate(MONTHS) if m in words]
        if len(named) == 1:
            return f"{start[:4]}-{named[0] + 1:02d}"
        return start[:4]
    if start[:7] == end[:7]:
        return start[:7]
    return f"{start}/{end}"


def load_lines(conn: Connection) -> list[Line]:
    q = (select(extractions.c.document_id, extractions.c.text, extractions.c.label,
                extractions.c.data, documents.c.duplicate_group, documents.c.title)
         .join(documents, documents.c.id == extractions.c.document_id)
         .where(extractions.c.kind == "event"))
    out = []
    for doc_id, text, label, data, dup, title in conn.execute(q):
        d = json.loads(data or "{}")
        kind = label or d.get("type")
        if not d.get("tally") or kind not in KINDS or d.get("count") is None:
            continue
        out.append(Line(report=dup or doc_id, document_id=doc_id, tally=d["tally"],
                        category=d.get("category"), place=d.get("place"),
                        count=float(d["count"]), at_least=d.get("count_high") is None,
                        period=period_of(d, f"{title or ''} {text}"), text=text, type=kind,
                        locations=d.get("location_count")))
    return out


def _totals(lines: list[Line]) -> dict[tuple[str, str], Line]:
    """(report, period) → the line whose total is kept."""
    best: dict[tuple[str, str], Line] = {}
    for ln in lines:
        if ln.tally != "total":
            continue
        k = (ln.report, ln.period)
        cur = best.get(k)
        table = not ln.at_least  # "Total number of protests: 41" states it exactly
        if cur is None or (table and cur.at_least) or (table == (not cur.at_least)
                                                       and ln.count > cur.count):
            best[k] = ln
    return best


def tally(conn: Connection, by: str = "category") -> list[dict[str, Any]]:
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    lines = load_lines(conn)
    # a report's undated lines take the period its dated lines give
    periods: dict[str, set[str]] = {}
    for ln in lines:
        if ln.period != "undated":
            periods.setdefault(ln.report, set()).add(ln.period)
    for ln in lines:
        if ln.period == "undated" and len(periods.get(ln.report, ())) == 1:
            ln.period = next(iter(periods[ln.report]))
    rows: dict[tuple[str, str], Row] = {}
    seen: set[tuple[str, str, str, str | None, float]] = set()

    def add(key: str, ln: Line) -> Row:
        row = rows.setdefault((ln.period, key), Row(key=key, period=ln.period))
        ident = (ln.report, ln.period, ln.tally, key, ln.count)
        if ident in seen:  # the same line of a repost
            return row
        seen.add(ident)
        row.count += ln.count
        row.at_least = row.at_least or ln.at_least
        row.reports.append(ln.document_id)
        row.lines.append(ln.text.strip()[:120])
        return row

    if by == "category":
        for ln in lines:
            if ln.tally == "category":
                add(ln.category or "uncategorised", ln)
    elif by == "place":
        for ln in lines:
            if ln.tally == "place" and ln.place:
                add(ln.place, ln)
    else:
        kept = _totals(lines)
        for ln in kept.values():
            row = add(ln.period, ln)
            if ln.locations is not None:
                row.locations = (row.locations or 0) + ln.locations
        for ln in lines:
            if ln.tally != "category":
                continue
            row = rows.setdefault((ln.period, ln.period), Row(key=ln.period, period=ln.period))
            row.parts = (row.parts or 0.0) + ln.count
    return [r.as_json(by) for _, r in sorted(rows.items(), key=lambda kv: (
        kv[0][0], -kv[1].count, kv[0][1]))]
