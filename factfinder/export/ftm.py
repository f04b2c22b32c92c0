"""The ``ftm`` export: FollowTheMoney entities, one JSON object a line (``entities.ftm.json``),
ready for ``ftm validate``, ``alephclient write-entities`` or any FtM tool.

Schemata:

* ``Person`` / ``Organization`` (our persons and organisations: name, aliases, every form),
  ``Address`` (our places: ``full``, latitude and longitude when the gazetteer has them);
* ``Document`` (title, file name, the original's SHA-256 in ``notes`` — FtM's
  ``contentHash`` is a SHA-1 —, publisher,
  dates, source URL, the redacted text as ``bodyText``);
* ``Event`` (an extracted event: type, passage, dates, place, involved persons, ``proof`` =
  its document);
* ``Mention`` (a person or organisation named in a document: ``resolved`` → the entity,
  ``document`` → the document, the forms as written), ``Documentation`` (a place named in a
  document, role ``mentioned``), ``UnknownLink`` (a role in an event: subject = the person,
  object = the event, role victim / perpetrator / participant / source, ``proof`` = the
  document).

Ids are stable: ``ff-entity-<id>``, ``ff-doc-<id>``, ``ff-event-<id>`` for what has an id of
ours, and FtM's ``make_id`` (a SHA-1 of the parts) for the links. followthemoney is an
optional dependency (``pip install 'factfinder[ftm]'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from factfinder.export.files import ExportError, Written, redact_rows, write_file
from factfinder.export.select import Selection
from factfinder.export.tables import entity_rows

FILE = "entities.ftm.json"
SCHEMA = {"person": "Person", "organisation": "Organization", "place": "Address"}
ROLES = (("victims", "victim"), ("perpetrators", "perpetrator"),
         ("participants", "participant"))
PROTECTED_NOTE = "protected person (factfinder): do not disclose"


def require_followthemoney() -> None:
    try:
        import followthemoney  # noqa: F401
    except ImportError as exc:
        raise ExportError("the ftm export needs the followthemoney package: pip install "
                          "'factfinder[ftm]' (or pip install followthemoney)") from exc


def _entity_id(eid: str) -> str:
    return f"ff-entity-{eid}"


class Builder:
    """Makes the proxies and checks each one against its schema."""

    def __init__(self) -> None:
        from followthemoney import model

        self.model = model
        self.proxies: list[Any] = []

    def make(self, schema: str, eid: str | None = None, *parts: Any, **props: Any) -> Any:
        proxy = self.model.make_entity(schema)
        if eid is not None:
            proxy.id = eid
        else:
            proxy.make_id("factfinder", schema, *parts)
        cut: list[str] = []
        for prop, value in props.items():
            limit = _max_length(proxy.schema, prop)
            for v in value if isinstance(value, (list, tuple)) else [value]:
                if v is not None and v != "":
                    v = v if isinstance(v, str) else str(v)
                    if limit and len(v.encode("utf-8")) > limit:  # FtM's limit (bodyText: 65,000)
                        v = v.encode("utf-8")[:limit - 100].decode("utf-8", "ignore")
                        cut.append(prop)
                    proxy.add(prop, v)
        if cut and "notes" in proxy.schema.properties:
            proxy.add("notes", "cut to FollowTheMoney's length limit: " + ", ".join(cut)
                      + " (the full text is in the csv/json export and the original)")
        data: Any = proxy.to_dict()
        proxy.schema.validate(data)  # raises InvalidData (a bug of ours)
        self.proxies.append(proxy)
        return proxy


def _max_length(schema: Any, prop: str) -> int | None:
    p = schema.get(prop)
    return int(p.max_length) if p is not None and getattr(p, "max_length", None) else None


def _add_entities(b: Builder, sel: Selection) -> set[str]:
    made = set()
    for e in redact_rows(entity_rows(sel), sel.redactor):
        schema = SCHEMA.get(e["type"])
        if schema is None:
            continue
        names = [e["name"], *e["aliases"], *e["forms"]]
        others = [n for n in dict.fromkeys(names) if n != e["name"]]
        note = PROTECTED_NOTE if e["protected"] else None
        if schema == "Address":
            b.make(schema, _entity_id(e["id"]), full=e["name"], name=e["name"], alias=others,
                   latitude=e["latitude"], longitude=e["longitude"], notes=note)
        else:
            b.make(schema, _entity_id(e["id"]), name=e["name"], alias=others, notes=note,
                   keywords="protected" if e["protected"] else None)
        made.add(e["id"])
    return made


def _add_documents(b: Builder, sel: Selection) -> None:
    docs = redact_rows(sel.documents, sel.redactor)
    for d in docs:
        b.make("Document", f"ff-doc-{d['id']}", title=d["title"] or d["filename"],
               fileName=d["filename"], notes=f"original SHA-256 {d['original_sha256']}",
               mimeType=d["media_type"], publishedAt=_date(d["published"]),
               author=d["author"], publisher=d["publisher"],
               sourceUrl=d["url"] or d["source_url"], bodyText=d["text"],
               keywords="protected" if d["meta"].get("protected") else None)


def _date(value: str | None) -> str | None:
    return value[:10] if value else None


def _add_mentions(b: Builder, sel: Selection, made: set[str]) -> None:
    types = {e["id"]: e["type"] for e in sel.entities}
    per: dict[tuple[str, str], list[str]] = {}
    for link in sorted(sel.links.values(), key=lambda x: x["pk"]):
        if link["entity_id"] in made:
            per.setdefault((link["entity_id"], link["document_id"]), []).append(link["form"])
    for (eid, doc), forms in sorted(per.items()):
        forms = list(dict.fromkeys(sel.redactor.text(f) for f in forms))
        if types[eid] == "place":
            b.make("Documentation", None, eid, doc, document=f"ff-doc-{doc}",
                   entity=_entity_id(eid), role="mentioned", summary="; ".join(forms))
        else:
            b.make("Mention", None, eid, doc, document=f"ff-doc-{doc}",
                   resolved=_entity_id(eid), name=forms, detectedSchema=SCHEMA[types[eid]])


def _add_events(b: Builder, sel: Selection, made: set[str]) -> None:
    docs = {d["id"]: d for d in sel.documents}
    types = {e["id"]: e["type"] for e in sel.entities}
    for x in redact_rows(sel.extractions["event"], sel.redactor):
        d = x["data"]
        place = d.get("place") if isinstance(d.get("place"), str) else None
        place_id = sel.resolve(place)
        roles: list[tuple[str, str]] = []
        for key, role in ROLES:
            for name in d.get(key) or []:
                eid = sel.resolve(name) if isinstance(name, str) else None
                if eid in made:
                    roles.append((eid, role))
        source = sel.resolve(d.get("claimant"))
        if source in made:
            roles.append((source, "source"))
        label = (x["label"] or "event").replace("_", " ")
        when = d.get("date_start") if d.get("date_start") == d.get("date_end") else None
        name = ", ".join(v for v in (label, when or d.get("date_text"), place) if v)
        doc = docs[x["document_id"]]
        event = b.make(
            "Event", f"ff-event-{x['id']}", name=name, summary=x["text"],
            date=when, startDate=d.get("date_start"), endDate=d.get("date_end"),
            location=place, addressEntity=_entity_id(place_id) if place_id in made
            and types[place_id] == "place" else None,
            involved=[_entity_id(e) for e, r in roles
                      if r != "source" and types[e] != "place"],
            proof=f"ff-doc-{x['document_id']}", sourceUrl=doc["url"], recordId=x["id"],
            keywords=x["label"], publisher=doc["publisher"])
        for eid, role in dict.fromkeys(roles):
            if types[eid] == "place":
                continue
            b.make("UnknownLink", None, eid, x["id"], role, subject=_entity_id(eid),
                   object=event.id, role=role, proof=f"ff-doc-{x['document_id']}")


def export_ftm(conn: Connection, sel: Selection, out: Path) -> list[Written]:
    b = Builder()
    made = _add_entities(b, sel)
    _add_documents(b, sel)
    _add_mentions(b, sel, made)
    _add_events(b, sel, made)
    lines = []
    for proxy in b.proxies:
        data = sel.redactor.json(proxy.to_dict())  # the last word: names masked everywhere
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
    sha = write_file(out, FILE, "".join(lines).encode("utf-8"))
    return [Written(FILE, len(lines), sha)]
