"""The ``esf`` export: HURIDOCS Events Standard Formats as CSV files.

Our extracted events map onto ESF's records as follows (docs/export.md has the columns):

* **events.csv** — one ESF event per extracted event (a report of one happening in one
  document; reports of the same happening share a ``ledger_group``); violation status
  ``alleged``: every record is what a source says, not a finding;
* **acts.csv** — one act per victim named or described in the event (one act with no victim
  when the report names none); the type of act is the first HURIDOCS term our violation type
  maps to in ``factfinder/vocab/violations.yaml`` (``huridocs``);
* **involvements.csv** — one involvement per perpetrator named in the event, for each of its
  acts; the degree of involvement is left empty (the extractor does not read it);
* **persons.csv** — victims, perpetrators and sources (the event's claimant): one record per
  resolved entity, or per name as written when entity resolution did not link it;
* **information.csv** — the source of each event record: the document, the original's
  SHA-256, the passage and its span, who says it, the publisher, the date of the source
  material, ratings (Admiralty reliability A–F and credibility 1–6) where analysts gave them.

Denied and hypothetical events (``negated``, ``hypothetical``) are left out: they do not say
that something happened.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from factfinder.export.files import Written, write_table
from factfinder.export.select import Selection
from factfinder.export.tables import ledger_rows

TABLES: dict[str, tuple[str, ...]] = {
    "events": ("event_record_number", "event_title", "violation_type", "initial_date",
               "final_date", "date_type", "date_text", "geographical_term", "place_entity_id",
               "event_description", "violation_status", "number_of_victims",
               "number_of_victims_high", "victims_counted", "ledger_group", "document_id",
               "document_sha256", "start", "end"),
    "acts": ("act_record_number", "event_record_number", "victim_record_number",
             "victim_name", "type_of_act", "violation_type", "initial_date", "final_date",
             "exact_location", "document_id", "document_sha256", "start", "end"),
    "involvements": ("involvement_record_number", "act_record_number", "event_record_number",
                     "perpetrator_record_number", "perpetrator_name", "degree_of_involvement",
                     "document_id", "start", "end"),
    "persons": ("person_record_number", "name", "entity_id", "person_type", "roles",
                "events"),
    "information": ("information_record_number", "record_type", "record_number",
                    "source_record_number", "source_name", "source_connection", "publisher",
                    "document_id", "document_sha256", "document_title", "url",
                    "date_of_source_material", "passage", "start", "end", "source_start",
                    "source_end", "reliability", "credibility", "date_received",
                    "received_by"),
}
GROUP_WORDS = re.compile(r"\d|\b(?:other|several|some|many|dozens|hundreds|thousands|"
                         r"members|prisoners|people|families|relatives|us|them|they|of|"
                         r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
                         re.I)


def act_type(violation: str | None) -> str | None:
    from factfinder.extract.event_vocab import vocabulary

    spec = vocabulary().types.get(violation or "")
    terms = (spec or {}).get("huridocs") or []
    return str(terms[0]) if terms else None


def _num(prefix: str, *parts: Any) -> str:
    key = "/".join(str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


class Persons:
    """Person records: one per resolved entity, else one per name as written."""

    def __init__(self, sel: Selection) -> None:
        self.sel = sel
        self.types = {e["id"]: e["type"] for e in sel.entities}
        self.names = {e["id"]: e["name"] for e in sel.entities}
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, name: str, role: str, event: str) -> str:
        eid = self.sel.resolve(name)
        if eid is not None:
            number, shown = f"ff-entity-{eid}", self.names[eid]
            kind = {"person": "individual", "organisation": "group"}.get(self.types[eid],
                                                                          "unknown")
        else:
            # numbered from the name as the reader sees it: no hash of a protected name
            shown = self.sel.redactor.text(name)
            number = _num("ff-name", " ".join(shown.casefold().split()))
            kind = "group" if GROUP_WORDS.search(name) else "unknown"
        row = self.rows.setdefault(number, {"person_record_number": number, "name": shown,
                                            "entity_id": eid, "person_type": kind,
                                            "roles": [], "events": []})
        if role not in row["roles"]:
            row["roles"].append(role)
        if event not in row["events"]:
            row["events"].append(event)
        return number


def export_esf(conn: Connection, sel: Selection, out: Path) -> list[Written]:
    ledger = ledger_rows(conn, sel)
    groups: dict[str, dict[str, Any]] = {}
    for r in ledger:
        groups[r["claim_id"]] = r
        if r.get("event_id"):
            groups.setdefault(r["event_id"], r)
    docs = sel.doc_by_id
    persons = Persons(sel)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for x in sel.extractions["event"]:
        d = x["data"]
        if d.get("negated") or d.get("hypothetical"):
            continue
        doc = docs[x["document_id"]]
        ev = x["id"]
        place = d.get("place") if isinstance(d.get("place"), str) else None
        start, end = d.get("date_start"), d.get("date_end")
        label = (x["label"] or "event").replace("_", " ")
        title = ", ".join(v for v in (label, d.get("date_text"), place) if v)
        where = {"document_id": x["document_id"], "start": x["start"], "end": x["end"]}
        g = groups.get(ev) or {}
        rows["events"].append({
            "event_record_number": ev, "event_title": title, "violation_type": x["label"],
            "initial_date": start, "final_date": end,
            "date_type": None if not start else "exact" if start == end else "range",
            "date_text": d.get("date_text"), "geographical_term": place,
            "place_entity_id": sel.resolve(place), "event_description": x["text"],
            "violation_status": "alleged", "number_of_victims": d.get("count"),
            "number_of_victims_high": d.get("count_high"), "victims_counted": d.get("count_of"),
            "ledger_group": g.get("group_id"), "document_sha256": x["document_sha256"],
            **where})
        acts = []
        victims: list[str | None] = [v for v in d.get("victims") or [] if isinstance(v, str)]
        for victim in victims or [None]:
            act = _num("ff-act", ev, sel.redactor.text(victim or ""))
            acts.append(act)
            rows["acts"].append({
                "act_record_number": act, "event_record_number": ev,
                "victim_record_number": persons.add(victim, "victim", ev) if victim else None,
                "victim_name": victim, "type_of_act": act_type(x["label"]),
                "violation_type": x["label"], "initial_date": start, "final_date": end,
                "exact_location": place, "document_sha256": x["document_sha256"], **where})
        for perp in [p for p in d.get("perpetrators") or [] if isinstance(p, str)]:
            number = persons.add(perp, "perpetrator", ev)
            for act in acts:
                rows["involvements"].append({
                    "involvement_record_number": _num("ff-inv", act, sel.redactor.text(perp)),
                    "act_record_number": act, "event_record_number": ev,
                    "perpetrator_record_number": number, "perpetrator_name": perp,
                    "degree_of_involvement": None, **where})
        claimant = d.get("claimant") if isinstance(d.get("claimant"), str) else None
        rows["information"].append({
            "information_record_number": _num("ff-info", ev), "record_type": "event",
            "record_number": ev,
            "source_record_number": persons.add(claimant, "source", ev) if claimant else None,
            "source_name": claimant or doc["publisher"],
            "source_connection": "quoted or cited by the document" if claimant and
            claimant != doc["publisher"] else "publisher",
            "publisher": doc["publisher"], "document_sha256": x["document_sha256"],
            "document_title": doc["title"], "url": doc["url"] or doc["source_url"],
            "date_of_source_material": doc["published"], "passage": x["text"],
            "source_start": x["source_start"], "source_end": x["source_end"],
            "reliability": g.get("reliability"), "credibility": g.get("credibility"),
            "date_received": doc["collected_at"],
            "received_by": sel.redactor.value(doc["collector"]), **where})
    rows["persons"] = [p for p in persons.rows.values() if not sel.hidden(p["entity_id"])]
    return [write_table(out, name, "csv", TABLES[name], rows[name], sel.redactor)
            for name in TABLES]
