"""The ledger as people and scripts read it: groups in a stable JSON shape.

``build_ledger`` reads the entries, gives each its subject, groups them, applies the analysts'
decisions (move, split), works out which entries are independent, and attaches the ratings.
Filters by rating (``min_reliability``, ``max_credibility``) act on the entries after grouping,
so group ids do not change with the filter; a group left with no entries is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from factfinder.ledger import decisions as ledger_decisions
from factfinder.ledger import ratings as ledger_ratings
from factfinder.ledger.entries import Entry, load_entries
from factfinder.ledger.grouping import Group, group_entries
from factfinder.ledger.independence import Standing, standings
from factfinder.ledger.subjects import assign
from factfinder.ledger.views import acled, contradictions, ucdp, values, words


class NotFound(LookupError):
    pass


@dataclass
class Filters:
    min_reliability: str | None = None  # A…E: keep entries whose source is rated this or better
    max_credibility: int | None = None  # 1…6: keep entries rated this or better (1 = confirmed)
    contains: str | None = None  # subject label or claim words
    numeric_only: bool = True  # groups with at least one number (events without counts: no)
    known_units_only: bool = True  # not the bare numbers whose unit is unknown ("26" in a table)
    min_claims: int = 1


@dataclass
class Ledger:
    groups: list[Group]
    standing: dict[str, dict[str, Standing]] = field(default_factory=dict)  # group → entry → …
    ratings: ledger_ratings.Ratings = field(default_factory=ledger_ratings.Ratings)
    applied: list[dict[str, Any]] = field(default_factory=list)  # decisions applied
    skipped: list[dict[str, Any]] = field(default_factory=list)  # decisions that found nothing

    def find(self, prefix: str) -> Group:
        hits = [g for g in self.groups if g.id == prefix] or [
            g for g in self.groups if g.id.startswith(prefix)]
        if len(hits) != 1:
            raise NotFound(f"no group {prefix!r}" if not hits else
                           f"{prefix!r} is ambiguous: {', '.join(g.id for g in hits[:5])}")
        return hits[0]

    def group_of(self, claim_prefix: str) -> tuple[Group, Entry]:
        hits = [(g, e) for g in self.groups for e in g.entries if e.id.startswith(claim_prefix)]
        if len(hits) != 1:
            raise NotFound(f"no claim {claim_prefix!r}" if not hits else
                           f"claim {claim_prefix!r} is ambiguous")
        return hits[0]

    def claim_json(self, g: Group, e: Entry) -> dict[str, Any]:
        s = self.standing[g.id][e.id]
        return {
            "claim_id": e.id, "kind": e.kind, "low": e.low, "high": e.high,
            "words": words(e.low, e.high, e.approximate and e.low == e.high) if e.numeric
            else None, "text": e.text, "original": e.original, "qualifier": e.qualifier,
            "claimant": e.claimant, "claimant_entity": e.claimant_entity,
            "claimant_source": e.claimant_source, "publisher": e.publisher,
            "publisher_known": e.publisher_known, "document_id": e.document_id,
            "published": e.published, "start": e.start, "end": e.end,
            "source_start": e.source_start, "source_end": e.source_end,
            "event_type": e.event_type, "event_id": e.event_id, "date_start": e.date_start,
            "date_end": e.date_end, "place": e.place, "subject": e.subject.as_json(),
            "independent": s.independent, "origin": s.origin_name, "repeat_of": s.repeat_of,
            "not_independent_because": s.reason, "chain": s.chain,
            "reliability": self.ratings.reliability_of(e),
            "publisher_reliability": self.ratings.publisher_reliability_of(e),
            "credibility": self.ratings.credibility.get(e.id),
        }

    def group_json(self, g: Group) -> dict[str, Any]:
        st = self.standing[g.id]
        names: dict[str, str] = {}
        for e in g.entries:
            names.setdefault(st[e.id].origin, st[e.id].origin_name)
        origins = sorted(names.values())
        out: dict[str, Any] = {
            "id": g.id, "subject": g.subject.as_json(),
            "claims": [self.claim_json(g, e) for e in g.entries],
            "values": values(g.entries, st),
            "independent_claimants": len(origins), "independent_sources": origins,
            "contradictions": contradictions(g.entries, st),
            "views": {"ucdp": ucdp(g.entries, st), "acled": acled(g.entries, st)},
            "origin": g.origin, "decisions": g.decided,
        }
        parts = self.breakdown(g)
        if parts:
            out["breakdown"] = parts
        return out

    def breakdown(self, g: Group) -> list[dict[str, Any]]:
        """For a protest report's total: the groups of its parts (by category, by place)
        counted in the same documents."""
        if g.key[2] or not any(e.tally and e.tally.get("tally") == "total" for e in g.entries):
            return []
        docs = {e.document_id for e in g.entries}
        out = []
        for o in self.groups:
            if o.key[2].startswith(("category:", "place:")) and o.key[:2] == g.key[:2] and any(
                    e.document_id in docs for e in o.entries):
                vals = values(o.entries, self.standing[o.id])
                out.append({"group": o.id, "part": o.key[2],
                            "value": "; ".join(v["words"] for v in vals)})
        return out


def build_ledger(conn: Connection, filters: Filters | None = None) -> Ledger:
    flt = filters or Filters(numeric_only=False, known_units_only=False)
    entries = load_entries(conn)
    assign(entries)
    groups = group_entries(entries)
    applied, skipped = ledger_decisions.apply(conn, groups)
    rat = ledger_ratings.load(conn)
    ledger = Ledger(groups=groups, ratings=rat, applied=applied, skipped=skipped)
    kept = []
    for g in groups:
        g.entries = [e for e in g.entries if _passes(e, flt, rat)]
        if not g.entries or len(g.entries) < flt.min_claims:
            continue
        if flt.numeric_only and not any(e.numeric for e in g.entries):
            continue
        if flt.known_units_only and g.key[1] == "?":
            continue
        if flt.contains and not _contains(g, flt.contains):
            continue
        kept.append(g)
    ledger.groups = kept
    ledger.standing = {g.id: standings(g.entries) for g in kept}
    return ledger


def _passes(e: Entry, flt: Filters, rat: ledger_ratings.Ratings) -> bool:
    if flt.min_reliability:
        grade = rat.reliability_of(e)
        if grade is None or not ledger_ratings.meets(grade["grade"], flt.min_reliability):
            return False
    if flt.max_credibility is not None:
        cred = rat.credibility.get(e.id)
        if cred is None or cred["grade"] > flt.max_credibility or cred["grade"] == 6:
            return False
    return True


def _contains(g: Group, needle: str) -> bool:
    n = needle.casefold()
    return n in g.subject.label().casefold() or any(
        n in (e.original or "").casefold() or n in (e.claimant or "").casefold()
        for e in g.entries)
