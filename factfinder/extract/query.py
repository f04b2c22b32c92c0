"""Reading extracted items back, in the stable JSON shape the commands print."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, extractions

# Keys every item of a kind has in JSON (null when unknown), beyond the common ones.
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "mention": ("label", "normalized"),
    "date": ("date_start", "date_end", "precision", "calendar"),
    "quote": ("speaker", "cue", "direct"),
    "claim": ("low", "high", "counted", "predicate", "claimant"),
    "event": ("type", "perpetrators", "victims", "place", "date_start", "date_end", "count",
              "claimant"),
}


DOC_ID_LEN = 16  # document ids are 16 hex digits; a shorter one is a prefix


@dataclass
class ItemFilter:
    kind: str
    document_id: str | None = None
    label: str | None = None
    contains: str | None = None
    limit: int | None = None
    offset: int = 0


def item_json(row: Any) -> dict[str, Any]:
    data = json.loads(row["data"] or "{}")
    out: dict[str, Any] = {
        "id": row["id"], "kind": row["kind"], "document_id": row["document_id"],
        "start": row["start"], "end": row["end"], "text": row["text"],
        "source_start": row["source_start"], "source_end": row["source_end"],
    }
    for key in KIND_KEYS.get(row["kind"], ()):
        out[key] = row["label"] if key in ("label", "type") and row["label"] else data.get(key)
    for key, value in data.items():
        out.setdefault(key, value)
    out["confidence"] = row["confidence"]
    out["extractor"] = f"{row['extractor']} {row['version']}"
    return out


def list_items(conn: Connection, flt: ItemFilter) -> list[dict[str, Any]]:
    query = (select(extractions)
             .join(documents, documents.c.id == extractions.c.document_id)
             .where(extractions.c.kind == flt.kind))
    if flt.document_id and len(flt.document_id) >= DOC_ID_LEN:  # a full id: the index serves
        query = query.where(extractions.c.document_id == flt.document_id)
    elif flt.document_id:
        query = query.where(extractions.c.document_id.like(flt.document_id + "%"))
    if flt.label:
        query = query.where(extractions.c.label == flt.label)
    if flt.contains:
        query = query.where(extractions.c.text.ilike(f"%{flt.contains}%"))
    query = query.order_by(documents.c.pk, extractions.c.start, extractions.c.end)
    query = query.offset(flt.offset)
    if flt.limit:
        query = query.limit(flt.limit)
    return [item_json(r) for r in conn.execute(query).mappings()]
