"""The ``csv`` / ``json`` / ``ndjson`` exports: one file per table, documented columns.

Every row of an extracted item carries its ``document_id``, the ``document_sha256`` of the
original it was read from and its span (``start``/``end`` in the document's text,
``source_start``/``source_end`` in the original's text layer, both [start, end)), so that each
fact can be traced to its words and the evidence file. The columns (and what they mean) are
:data:`TABLES`; docs/export.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from factfinder.documents import is_protected_meta
from factfinder.export.files import Written, write_table
from factfinder.export.select import Selection

SPAN = ("document_id", "document_sha256", "start", "end", "source_start", "source_end", "text")
TOOL = ("confidence", "extractor", "version", "data")

TABLES: dict[str, tuple[str, ...]] = {
    "documents": (
        "id", "sha256", "layer_sha256", "source_start", "source_end", "kind", "media_type",
        "title", "url", "published", "author", "site_name", "publisher", "parent_id",
        "duplicate_group", "collection", "source_url", "collector", "collected_at",
        "protected", "chars", "text"),
    "mentions": ("id", *SPAN, "label", "normalized", "entity_id", "entity_name", "link_rule",
                 "link_score", *TOOL),
    "dates": ("id", *SPAN, "precision", "calendar", "date_start", "date_end", "relative",
              *TOOL),
    "entities": ("id", "type", "name", "aliases", "canonical", "forms", "mentions",
                 "documents", "latitude", "longitude", "protected"),
    "claims": ("id", *SPAN, "original", "low", "high", "approximate", "qualifier",
               "conservative", "counted", "unit", "predicate", "claimant", "claimant_source",
               "claimant_entity", "date_start", "date_end", "place", "event_id",
               "ledger_group", *TOOL),
    "quotes": ("id", *SPAN, "speaker", "speaker_entity", "form", "direct", "cue",
               "attribution", *TOOL),
    "events": ("id", *SPAN, "type", "trigger", "date_start", "date_end", "date_text", "place",
               "place_entity", "claimant", "claimant_entity", "victims", "perpetrators",
               "participants", "count", "count_high", "count_of", "count_text", "negated",
               "hypothetical", "ledger_group", *TOOL),
    "ledger_groups": (
        "group_id", "subject", "event_type", "period_start", "period_end", "place",
        "group_claims", "independent_claimants", "independent_sources", "values",
        "contradictions", "ucdp_low", "ucdp_best", "ucdp_high", "acled_figure",
        "acled_disputed", "claim_id", "kind", "document_id", "document_sha256", "start",
        "end", "source_start", "source_end", "words", "low", "high", "claimant",
        "claimant_entity", "publisher", "independent", "repeat_of", "not_independent_because",
        "reliability", "credibility"),
    "lists": ("id", "name", "filename", "original_sha256", "records", "mapping", "created_at"),
    "list_records": ("list", "list_id", "record_id", "cluster_id", "full_name", "given_name",
                     "family_name", "father_name", "sex", "birth_year", "date", "place",
                     "prison", "affiliation", "data"),
    "estimates": ("run_id", "lists", "method", "model", "estimate", "lower", "upper", "level",
                  "interval", "observed", "warnings"),
}
FORMATS = ("csv", "json", "ndjson")


def _span(x: dict[str, Any]) -> dict[str, Any]:
    return {"id": x["id"], **{k: x[k] for k in SPAN}, "confidence": x["confidence"],
            "extractor": x["extractor"], "version": x["version"], "data": x["data"]}


def documents_rows(sel: Selection) -> list[dict[str, Any]]:
    return [{**{k: d.get(k) for k in TABLES["documents"]}, "sha256": d["original_sha256"],
             "collection": d["filename"], "protected": is_protected_meta(d["meta"])}
            for d in sel.documents]


def mention_rows(sel: Selection) -> list[dict[str, Any]]:
    names = {e["id"]: e["name"] for e in sel.entities}
    out = []
    for x in sel.extractions["mention"]:
        link = sel.links.get(x["id"]) or {}
        eid = link.get("entity_id")
        if sel.hidden(eid):
            continue
        out.append({**_span(x), "label": x["label"], "normalized": x["data"].get("normalized"),
                    "entity_id": eid, "entity_name": names.get(eid or ""),
                    "link_rule": link.get("how"), "link_score": link.get("score")})
    return out


def date_rows(sel: Selection) -> list[dict[str, Any]]:
    return [{**_span(x), "precision": x["label"], **{k: x["data"].get(k) for k in (
        "calendar", "date_start", "date_end", "relative")}} for x in sel.extractions["date"]]


def entity_rows(sel: Selection) -> list[dict[str, Any]]:
    out = []
    for e in sel.entities:
        if sel.hidden(e["id"]):
            continue
        lat, lon = e["coordinates"] or (None, None)
        out.append({**e, "latitude": lat, "longitude": lon})
    return out


def claim_rows(sel: Selection, groups: dict[str, str], events: dict[str, str]
               ) -> list[dict[str, Any]]:
    keys = ("original", "low", "high", "approximate", "qualifier", "conservative", "counted",
            "unit", "predicate", "claimant", "claimant_source", "date_start", "date_end",
            "place")
    return [{**_span(x), **{k: x["data"].get(k) for k in keys},
             "claimant_entity": sel.resolve(x["data"].get("claimant")),
             "event_id": events.get(x["id"]), "ledger_group": groups.get(x["id"])}
            for x in sel.extractions["claim"]]


def quote_rows(sel: Selection) -> list[dict[str, Any]]:
    keys = ("speaker", "form", "direct", "cue", "attribution")
    return [{**_span(x), **{k: x["data"].get(k) for k in keys},
             "speaker_entity": sel.resolve(x["data"].get("speaker"))}
            for x in sel.extractions["quote"]]


def event_rows(sel: Selection, groups: dict[str, str]) -> list[dict[str, Any]]:
    keys = ("date_start", "date_end", "date_text", "place", "claimant", "victims",
            "perpetrators", "participants", "count", "count_high", "count_of", "count_text",
            "negated", "hypothetical")
    out = []
    for x in sel.extractions["event"]:
        d = x["data"]
        place = d.get("place") if isinstance(d.get("place"), str) else None
        out.append({**_span(x), **{k: d.get(k) for k in keys}, "type": x["label"],
                    "trigger": (d.get("trigger") or {}).get("text"), "place": place,
                    "place_entity": sel.resolve(place),
                    "claimant_entity": sel.resolve(d.get("claimant")),
                    "ledger_group": groups.get(x["id"])})
    return out


CLAIM_KEYS = ("claim_id", "kind", "document_id", "start", "end", "source_start", "source_end",
              "words", "low", "high", "claimant", "claimant_entity", "publisher", "independent",
              "repeat_of", "not_independent_because")


def ledger_rows(conn: Connection, sel: Selection) -> list[dict[str, Any]]:
    """One row per claim (or event) of each ledger group, with the group's figures computed
    over the exported claims only."""
    from factfinder.ledger.independence import standings
    from factfinder.ledger.query import build_ledger

    kept = {d["id"]: d["original_sha256"] for d in sel.documents}
    events = {x["id"] for x in sel.extractions["event"]}
    led = build_ledger(conn)
    for g in led.groups:
        g.entries = [e for e in g.entries if e.document_id in kept and (
            e.kind != "event" or e.id in events)]
        led.standing[g.id] = standings(g.entries)
    out = []
    for g in led.groups:
        if not g.entries:
            continue
        j = led.group_json(g)
        s = j["subject"]
        u, a = j["views"]["ucdp"] or {}, j["views"]["acled"] or {}
        head = {"group_id": g.id, "subject": s["label"], "event_type": s["event_type"],
                "period_start": s["date_start"], "period_end": s["date_end"],
                "place": s["place"], "group_claims": len(j["claims"]),
                "independent_claimants": j["independent_claimants"],
                "independent_sources": j["independent_sources"],
                "values": [f"{v['words']} ({v['independent_claimants']})" for v in j["values"]],
                "contradictions": len(j["contradictions"]), "ucdp_low": u.get("low"),
                "ucdp_best": u.get("best"), "ucdp_high": u.get("high"),
                "acled_figure": a.get("figure"), "acled_disputed": a.get("disputed")}
        for c in j["claims"]:
            out.append({**head, **{k: c.get(k) for k in CLAIM_KEYS},
                        "document_sha256": kept[c["document_id"]], "event_id": c["event_id"],
                        "reliability": (c["reliability"] or {}).get("grade"),
                        "credibility": (c["credibility"] or {}).get("grade")})
    return out


def list_rows(sel: Selection) -> list[dict[str, Any]]:
    return list(sel.lists)


def record_rows(conn: Connection, sel: Selection) -> list[dict[str, Any]]:
    from factfinder.linkage.store import load_clusters

    cluster = {(m["list"], str(m["record_id"])): m["cluster_id"] for m in load_clusters(conn)}
    return [{**r, "cluster_id": cluster.get((r["list"], str(r["record_id"])))}
            for r in sel.records]


def estimate_rows(conn: Connection, sel: Selection) -> list[dict[str, Any]]:
    """The default estimate (log-linear, model chosen by BIC, profile-likelihood interval)
    over the exported lists of the latest linkage run; none without two such lists."""
    from factfinder.estimate.strata import StrataError, case_tables, estimate_table
    from factfinder.linkage.store import latest_run

    run = latest_run(conn)
    if run is None:
        return []
    names = [n for n in run["lists"] if n in {x["name"] for x in sel.lists}]
    if len(names) < 2:
        return []
    try:
        tables = case_tables(conn, names, None, run["id"])
        r = estimate_table(tables.total, "loglinear", None, interval="profile")
    except (StrataError, ValueError, ArithmeticError) as exc:
        return [{"run_id": run["id"], "lists": names, "method": "loglinear", "estimate": None,
                 "warnings": [f"no estimate: {exc}"]}]
    return [{"run_id": run["id"], "lists": names, "method": r.method, "model": r.model,
             "estimate": r.estimate, "lower": r.lower, "upper": r.upper, "level": r.level,
             "interval": r.interval, "observed": r.observed, "warnings": r.warnings}]


def ledger_index(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Claim or event id → its ledger group."""
    return {r["claim_id"]: r["group_id"] for r in rows}


def claim_events(ledger: list[dict[str, Any]]) -> dict[str, str]:
    """Claim id → the event whose count it is (as the ledger pairs them)."""
    return {r["claim_id"]: r["event_id"] for r in ledger
            if r["kind"] == "claim" and r.get("event_id")}


def export_tables(conn: Connection, sel: Selection, fmt: str, out: Path) -> list[Written]:
    ledger = ledger_rows(conn, sel)
    groups = ledger_index(ledger)
    builders: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "documents": lambda: documents_rows(sel),
        "mentions": lambda: mention_rows(sel),
        "dates": lambda: date_rows(sel),
        "entities": lambda: entity_rows(sel),
        "claims": lambda: claim_rows(sel, groups, claim_events(ledger)),
        "quotes": lambda: quote_rows(sel),
        "events": lambda: event_rows(sel, groups),
        "ledger_groups": lambda: ledger,
        "lists": lambda: list_rows(sel),
        "list_records": lambda: record_rows(conn, sel),
        "estimates": lambda: estimate_rows(conn, sel),
    }
    return [write_table(out, name, fmt, TABLES[name], builders[name](), sel.redactor)
            for name in TABLES]
