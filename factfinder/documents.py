"""Reading documents back: listing, one document, its original and provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, originals


@dataclass
class DocumentFilter:
    kind: str | None = None
    parent_id: str | None = None
    duplicates_only: bool = False
    include_pages: bool = True
    limit: int | None = None
    offset: int = 0
    exclude_protected: bool = False  # leave out protected documents (web submissions)


# Protected documents (submissions from families and witnesses) carry ``"protected": true`` in
# their ``meta`` JSON (written with ``json.dumps``, so always with this spacing).
PROTECTED_MARK = '%"protected": true%'


def is_protected_meta(meta: str | dict[str, Any] | None) -> bool:
    """Whether a document's ``meta`` (JSON text or parsed) marks it protected (a submission)."""
    if isinstance(meta, str):
        try:
            meta = json.loads(meta or "{}")
        except ValueError:
            return True  # unreadable: fail towards hiding
    return isinstance(meta, dict) and meta.get("protected") is True


def protected_pks(conn: Connection) -> set[int]:
    """Primary keys of the protected documents."""
    return {int(r[0]) for r in conn.execute(
        select(documents.c.pk).where(documents.c.meta.like(PROTECTED_MARK)))}


def _summary(row: Any) -> dict[str, Any]:
    """The stable JSON shape of a document (documented in docs/cli.md; scripts depend on it)."""
    return {
        "id": row["id"],
        "sha256": row["original_sha256"],
        "title": row["title"],
        "url": row["url"],
        "published": row["published"],
        "parent_id": row["parent_id"],
        "duplicate_group": row["duplicate_group"],
        "chars": row["chars"],
        "kind": row["kind"],
        "media_type": row["media_type"],
        "filename": row["filename"],
    }


_COLUMNS = [
    documents.c.pk, documents.c.id, documents.c.original_sha256, documents.c.title,
    documents.c.url, documents.c.published, documents.c.parent_id, documents.c.duplicate_group,
    documents.c.chars, documents.c.kind, documents.c.media_type, originals.c.filename,
]


def list_documents(conn: Connection, flt: DocumentFilter | None = None) -> list[dict[str, Any]]:
    flt = flt or DocumentFilter()
    query = select(*_COLUMNS).join(originals, originals.c.sha256 == documents.c.original_sha256)
    if flt.kind:
        query = query.where(documents.c.kind == flt.kind)
    if not flt.include_pages:
        query = query.where(documents.c.kind != "page")
    if flt.parent_id:
        query = query.where(documents.c.parent_id == flt.parent_id)
    if flt.duplicates_only:
        query = query.where(documents.c.duplicate_group.is_not(None))
    if flt.exclude_protected:
        query = query.where(documents.c.meta.not_like(PROTECTED_MARK))
    query = query.order_by(documents.c.pk).offset(flt.offset)
    if flt.limit:
        query = query.limit(flt.limit)
    return [_summary(r) for r in conn.execute(query).mappings()]


def count_documents(conn: Connection, exclude_protected: bool = False) -> dict[str, int]:
    """How many documents of each kind (``exclude_protected``: not counting protected ones)."""
    query = select(documents.c.kind, func.count()).group_by(documents.c.kind)
    if exclude_protected:
        query = query.where(documents.c.meta.not_like(PROTECTED_MARK))
    rows = conn.execute(query).all()
    return {str(k): int(n) for k, n in rows}


def summaries_by_pk(conn: Connection, pks: list[int]) -> dict[int, dict[str, Any]]:
    if not pks:
        return {}
    query = select(*_COLUMNS).join(
        originals, originals.c.sha256 == documents.c.original_sha256
    ).where(documents.c.pk.in_(pks))
    return {int(r["pk"]): _summary(r) for r in conn.execute(query).mappings()}


def get_document(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    """A document with its text, provenance and relations (prefix of the id accepted)."""
    query = select(documents, originals.c.filename, originals.c.source_url,
                   originals.c.collector, originals.c.collected_at, originals.c.size,
                   originals.c.reader, originals.c.media_type.label("original_media_type"))
    query = query.join(originals, originals.c.sha256 == documents.c.original_sha256)
    rows = conn.execute(query.where(documents.c.id.like(doc_id + "%")).limit(2)).mappings().all()
    if len(rows) != 1:
        return None
    r = rows[0]
    doc = _summary(r)
    doc.update({
        "text": r["text"],
        "author": r["author"],
        "site_name": r["site_name"],
        "unit_key": r["unit_key"],
        "source_span": [r["source_start"], r["source_end"]],
        "layer_sha256": r["layer_sha256"],
        "meta": json.loads(r["meta"] or "{}"),
        "original": {
            "sha256": r["original_sha256"],
            "filename": r["filename"],
            "source_url": r["source_url"],
            "media_type": r["original_media_type"],
            "size": r["size"],
            "collector": r["collector"],
            "collected_at": r["collected_at"],
            "reader": r["reader"],
        },
    })
    if r["duplicate_group"]:
        doc["duplicates"] = [
            row[0] for row in conn.execute(
                select(documents.c.id).where(
                    documents.c.duplicate_group == r["duplicate_group"],
                    documents.c.id != r["id"],
                ).order_by(documents.c.pk)
            )
        ]
    else:
        doc["duplicates"] = []
    doc["posts"] = [
        row[0] for row in conn.execute(
            select(documents.c.id).where(documents.c.parent_id == r["id"]).order_by(
                documents.c.pk)
        )
    ]
    return doc


def offset_map_of(conn: Connection, doc_id: str) -> str | None:
    row = conn.execute(select(documents.c.offset_map).where(documents.c.id == doc_id)).first()
    return str(row[0]) if row else None
