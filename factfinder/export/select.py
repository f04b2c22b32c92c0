"""What one export reads: the filters, and the rows of the case they keep.

Filters restrict *documents*; everything hanging off documents follows (the mentions, dates,
claims, quotes and events extracted from the kept documents, the entities mentioned in them,
the ledger's claims said in them). Lists and their records are case-wide: they follow only
``collection`` (a list's collection is its file). Protected documents (web submissions) are
left out unless ``include_protected``.

Rows are read as they are stored; redaction is applied when they are written
(:mod:`factfinder.export.files`), so that every format redacts the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.engine import Connection

from factfinder.db.schema import (
    documents,
    entities,
    entity_mentions,
    extractions,
    list_records,
    lists,
    originals,
)
from factfinder.documents import PROTECTED_MARK
from factfinder.ledger.entries import doc_rows, form_index, resolve_name
from factfinder.redaction import Redactor

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
KINDS = ("mention", "date", "claim", "quote", "event")


class FilterError(ValueError):
    """A filter that cannot be applied (a bad date, an unknown entity)."""


@dataclass(frozen=True)
class Filters:
    """Which part of the case to export (every field optional; fields are ANDed).

    * ``entity``: documents that mention this entity (id or unique prefix);
    * ``event_type``: documents with an extracted event of this type — and only events of
      this type in the events tables;
    * ``since`` / ``until``: the document's published date (``YYYY``, ``YYYY-MM`` or
      ``YYYY-MM-DD``, inclusive, compared on as many characters as given); documents without
      a date are left out when either is given;
    * ``collection``: the file the documents came in — the original's file name (a mailbox,
      a WARC crawl, an archived page with its posts, a list file), ``*`` and ``?`` allowed —
      or the original's SHA-256 (a prefix of 8 or more characters), or a web submission's id;
    * ``include_protected``: also protected documents and protected persons (marked).
    """

    entity: str | None = None
    event_type: str | None = None
    since: str | None = None
    until: str | None = None
    collection: str | None = None
    include_protected: bool = False

    def check(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not DATE_RE.match(value):
                raise FilterError(f"--{name} takes YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        if self.since and self.until and self.since[:len(self.until)] > self.until:
            raise FilterError(f"--since {self.since} is after --until {self.until}")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Selection:
    """The rows one export writes (unredacted; see :class:`Redactor`)."""

    filters: Filters
    redactor: Redactor
    documents: list[dict[str, Any]] = field(default_factory=list)
    extractions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    links: dict[str, dict[str, Any]] = field(default_factory=dict)  # extraction id → entity
    entities: list[dict[str, Any]] = field(default_factory=list)
    lists: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    index: dict[str, tuple[str, str]] = field(default_factory=dict)  # form → exported entity

    @property
    def doc_by_id(self) -> dict[str, dict[str, Any]]:
        return {d["id"]: d for d in self.documents}

    def hidden(self, entity_id: str | None) -> bool:
        return self.redactor.hides_entity(entity_id)

    def resolve(self, name: str | None) -> str | None:
        """The id of the exported entity a name as written (a victim, a claimant) refers to,
        if entity resolution knows the form; None for a hidden protected entity."""
        got = resolve_name(self.index, name)
        return got[0] if got else None


def _like_glob(pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch in "%_\\":
            out.append("\\" + ch)
        elif ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append(ch)
    return "".join(out)


def _stem(name: str) -> str:
    """``list_a.csv`` → ``list_a`` (a list is named after its file)."""
    return name.rsplit(".", 1)[0] if "." in name.rsplit("/", 1)[-1] else name


def _collection_cond(name: str, filename: Any, sha: Any) -> Any:
    conds = [filename.ilike(_like_glob(name), escape="\\")]
    if re.fullmatch(r"[0-9a-fA-F]{8,64}", name):
        conds.append(sha.like(name.lower() + "%"))
    return conds


def document_query(conn: Connection, flt: Filters) -> Select[Any]:
    """The ids of the documents ``flt`` keeps (a subquery for everything else)."""
    q = select(documents.c.id).join(originals, originals.c.sha256 == documents.c.original_sha256)
    if not flt.include_protected:
        q = q.where(documents.c.meta.not_like(PROTECTED_MARK))
    if flt.since:
        q = q.where(func.substr(documents.c.published, 1, len(flt.since)) >= flt.since)
    if flt.until:
        q = q.where(func.substr(documents.c.published, 1, len(flt.until)) <= flt.until)
    if flt.entity:
        q = q.where(documents.c.id.in_(select(entity_mentions.c.document_id).where(
            entity_mentions.c.entity_id == flt.entity)))
    if flt.event_type:
        q = q.where(documents.c.id.in_(select(extractions.c.document_id).where(
            extractions.c.kind == "event", extractions.c.label == flt.event_type)))
    if flt.collection:
        conds = _collection_cond(flt.collection, originals.c.filename, originals.c.sha256)
        conds.append(documents.c.meta.like(
            f'%"submission": {json.dumps(flt.collection)}%'))
        q = q.where(or_(*conds))
    return q


def resolve_entity(conn: Connection, flt: Filters, redactor: Redactor) -> Filters:
    """``flt`` with its entity prefix made a full id (an error for an unknown, ambiguous or —
    for a reader who may not see it — protected entity)."""
    if not flt.entity:
        return flt
    ids = conn.execute(select(entities.c.id).where(entities.c.id.like(flt.entity + "%"))
                       .limit(2)).scalars().all()
    if len(ids) != 1:
        raise FilterError(f"no entity {flt.entity!r}" if not ids else
                          f"entity id prefix {flt.entity!r} is ambiguous")
    if redactor.hides_entity(str(ids[0])):
        raise FilterError(f"entity {flt.entity} is protected: export it with "
                          "--include-protected")
    return Filters(**{**flt.as_json(), "entity": str(ids[0])})


def read_selection(conn: Connection, flt: Filters) -> Selection:
    flt.check()
    redactor = Redactor.load(conn, visible=flt.include_protected)
    flt = resolve_entity(conn, flt, redactor)
    sel = Selection(flt, redactor)
    kept = document_query(conn, flt)
    q = (select(documents, originals.c.filename, originals.c.source_url,
                originals.c.collector, originals.c.collected_at,
                originals.c.media_type.label("original_media_type"))
         .join(originals, originals.c.sha256 == documents.c.original_sha256)
         .where(documents.c.id.in_(kept)).order_by(documents.c.pk))
    for r in conn.execute(q).mappings():
        d = dict(r)
        d.pop("offset_map", None)
        d["meta"] = json.loads(d["meta"] or "{}")
        sel.documents.append(d)
    sha = {d["id"]: d["original_sha256"] for d in sel.documents}
    sel.extractions = {k: [] for k in KINDS}
    xq = select(extractions).where(extractions.c.document_id.in_(kept)).order_by(
        extractions.c.pk)
    for r in conn.execute(xq).mappings():
        x = dict(r)
        if x["kind"] not in sel.extractions:
            continue
        x["data"] = json.loads(x["data"] or "{}")
        if x["kind"] == "event" and flt.event_type and x["label"] != flt.event_type:
            continue
        x["document_sha256"] = sha.get(x["document_id"])
        sel.extractions[x["kind"]].append(x)
    for r in conn.execute(select(entity_mentions).where(
            entity_mentions.c.document_id.in_(kept))).mappings():
        sel.links[r["extraction_id"]] = dict(r)
    _read_entities(conn, sel)
    _read_lists(conn, sel)
    publishers = doc_rows(conn, {d["id"] for d in sel.documents}, with_text=False)
    for d in sel.documents:
        d["publisher"] = publishers[d["id"]]["publisher"]
    shown = {e["id"] for e in sel.entities if not sel.hidden(e["id"])}
    sel.index = {f: v for f, v in form_index(conn).items() if v[0] in shown}
    return sel


def _read_entities(conn: Connection, sel: Selection) -> None:
    per: dict[str, list[dict[str, Any]]] = {}
    for link in sel.links.values():
        per.setdefault(link["entity_id"], []).append(link)
    ids = sorted(per)
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        rows.extend(dict(r) for r in conn.execute(
            select(entities).where(entities.c.id.in_(ids[i:i + 500]))).mappings())
    coords = _place_coordinates(sel)
    for r in sorted(rows, key=lambda r: r["id"]):
        data = json.loads(r["data"] or "{}")
        links = per[r["id"]]
        forms: dict[str, int] = {}
        for link in links:
            forms[link["form"]] = forms.get(link["form"], 0) + 1
        sel.entities.append({
            "id": r["id"], "type": r["type"], "name": r["name"],
            "aliases": list(data.get("aliases") or []), "canonical": data.get("canonical"),
            "forms": sorted(forms, key=lambda f: (-forms[f], f)), "mentions": len(links),
            "documents": sorted({link["document_id"] for link in links}),
            "protected": bool(data.get("protected")),
            "coordinates": coords.get(r["id"]),
        })


def _place_coordinates(sel: Selection) -> dict[str, list[float]]:
    """Coordinates of places, from their mentions (the place vocabulary gives them)."""
    out: dict[str, list[float]] = {}
    for m in sel.extractions.get("mention", []):
        link = sel.links.get(m["id"])
        c = m["data"].get("coordinates")
        if link and isinstance(c, list) and len(c) == 2:
            out.setdefault(link["entity_id"], [float(c[0]), float(c[1])])
    return out


def _read_lists(conn: Connection, sel: Selection) -> None:
    q = select(lists, originals.c.filename).outerjoin(
        originals, originals.c.sha256 == lists.c.original_sha256).order_by(lists.c.name)
    if sel.filters.collection:
        q = q.where(or_(*_collection_cond(sel.filters.collection, originals.c.filename,
                                          lists.c.original_sha256),
                        lists.c.name.ilike(_like_glob(_stem(sel.filters.collection)),
                                           escape="\\")))
    for r in conn.execute(q).mappings():
        sel.lists.append({"id": r["id"], "name": r["name"], "filename": r["filename"],
                          "original_sha256": r["original_sha256"], "records": r["records"],
                          "mapping": json.loads(r["mapping"] or "{}"),
                          "created_at": r["created_at"]})
    names = {x["id"]: x["name"] for x in sel.lists}
    if not names:
        return
    rq = select(list_records).where(list_records.c.list_id.in_(list(names))).order_by(
        list_records.c.pk)
    for r in conn.execute(rq).mappings():
        rec = dict(r)
        rec.pop("pk", None)
        rec["list"] = names[rec["list_id"]]
        rec["data"] = json.loads(rec["data"] or "{}")
        sel.records.append(rec)
