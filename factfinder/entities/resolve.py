"""Entity resolution over a case: mentions → entities, then the analysts' decisions.

``resolve_entities(db, actor)`` reads every extracted mention, clusters them
(``factfinder.entities.cluster``), gives each cluster its stable id, replays the decisions
(``factfinder.entities.decisions``) and rewrites ``entities`` and ``entity_mentions`` in one
transaction, with a ``resolve-entities`` custody entry holding the counts.

Stable ids: an entity's id is the SHA-256 (first 20 hex digits) of its type and its anchor: the
vocabulary's canonical name for a known organisation or place, otherwise the name key
(``factfinder.names``) of its most complete form (most name parts, then most mentions). The same
mentions therefore always give the same ids, whatever order the documents come in; an id
changes only when what the entity is anchored on changes (a fuller form of the name appears).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import documents, entities, entity_documents, entity_mentions, extractions
from factfinder.entities import decisions as dec
from factfinder.entities import names
from factfinder.entities.cluster import Cluster, Mention, cluster_mentions, fold
from factfinder.entities.context import Span


@dataclass
class ResolveReport:
    mentions: int = 0
    entities: dict[str, int] = field(default_factory=dict)  # type → count
    decisions_applied: int = 0
    decisions_skipped: list[int] = field(default_factory=list)  # pks that found no entity

    def as_json(self) -> dict[str, object]:
        return {"mentions": self.mentions, "entities": self.entities,
                "decisions_applied": self.decisions_applied,
                "decisions_skipped": self.decisions_skipped}


def load_mentions(db: Database) -> tuple[list[Mention], dict[str, str]]:
    with db.read() as conn:
        rows = conn.execute(select(
            extractions.c.id, extractions.c.document_id, extractions.c.start, extractions.c.end,
            extractions.c.text, extractions.c.label, extractions.c.data).where(
                extractions.c.kind == "mention").order_by(extractions.c.pk)).all()
        doc_ids = sorted({r[1] for r in rows})
        texts: dict[str, str] = {}
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i:i + 500]
            texts.update((r[0], r[1]) for r in conn.execute(select(
                documents.c.id, documents.c.text).where(documents.c.id.in_(chunk))))
    out = []
    for r in rows:
        data = json.loads(r[6] or "{}")
        out.append(Mention(r[0], r[1], r[2], r[3], r[4], r[5] or "",
                           str(data.get("normalized") or r[4]), str(data.get("source") or "")))
    return out, texts


def load_spans(db: Database) -> list[Span]:
    """The events and dates extracted from the documents: the persons' context (roles, dates
    near a mention)."""
    with db.read() as conn:
        rows = conn.execute(select(
            extractions.c.document_id, extractions.c.kind, extractions.c.start,
            extractions.c.end, extractions.c.data).where(
                extractions.c.kind.in_(("event", "date"))).order_by(extractions.c.pk)).all()
    out = []
    for doc_id, kind, start, end, raw in rows:
        data = json.loads(raw or "{}")
        out.append(Span(doc_id, kind, int(start or 0), int(end or 0),
                        data if isinstance(data, dict) else {}))
    return out


def _parts(form: str) -> int:
    given, family = names.parts(form)
    return len(given) + len(family)


def anchor_of(c: Cluster | dec.Work, forms: Counter[str]) -> str:
    if c.canonical:
        return f"{c.type}|vocab|{c.canonical}"
    best = max(forms, key=lambda f: (_parts(f) if c.type == "person" else len(f.split()),
                                     forms[f], f))
    key = names.full_key(best) if c.type == "person" else fold(best)
    return f"{c.type}|{key}"


def preferred(w: dec.Work, forms: Counter[str]) -> str:
    if w.name:
        return w.name
    if w.canonical:
        return w.canonical
    full = [f for f in forms if _parts(f) >= 2] if w.type == "person" else list(forms)
    pool = full or list(forms)
    return max(pool, key=lambda f: (forms[f], len(f), f))


def entity_id(anchor: str) -> str:
    return hashlib.sha256(anchor.encode("utf-8")).hexdigest()[:20]


def build(mentions: list[Mention], texts: dict[str, str],
          spans: list[Span] | None = None) -> dict[str, dec.Work]:
    """The algorithm's entities, by stable id."""
    by_id = {m.id: m for m in mentions}
    clusters = cluster_mentions(mentions, texts, spans)
    keyed = []
    for c in clusters:
        forms = Counter(by_id[mid].text for mid in c.members)
        first = min((by_id[mid].document_id, by_id[mid].start, mid) for mid in c.members)
        keyed.append((anchor_of(c, forms), first, c))
    state: dict[str, dec.Work] = {}
    for anchor, first, c in sorted(keyed, key=lambda k: (k[0], k[1])):
        eid = entity_id(anchor)
        if eid in state:  # two entities with one anchor: the later one is told by its first mention
            eid = entity_id(f"{anchor}|{first[0]}|{first[1]}")
        state[eid] = dec.Work(c.type, dict(c.members),
                              {mid: by_id[mid].text for mid in c.members},
                              canonical=c.canonical, aliases=set(c.aliases))
    return state


def resolve_entities(db: Database, actor: str) -> ResolveReport:
    """Rebuild the entities of the case and replay the decisions; log it."""
    mentions, texts = load_mentions(db)
    doc_of = {m.id: m.document_id for m in mentions}
    state = build(mentions, texts, load_spans(db))
    with db.read() as conn:
        taken = dec.load(conn)
    applier = dec.Applier(state)
    for d in taken:
        applier.apply(d)
    report = ResolveReport(mentions=len(doc_of), decisions_applied=applier.applied,
                           decisions_skipped=applier.skipped)
    now = custody.utcnow()
    ent_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    for eid in sorted(state):
        w = state[eid]
        if not w.members:
            continue
        forms = Counter(w.forms.values())
        report.entities[w.type] = report.entities.get(w.type, 0) + 1
        data = {"forms": dict(sorted(forms.items())), "aliases": sorted(w.aliases),
                "canonical": w.canonical, "anchor": anchor_of(w, forms),
                "decisions": w.decisions, "protected": w.protected,
                "documents": sorted({doc_of[m] for m in w.members})}
        ent_rows.append({"pk": len(ent_rows) + 1, "id": eid, "type": w.type,
                         "name": preferred(w, forms),
                         "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                         "updated_at": now})
        for mid, (how, score) in w.members.items():
            link_rows.append({"entity_id": eid, "extraction_id": mid,
                              "document_id": doc_of[mid], "form": w.forms[mid], "how": how,
                              "score": round(float(score), 4)})
    with db.write() as conn:
        if not link_rows and not conn.execute(select(entities.c.id).limit(1)).first():
            return report  # nothing extracted, nothing before: nothing to log
        conn.execute(delete(entity_mentions))
        conn.execute(delete(entity_documents))
        conn.execute(delete(entities))
        for i in range(0, len(ent_rows), 1000):
            conn.execute(insert(entities), ent_rows[i:i + 1000])
        for i in range(0, len(link_rows), 1000):
            conn.execute(insert(entity_mentions), link_rows[i:i + 1000])
        # entity_documents by integer keys: the entities' pks were given above, the documents'
        # are looked up
        doc_pk: dict[str, int] = {}
        doc_ids = sorted({r["document_id"] for r in link_rows})
        for i in range(0, len(doc_ids), 500):
            doc_pk.update(conn.execute(select(documents.c.id, documents.c.pk).where(
                documents.c.id.in_(doc_ids[i:i + 500]))).all())
        ent_pk = {r["id"]: r["pk"] for r in ent_rows}
        pairs = sorted({(doc_pk[r["document_id"]], ent_pk[r["entity_id"]]) for r in link_rows
                        if r["document_id"] in doc_pk})
        for i in range(0, len(pairs), 1000):
            conn.execute(insert(entity_documents), [{"document_pk": d, "entity_pk": e}
                                                    for d, e in pairs[i:i + 1000]])
        custody.append(conn, "resolve-entities", f"{len(ent_rows)} entities", actor,
                       report.as_json())
    return report
