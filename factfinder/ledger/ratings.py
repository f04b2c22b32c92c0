"""Source evaluation with the Admiralty code: people rate, the machine never guesses.

* Reliability of a source (a publisher, or a claimant entity): A completely reliable, B usually
  reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged.
* Credibility of one claim: 1 confirmed by other sources, 2 probably true, 3 possibly true,
  4 doubtful, 5 improbable, 6 cannot be judged.

Each rating is a row (``source_ratings`` / ``claim_credibility``) and a custody-log entry
(``rate-source`` / ``rate-claim``) naming who rated, with the note; a later rating of the same
source or claim supersedes the earlier one, which stays in the history. An entry's reliability
is that of its origin: the claimant for a relayed claim, else the publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import claim_credibility, entities, entity_mentions, source_ratings
from factfinder.ledger.entries import Entry, doc_rows, form_index, norm, resolve_name
from factfinder.ledger.independence import origin_of

RELIABILITY = {"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
               "D": "not usually reliable", "E": "unreliable", "F": "cannot be judged"}
CREDIBILITY = {1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
               4: "doubtful", 5: "improbable", 6: "cannot be judged"}


class RatingError(ValueError):
    pass


def meets(grade: str, minimum: str) -> bool:
    """Whether reliability ``grade`` is ``minimum`` or better. F (cannot be judged) meets no
    minimum but F itself."""
    grade, minimum = grade.upper(), minimum.upper()
    if grade == "F" or minimum == "F":
        return grade == minimum
    return grade <= minimum


@dataclass
class Ratings:
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # source key → latest
    credibility: dict[str, dict[str, Any]] = field(default_factory=dict)  # claim id → latest

    def reliability_of(self, e: Entry) -> dict[str, Any] | None:
        """The rating of the entry's origin: the claimant of a relayed claim (not the outlet
        that relays it), else the publisher."""
        return self._first(origin_keys(e))

    def publisher_reliability_of(self, e: Entry) -> dict[str, Any] | None:
        return self._first(publisher_keys(e))

    def _first(self, keys: list[str]) -> dict[str, Any] | None:
        for key in keys:
            if key in self.sources:
                return self.sources[key]
        return None


def publisher_keys(e: Entry) -> list[str]:
    keys = ["entity:" + e.publisher_entity] if e.publisher_entity else []
    return keys + [e.publisher_key]


def origin_keys(e: Entry) -> list[str]:
    """Keys under which the entry's origin may be rated (entity first, then its name)."""
    okey, _, kind = origin_of(e)
    if kind == "claimant":
        keys = [okey]
        if e.claimant_entity:
            keys.append("entity:" + e.claimant_entity)
        if e.claimant:
            keys.append("name:" + norm(e.claimant))
        return list(dict.fromkeys(keys))
    return list(dict.fromkeys(([] if okey.startswith("dup:") else [okey]) + publisher_keys(e)))


def load(conn: Connection) -> Ratings:
    r = Ratings()
    for row in conn.execute(select(source_ratings).order_by(source_ratings.c.pk)).mappings():
        r.sources[row["source"]] = {"grade": row["grade"], "meaning": RELIABILITY[row["grade"]],
                                    "source": row["name"], "note": row["note"],
                                    "actor": row["actor"], "at": row["at"]}
    for row in conn.execute(select(claim_credibility).order_by(claim_credibility.c.pk)
                            ).mappings():
        r.credibility[row["claim_id"]] = {"grade": row["grade"],
                                          "meaning": CREDIBILITY[row["grade"]],
                                          "note": row["note"], "actor": row["actor"],
                                          "at": row["at"]}
    return r


def document_sources(conn: Connection, doc_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Each document's publisher and that publisher's reliability rating (None when not rated;
    the machine never guesses): ``{doc id: {"publisher", "publisher_known", "rating"}}``. A
    rating given to the publisher's entity counts for every spelling of it."""
    r = load(conn)
    by_name = {k[5:]: v for k, v in r.sources.items() if k.startswith("name:")}
    by_name.update({k: v for k, v in r.sources.items() if k.startswith("page:")})
    ent = {k[7:]: v for k, v in r.sources.items() if k.startswith("entity:")}
    if ent:
        for eid, form in conn.execute(select(entity_mentions.c.entity_id, entity_mentions.c.form)
                                      .where(entity_mentions.c.entity_id.in_(sorted(ent)))
                                      .distinct()):
            by_name.setdefault(norm(form), ent[eid])
        for eid, name in conn.execute(select(entities.c.id, entities.c.name).where(
                entities.c.id.in_(sorted(ent)))):
            by_name.setdefault(norm(name), ent[eid])
    out: dict[str, dict[str, Any]] = {}
    for did, d in doc_rows(conn, doc_ids, with_text=False).items():
        key = d["publisher_key"]
        rating = by_name.get(key[5:]) if key.startswith("name:") else by_name.get(key)
        out[did] = {"publisher": d["publisher"], "publisher_known": d["publisher_known"],
                    "rating": rating}
    return out


def find_source(conn: Connection, name: str, entries: list[Entry]) -> tuple[str, str]:
    """(key, name) of a source named by an entity id (or its prefix), an entity's name or
    form, or a publisher or claimant as the ledger shows it ("unknown publisher (page …)"
    included)."""
    name = name.strip()
    if re.fullmatch(r"[0-9a-f]{6,32}", name):
        ids = [i for (i,) in conn.execute(select(entities.c.id).where(
            entities.c.id.like(name + "%")))]
        if len(ids) == 1:
            ename = conn.execute(select(entities.c.name).where(entities.c.id == ids[0])
                                 ).scalar_one()
            return "entity:" + ids[0], str(ename)
    got = resolve_name(form_index(conn), name)
    if got:
        return "entity:" + got[0], got[1]
    n = norm(name)
    for e in entries:
        if norm(e.publisher) == n:
            return e.publisher_key, e.publisher
        if e.claimant and norm(e.claimant) == n:
            return "name:" + n, e.claimant
    raise RatingError(f"no source named {name!r} (an entity id or name, a publisher or a "
                      "claimant as the ledger shows it)")


def rate_source(db: Database, key: str, name: str, grade: str, note: str | None,
                actor: str) -> dict[str, Any]:
    grade = grade.strip().upper()
    if grade not in RELIABILITY:
        raise RatingError(f"reliability must be one of A–F, not {grade!r}")
    at = custody.utcnow()
    with db.write() as conn:
        prev = conn.execute(select(source_ratings.c.grade).where(source_ratings.c.source == key)
                            .order_by(source_ratings.c.pk.desc()).limit(1)).scalar()
        conn.execute(insert(source_ratings).values(source=key, name=name, grade=grade,
                                                   note=note, actor=actor, at=at))
        custody.append(conn, "rate-source", key, actor, {
            "source": name, "grade": grade, "previous": prev, "note": note})
    return {"source": name, "key": key, "grade": grade, "meaning": RELIABILITY[grade],
            "previous": prev, "note": note, "actor": actor, "at": at}


def rate_claim(db: Database, e: Entry, grade: int, note: str | None,
               actor: str) -> dict[str, Any]:
    if grade not in CREDIBILITY:
        raise RatingError(f"credibility must be 1–6, not {grade!r}")
    at = custody.utcnow()
    with db.write() as conn:
        prev = conn.execute(select(claim_credibility.c.grade).where(
            claim_credibility.c.claim_id == e.id).order_by(claim_credibility.c.pk.desc())
            .limit(1)).scalar()
        conn.execute(insert(claim_credibility).values(
            claim_id=e.id, document_id=e.document_id, words=e.original, grade=grade,
            note=note, actor=actor, at=at))
        custody.append(conn, "rate-claim", e.id, actor, {
            "document": e.document_id, "words": e.original, "grade": grade, "previous": prev,
            "note": note})
    return {"claim_id": e.id, "words": e.original, "grade": grade,
            "meaning": CREDIBILITY[grade], "previous": prev, "note": note, "actor": actor,
            "at": at}
