"""Taking a decision: record it (with the forms it is about, so that it survives
re-extraction), log it, and re-resolve so that it shows at once."""

from __future__ import annotations

from sqlalchemy import select

from factfinder.db import Database
from factfinder.db.schema import entities
from factfinder.entities import decisions as dec
from factfinder.entities.query import NotFound, find_entity, forms_of
from factfinder.entities.resolve import ResolveReport, resolve_entities


def _ids_forms(db: Database, *prefixes: str,
               merged: bool = False) -> tuple[list[str], dict[str, list[str]]]:
    """Full ids and current forms; with ``merged``, an id merged away by an earlier decision is
    known too, with the forms it had then."""
    ids: list[str] = []
    forms: dict[str, list[str]] = {}
    with db.read() as conn:
        for p in prefixes:
            try:
                eid = find_entity(conn, p)
                forms[eid] = forms_of(conn, eid)
            except NotFound:
                if not merged:
                    raise
                old = [(i, d["value"]["forms"][i]) for d in dec.load(conn)
                       if d["action"] == "merge" for i in d["subject"]["entities"]
                       if i.startswith(p)]
                if not old:
                    raise
                eid, forms[eid] = old[-1]
            ids.append(eid)
    return ids, forms


def merge(db: Database, a: str, b: str, actor: str) -> tuple[str, ResolveReport]:
    """Merge B into A; the merged entity keeps A's id."""
    ids, forms = _ids_forms(db, a, b)
    if ids[0] == ids[1]:
        raise ValueError("an entity cannot be merged with itself")
    dec.record(db, "merge", {"entities": ids}, {"forms": forms}, actor)
    return ids[0], resolve_entities(db, actor)


def not_same(db: Database, a: str, b: str, actor: str) -> ResolveReport:
    """A and B are different entities: never merged again, by the algorithm or by an earlier
    merge."""
    ids, forms = _ids_forms(db, a, b, merged=True)
    if ids[0] == ids[1]:
        raise ValueError("give two different entities (split one with `entities split`)")
    with db.read() as conn:
        gone = [i for i in ids if not conn.execute(select(entities.c.id).where(
            entities.c.id == i)).first()]
    for i in gone:  # merged away: its forms leave the entity that holds them now
        for j in ids:
            if j != i:
                forms[j] = [f for f in forms[j] if f not in forms[i]]
    dec.record(db, "not-same", {"entities": ids}, {"forms": forms}, actor)
    return resolve_entities(db, actor)


def split(db: Database, entity: str, forms: list[str], actor: str) -> tuple[str, ResolveReport]:
    """Move the mentions written as ``forms`` out of an entity into a new one; returns its id."""
    ids, have = _ids_forms(db, entity)
    eid = ids[0]
    missing = [f for f in forms if f not in have[eid]]
    if missing:
        raise NotFound("not a form of this entity: " + ", ".join(missing))
    if set(forms) >= set(have[eid]):
        raise ValueError("a split must leave at least one form in the entity")
    new = dec.new_id("split", eid, forms)
    dec.record(db, "split", {"entity": eid, "forms": sorted(forms)},
               {"new_id": new, "entity_forms": have[eid]}, actor)
    return new, resolve_entities(db, actor)


def rename(db: Database, entity: str, name: str, actor: str) -> ResolveReport:
    """Give an entity its preferred name."""
    ids, have = _ids_forms(db, entity)
    if not name.strip():
        raise ValueError("the name is empty")
    dec.record(db, "rename", {"entity": ids[0]}, {"name": name.strip(), "forms": have[ids[0]]},
               actor)
    return resolve_entities(db, actor)


def revoke(db: Database, number: int, actor: str,
           reason: str | None = None) -> tuple[dict[str, object], ResolveReport]:
    """Withdraw an earlier decision (by its number) and re-resolve without it."""
    info = dec.revoke(db, number, actor, reason)
    return info, resolve_entities(db, actor)


def protect(db: Database, entity: str, actor: str, reason: str | None = None,
            protected: bool = True) -> ResolveReport:
    """Mark a person (or organisation) as protected — a witness, a source, a submitter — so
    that roles which may not see protected persons get it redacted everywhere (pages, API,
    search snippets, exports); ``protected=False`` lifts it (a decision of its own, logged)."""
    ids, have = _ids_forms(db, entity)
    dec.record(db, "protect" if protected else "unprotect", {"entity": ids[0]},
               {"forms": have[ids[0]], "reason": reason}, actor)
    return resolve_entities(db, actor)
