"""What the pages and the JSON API show, gathered from the library API in one place so both say
the same thing. No analysis of its own: filtering, counting and paging what the library returns.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import entity_mentions, extractions
from factfinder.documents import get_document, is_protected_meta
from factfinder.entities.query import NotFound, dossier, find_entity
from factfinder.extract.query import ItemFilter, list_items
from factfinder.ledger.ratings import document_sources
from factfinder.redaction import Redactor
from factfinder.search import SearchResults, search

KINDS = ("mention", "date", "claim", "quote", "event")
VOCAB = Path(__file__).resolve().parents[1] / "vocab"


class Missing(LookupError):
    """Nothing by that id: the routes answer 404."""


# --- documents -------------------------------------------------------------------------------

def document_items(conn: Connection, doc_id: str) -> dict[str, list[dict[str, Any]]]:
    """The document's items by kind; each mention with the ``entity_id`` it was resolved to."""
    out = {k: list_items(conn, ItemFilter(kind=k, document_id=doc_id)) for k in KINDS}
    linked = dict(conn.execute(select(entity_mentions.c.extraction_id, entity_mentions.c.entity_id)
                               .where(entity_mentions.c.document_id == doc_id)).all())
    for m in out.get("mention", []):
        m["entity_id"] = linked.get(m["id"])
    return out


def hide_entities(view: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """A document view without links to entities the reader may not see."""
    for m in view["items"].get("mention", []):
        if redactor.hides_entity(m.get("entity_id")):
            m["entity_id"] = None
    return view


def is_protected(doc: dict[str, Any]) -> bool:
    """A protected document (a submission from the form, factfinder/web/submit.py)."""
    return is_protected_meta(doc.get("meta"))


def document_view(conn: Connection, doc_id: str, show_protected: bool = False,
                  ) -> dict[str, Any]:
    """A document with its extractions and its provenance (custody entries of its original,
    near-duplicates, the page it was cut from). A protected document is ``Missing`` unless
    ``show_protected`` (fails closed: callers pass ``can_see_protected(user)``)."""
    doc = get_document(conn, doc_id)
    if doc is None or (is_protected(doc) and not show_protected):
        raise Missing(f"no document {doc_id}")
    sha = doc["original"]["sha256"]
    parent = get_document(conn, doc["parent_id"]) if doc.get("parent_id") else None
    return {
        "document": doc,
        "items": document_items(conn, doc["id"]),
        "custody": [e.as_json() for e in custody.entries(conn, obj=sha)],
        "parent": {"id": parent["id"], "title": parent.get("title")} if parent else None,
    }


# --- entities --------------------------------------------------------------------------------

DOSSIER_DOCUMENTS = 200  # a dossier page reads the entity's 200 most-mentioning documents


def entity_view(conn: Connection, prefix: str, max_documents: int | None = None,
                ) -> dict[str, Any]:
    try:
        entity_id = find_entity(conn, prefix)
    except NotFound as exc:
        raise Missing(str(exc)) from exc
    out = dossier(conn, entity_id, max_documents=max_documents)
    wanted = sorted({r["id"] for r in out["roles"] if r["kind"] == "event"})
    dates: dict[str, tuple[str | None, str | None]] = {}
    for i in range(0, len(wanted), 500):
        for eid, raw in conn.execute(select(extractions.c.id, extractions.c.data).where(
                extractions.c.id.in_(wanted[i:i + 500]))):
            d = json.loads(raw or "{}")
            dates[eid] = (d.get("date_start"), d.get("date_end"))
    for r in out["roles"]:
        if r["id"] in dates:
            r["date_start"], r["date_end"] = dates[r["id"]]
    out["timeline"] = [
        {"date": r["date_start"], "label": f"{r['role'][:-1]} · {r['type']} · {r['text'][:80]}",
         "href": f"/documents/{r['document_id']}#item-{r['id']}"}
        for r in out["roles"] if r.get("date_start") and r["role"] in ("perpetrators", "victims")]
    sources = document_sources(conn, {r["document_id"] for r in out["roles"]}
                               | {d["id"] for d in out["document_list"]})
    for r in out["roles"]:
        r["source"] = sources.get(r["document_id"])
    for d in out["document_list"]:
        d["source"] = sources.get(d["id"])
    out["claims_made"] = [r for r in out["roles"] if r["role"] in ("claimant", "speaker")]
    out["claims_about"] = [r for r in out["roles"] if r["role"] == "about"]
    out["event_roles"] = [r for r in out["roles"] if r["kind"] == "event"
                          and r["role"] in ("perpetrators", "victims")]
    return out


# --- events ----------------------------------------------------------------------------------

@dataclass
class EventFilter:
    type: str | None = None
    place: str | None = None
    since: str | None = None  # ISO date: events that end on or after it
    until: str | None = None  # ISO date: events that start on or before it
    page: int = 1
    per_page: int = 50


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[float, float]]:
    """Name and alias (casefolded) → (latitude, longitude) from vocab/places.yaml."""
    data = yaml.safe_load((VOCAB / "places.yaml").read_text(encoding="utf-8"))
    out: dict[str, tuple[float, float]] = {}
    for p in data.get("places", []):
        coords = p.get("coordinates")
        if not coords:
            continue
        for name in [p["name"], *(p.get("aliases") or []), *(p.get("acronyms") or [])]:
            out.setdefault(str(name).casefold(), (float(coords[0]), float(coords[1])))
    return out


def _place_of(e: dict[str, Any]) -> str | None:
    place = e.get("place")
    if isinstance(place, dict):
        place = place.get("name") or place.get("text")
    return str(place) if place else None


def _matches(e: dict[str, Any], flt: EventFilter) -> bool:
    if flt.type and e.get("type") != flt.type:
        return False
    if flt.place and (flt.place.casefold() not in (_place_of(e) or "").casefold()):
        return False
    start, end = e.get("date_start"), e.get("date_end") or e.get("date_start")
    if flt.since and (not end or str(end) < flt.since):
        return False
    return not (flt.until and (not start or str(start) > flt.until))


def events_view(conn: Connection, flt: EventFilter) -> dict[str, Any]:
    """Events passing the filter (one page of them), with counts by type, place and month and
    the places that have coordinates in the gazetteer."""
    every = list_items(conn, ItemFilter(kind="event"))
    chosen = [e for e in every if _matches(e, flt)]
    by_type = Counter(str(e.get("type") or "?") for e in chosen)
    by_place = Counter(p for p in (_place_of(e) for e in chosen) if p)
    by_month = Counter(str(e["date_start"])[:7] for e in chosen if e.get("date_start"))
    gaz = gazetteer()
    points = []
    for name, n in by_place.most_common():
        coords = gaz.get(name.casefold())
        if coords:
            points.append({"name": name, "lat": coords[0], "lon": coords[1], "count": n})
    first = (flt.page - 1) * flt.per_page
    return {
        "total": len(chosen), "page": flt.page, "per_page": flt.per_page,
        "events": chosen[first:first + flt.per_page],
        "counts": {"type": by_type.most_common(), "place": by_place.most_common(),
                   "month": sorted(by_month.items())},
        "places": points,
        "timeline": [{"date": e["date_start"], "label": f"{e.get('type')}: {e['text'][:80]}",
                      "href": f"/documents/{e['document_id']}#item-{e['id']}"}
                     for e in chosen if e.get("date_start")][:2000],
        "types": sorted({str(e.get("type")) for e in every if e.get("type")}),
    }


# --- ledger ----------------------------------------------------------------------------------

def ledger_view(conn: Connection, contains: str | None = None, all_groups: bool = False,
                ) -> dict[str, Any]:
    from factfinder.ledger.query import Filters, build_ledger

    flt = Filters(contains=contains or None)
    if all_groups:
        flt.numeric_only = flt.known_units_only = False
    ledger = build_ledger(conn, flt)
    groups = [ledger.group_json(g) for g in ledger.groups]
    # as `factfinder ledger` lists them: the most independently asserted first
    groups.sort(key=lambda g: (-g["independent_claimants"], -len(g["claims"]), g["id"]))
    return {"groups": groups}


def group_view(conn: Connection, group_id: str) -> dict[str, Any]:
    from factfinder.ledger.query import Filters, NotFound, build_ledger

    ledger = build_ledger(conn, Filters(numeric_only=False, known_units_only=False))
    try:
        return ledger.group_json(ledger.find(group_id))
    except NotFound as exc:
        raise Missing(str(exc)) from exc


# --- lists and estimates ---------------------------------------------------------------------

def lists_view(conn: Connection) -> dict[str, Any]:
    """Stored lists, the overlap of the latest linkage run, and estimates by method."""
    from factfinder.linkage.store import load_clusters, summary

    out = summary(conn)
    run = out["latest_run"]
    out["overlaps"], out["estimates"], out["table"] = [], [], None
    if run is None:
        return out
    names = [str(n) for n in run["lists"]]
    people: dict[str, set[str]] = {}
    for m in load_clusters(conn, run["id"]):
        people.setdefault(m["cluster_id"], set()).add(m["list"])
    combos = Counter(tuple(n for n in names if n in s) for s in people.values())
    out["overlaps"] = [{"lists": list(c), "count": n} for c, n in
                       sorted(combos.items(), key=lambda kv: (-kv[1], kv[0])) if c]
    out["lists_linked"] = names
    out["estimates"] = _estimates(run["id"], tuple(names),
                                  json.dumps(sorted((list(c), n) for c, n in combos.items())))
    return out


@lru_cache(maxsize=8)
def _estimates(run_id: str, names: tuple[str, ...], combos_json: str) -> list[dict[str, Any]]:
    """Estimates are costly (dga), so they are kept per linkage run."""
    from factfinder.estimate.methods import estimate
    from factfinder.estimate.table import CaptureTable

    del run_id  # part of the cache key
    combos = [(tuple(c), int(n)) for c, n in json.loads(combos_json)]
    table = CaptureTable.from_memberships(names, (m for c, n in combos for m in [c] * n))
    methods = ["loglinear", "dga"] if len(names) > 2 else ["chapman", "loglinear"]
    results = []
    for method in methods:
        try:
            results.append(estimate(table, method).to_dict())
        except (ValueError, ArithmeticError) as exc:
            results.append({"method": method, "estimate": None, "observed": table.observed,
                            "warnings": [f"no estimate: {exc}"]})
    if len(names) > 2:  # Chapman on each pair, for comparison only
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                try:
                    r = estimate(table.subset([a, b]), "chapman").to_dict()
                except (ValueError, ArithmeticError) as exc:
                    r = {"method": "chapman", "estimate": None, "warnings": [str(exc)]}
                r["stratum"] = f"{a} + {b} only"
                results.append(r)
    return results


# --- search ----------------------------------------------------------------------------------

def guarded_search(db: Database, q: str, redactor: Redactor, **kw: Any) -> SearchResults:
    """``search`` as a reader who may not see protected persons sees it: a query naming one
    finds nothing (the hits would say where the person appears), and protected entities are
    no facet."""
    if redactor.active and redactor.names_protected(q):
        return SearchResults(q, 0, [], {})
    results = search(db, q, **kw)
    if redactor.active and results.facets.get("entity"):
        results.facets["entity"] = [v for v in results.facets["entity"]
                                    if not redactor.hides_entity(v.get("value"))]
    return results
