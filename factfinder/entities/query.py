"""Reading entities back: the listing (stable JSON) and an entity's dossier."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, entities, entity_mentions, extractions

TYPE_NAMES = {"person": "person", "organisation": "organisation", "organization": "organisation",
              "org": "organisation", "place": "place"}


class NotFound(LookupError):
    pass


def entity_json(row: Any, links: list[tuple[str, str]]) -> dict[str, Any]:
    """``links``: (form, document id) of each of the entity's mentions."""
    data = json.loads(row["data"] or "{}")
    forms = Counter(f for f, _ in links)
    docs = list(dict.fromkeys(d for _, d in links))
    return {"id": row["id"], "type": row["type"], "name": row["name"],
            "forms": sorted(forms, key=lambda f: (-forms[f], f)), "mentions": len(links),
            "documents": sorted(docs), "aliases": data.get("aliases", []),
            "canonical": data.get("canonical"), "decisions": data.get("decisions", []),
            "protected": bool(data.get("protected"))}


def list_entities(conn: Connection, type_: str | None = None, contains: str | None = None,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """Entities, most mentioned first. ``contains``: in the name, a form or an alias (case
    ignored). Entities are ranked on the mention counts their row keeps (``data.forms``), so
    only the ``limit`` shown have their mentions read."""
    query = select(entities)
    if type_:
        query = query.where(entities.c.type == TYPE_NAMES.get(type_.lower(), type_.lower()))
    needle = contains.casefold() if contains else None
    if contains:  # a cheap filter in SQL (forms and aliases are in data), checked below
        query = query.where(entities.c.name.ilike(f"%{contains}%")
                            | entities.c.data.ilike(f"%{contains}%"))
    scored = []
    for r in conn.execute(query).mappings():
        data = json.loads(r["data"] or "{}")
        forms = data.get("forms") or {}
        if needle is not None and not any(
                needle in str(x).casefold()
                for x in (r["name"], *forms, *(data.get("aliases") or []))):
            continue
        scored.append((-sum(int(n) for n in forms.values()), r["name"], r["id"], r))
    scored.sort(key=lambda t: t[:3])
    rows = [t[3] for t in (scored[:limit] if limit else scored)]
    ids = [r["id"] for r in rows]
    links: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        for eid, form, doc in conn.execute(select(
                entity_mentions.c.entity_id, entity_mentions.c.form,
                entity_mentions.c.document_id).where(
                    entity_mentions.c.entity_id.in_(ids[i:i + 500]))):
            links[eid].append((form, doc))
    out = [entity_json(r, links[r["id"]]) for r in rows]
    out.sort(key=lambda e: (-e["mentions"], e["name"], e["id"]))
    return out


def find_entity(conn: Connection, prefix: str) -> str:
    """The full id of an entity from a unique prefix."""
    ids = conn.execute(select(entities.c.id).where(entities.c.id.like(prefix + "%"))
                       .limit(2)).scalars().all()
    if not ids:
        raise NotFound(f"no entity {prefix}")
    if len(ids) > 1:
        raise NotFound(f"entity id prefix {prefix} is ambiguous")
    return str(ids[0])


def forms_of(conn: Connection, entity_id: str) -> list[str]:
    return sorted(set(conn.execute(select(entity_mentions.c.form).where(
        entity_mentions.c.entity_id == entity_id)).scalars()))


def _role_hits(value: Any, forms: list[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and any(f.casefold() in v.casefold() for f in forms):
            return True
    return False


def dossier(conn: Connection, entity_id: str, max_documents: int | None = None,
            ) -> dict[str, Any]:
    """Everything the case says about one entity. ``max_documents``: read roles, claims and
    co-mentions only in that many of its documents (those that mention it most), for a page
    that must answer fast; ``documents_read`` / ``documents_total`` say how many."""
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).mappings().one()
    # the mentions counted by (form, document, rule) in SQL: an entity may have tens of
    # thousands of mentions
    grouped = conn.execute(select(entity_mentions.c.form, entity_mentions.c.document_id,
                                  entity_mentions.c.how, func.count())
                           .where(entity_mentions.c.entity_id == entity_id)
                           .group_by(entity_mentions.c.form, entity_mentions.c.document_id,
                                     entity_mentions.c.how)).all()
    form_counts: Counter[str] = Counter()
    how: Counter[str] = Counter()
    per_doc: Counter[str] = Counter()
    for f, d, h, n in grouped:
        form_counts[f] += n
        how[h] += n
        per_doc[d] += n
    out = entity_json(row, [])
    out.update(forms=sorted(form_counts, key=lambda f: (-form_counts[f], f)),
               mentions=sum(form_counts.values()), documents=sorted(per_doc))
    out["form_counts"] = dict(form_counts.most_common())
    out["how"] = dict(how.most_common())
    ranked = sorted(out["documents"], key=lambda d: (-per_doc[d], d))
    docs = ranked[:max_documents] if max_documents else ranked
    out["documents_total"], out["documents_read"] = len(ranked), len(docs)
    titles: dict[str, Any] = {}
    for i in range(0, len(docs), 500):
        titles.update(conn.execute(select(documents.c.id, documents.c.title).where(
            documents.c.id.in_(docs[i:i + 500]))).all())
    out["document_list"] = [{"id": d, "title": titles.get(d), "mentions": per_doc[d]}
                            for d in docs]
    co: Counter[str] = Counter()
    for i in range(0, len(docs), 500):
        co.update(dict(conn.execute(
            select(entity_mentions.c.entity_id,
                   func.count(func.distinct(entity_mentions.c.document_id)))
            .where(entity_mentions.c.document_id.in_(docs[i:i + 500]),
                   entity_mentions.c.entity_id != entity_id)
            .group_by(entity_mentions.c.entity_id)).all()))
    top = sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
    info = {r[0]: (r[1], r[2]) for r in conn.execute(select(
        entities.c.id, entities.c.name, entities.c.type).where(
        entities.c.id.in_([k for k, _ in top])))} if top else {}
    out["co_mentioned"] = sorted(
        ({"id": k, "name": info[k][0], "type": info[k][1], "documents": n}
         for k, n in top if k in info), key=lambda r: (-r["documents"], r["name"]))[:25]
    forms = [f for f in out["forms"] if len(f) >= 3]
    roles: list[dict[str, Any]] = []
    if docs and forms:
        items: list[Any] = []
        for i in range(0, len(docs), 500):
            items += conn.execute(select(extractions.c.pk, extractions.c.id, extractions.c.kind,
                                         extractions.c.document_id, extractions.c.text,
                                         extractions.c.label, extractions.c.data)
                                  .where(extractions.c.document_id.in_(docs[i:i + 500]),
                                         extractions.c.kind.in_(("event", "claim", "quote")))
                                  ).all()
        items = [r[1:] for r in sorted(items, key=lambda r: r[0])]
        for iid, kind, doc, text, label, raw in items:
            data = json.loads(raw or "{}")
            found = False
            for role in ("perpetrators", "victims", "claimant", "speaker"):
                if _role_hits(data.get(role), forms):
                    found = True
                    roles.append({"id": iid, "kind": kind, "role": role, "document_id": doc,
                                  "type": label or data.get("type"), "text": text[:200]})
            if not found and kind in ("claim", "quote") and _role_hits(text, forms):
                # a claim or quotation about the entity (it is named in it), by somebody else
                roles.append({"id": iid, "kind": kind, "role": "about", "document_id": doc,
                              "type": label or data.get("type"), "text": text[:200],
                              "by": data.get("claimant") or data.get("speaker")})
    out["roles"] = roles
    return out
