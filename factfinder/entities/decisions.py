"""Analysts' decisions about entities: merge, split, not-same, rename, protect, unprotect.

A decision is a row of ``entity_decisions`` and an entry of the custody log (``entity-merge``,
``entity-split``, ``entity-not-same``, ``entity-rename``) naming the actor. Every resolution run
rebuilds the entities from the mentions and then replays all decisions that are not revoked, in
the order they were taken, so a decision survives re-extraction and always wins over the
algorithm (a later decision wins over an earlier one).

A decision names entities by id and also records their surface forms at the time: when a
re-extraction changes what the algorithm builds so much that an id no longer exists, the entity
is found again by its forms (the one of the same type holding most mentions of them).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import entity_decisions

ACTIONS = {"merge": "entity-merge", "split": "entity-split", "not-same": "entity-not-same",
           "rename": "entity-rename", "revoke": "entity-revoke", "protect": "entity-protect",
           "unprotect": "entity-unprotect"}


@dataclass
class Work:
    """An entity while decisions are applied."""

    type: str
    members: dict[str, tuple[str, float]]  # mention id → (how, score)
    forms: dict[str, str]  # mention id → form
    name: str | None = None  # set by a rename
    canonical: str | None = None
    aliases: set[str] = field(default_factory=set)
    decisions: list[int] = field(default_factory=list)
    protected: bool = False  # a witness, source or submitter: redacted for most roles

    def form_set(self) -> set[str]:
        return set(self.forms.values())


def new_id(kind: str, entity_id: str, forms: list[str]) -> str:
    key = json.dumps([kind, entity_id, sorted(forms)], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def record(db: Database, action: str, subject: dict[str, Any], value: dict[str, Any],
           actor: str) -> int:
    """Store a decision and log it; returns its number."""
    now = custody.utcnow()
    with db.write() as conn:
        pk = conn.execute(insert(entity_decisions).values(
            action=action, subject=json.dumps(subject, ensure_ascii=False, sort_keys=True),
            value=json.dumps(value, ensure_ascii=False, sort_keys=True), actor=actor, at=now,
            revoked=0)).inserted_primary_key[0]  # type: ignore[index]
        obj = ",".join(subject.get("entities") or [subject.get("entity", "")])
        custody.append(conn, ACTIONS[action], obj, actor,
                       {"decision": pk, "subject": subject, "value": value})
    return int(pk)


def load(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(entity_decisions).where(entity_decisions.c.revoked == 0)
                        .order_by(entity_decisions.c.pk)).mappings()
    return [{"pk": r["pk"], "action": r["action"], "subject": json.loads(r["subject"]),
             "value": json.loads(r["value"]), "actor": r["actor"], "at": r["at"]} for r in rows]


def history(conn: Connection, include_revoked: bool = True) -> list[dict[str, Any]]:
    """Every decision in the order taken, with whether it was revoked."""
    q = select(entity_decisions).order_by(entity_decisions.c.pk)
    if not include_revoked:
        q = q.where(entity_decisions.c.revoked == 0)
    return [{"decision": r["pk"], "action": r["action"], "subject": json.loads(r["subject"]),
             "value": json.loads(r["value"]), "actor": r["actor"], "at": r["at"],
             "revoked": bool(r["revoked"])} for r in conn.execute(q).mappings()]


def revoke(db: Database, number: int, actor: str, reason: str | None = None) -> dict[str, Any]:
    """Withdraw decision ``number``: it stays in the table and the log, marked revoked, and is
    no longer replayed. Raises LookupError for an unknown number, ValueError when it was
    already revoked."""
    with db.write() as conn:
        row = conn.execute(select(entity_decisions).where(entity_decisions.c.pk == number)
                           ).mappings().first()
        if row is None:
            raise LookupError(f"no decision {number}")
        if row["revoked"]:
            raise ValueError(f"decision {number} is already revoked")
        conn.execute(update(entity_decisions).where(entity_decisions.c.pk == number)
                     .values(revoked=1))
        subject = json.loads(row["subject"])
        obj = ",".join(subject.get("entities") or [subject.get("entity", "")])
        custody.append(conn, ACTIONS["revoke"], obj, actor,
                       {"decision": number, "revoked_action": row["action"],
                        "reason": reason})
    return {"decision": number, "action": row["action"], "subject": subject}


class Applier:
    """Replays decisions over the entities the algorithm built (``state``: id → Work)."""

    def __init__(self, state: dict[str, Work]) -> None:
        self.state = state
        self.redirect: dict[str, str] = {}
        self.applied = 0
        self.skipped: list[int] = []

    def locate(self, entity_id: str, forms: list[str] | None) -> str | None:
        seen = set()
        while entity_id in self.redirect and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self.redirect[entity_id]
        if entity_id in self.state:
            return entity_id
        wanted = set(forms or [])
        counts = Counter(eid for eid, w in self.state.items()
                         for f in w.forms.values() if f in wanted)
        return counts.most_common(1)[0][0] if counts else None

    def _move(self, src: str, dst: str, forms: set[str] | None, typ: str) -> None:
        a = self.state[src]
        b = self.state.setdefault(dst, Work(typ, {}, {}))
        b.protected = b.protected or a.protected  # fails safe: a merge or split keeps it
        for mid in [m for m, f in a.forms.items() if forms is None or f in forms]:
            b.members[mid] = ("decision", 1.0)
            b.forms[mid] = a.forms.pop(mid)
            a.members.pop(mid)
        if forms is None:
            b.aliases |= a.aliases
        if not a.members and src != dst:
            del self.state[src]
            self.redirect[src] = dst

    def apply(self, d: dict[str, Any]) -> None:
        action, subj, val = d["action"], d["subject"], d["value"]
        done = False
        if action == "merge":
            a_id, b_id = subj["entities"]
            a = self.locate(a_id, val.get("forms", {}).get(a_id))
            b = self.locate(b_id, val.get("forms", {}).get(b_id))
            if a and b:
                if a != b:
                    self._move(b, a, None, self.state[a].type)
                done = True
                self.state[a].decisions.append(d["pk"])
        elif action == "split":
            x = self.locate(subj["entity"], val.get("entity_forms"))
            if x:
                forms = set(subj["forms"])
                if self.state[x].form_set() & forms:
                    self._move(x, val["new_id"], forms, self.state[x].type)
                    self.state[val["new_id"]].decisions.append(d["pk"])
                done = True
        elif action == "not-same":
            a_id, b_id = subj["entities"]
            fa = set(val.get("forms", {}).get(a_id, []))
            fb = set(val.get("forms", {}).get(b_id, []))
            a, b = self.locate(a_id, list(fa)), self.locate(b_id, list(fb))
            if a and b:
                if a == b:
                    keep, other, other_forms = (b_id, a_id, fa - fb) if a == b_id else (
                        a_id, b_id, fb - fa)
                    if other_forms & self.state[a].form_set():
                        self._move(a, other, other_forms, self.state[a].type)
                        self.state[other].decisions.append(d["pk"])
                done = True
        elif action == "rename":
            x = self.locate(subj["entity"], val.get("forms"))
            if x:
                self.state[x].name = val["name"]
                self.state[x].decisions.append(d["pk"])
                done = True
        elif action in ("protect", "unprotect"):
            x = self.locate(subj["entity"], val.get("forms"))
            if x:
                self.state[x].protected = action == "protect"
                self.state[x].decisions.append(d["pk"])
                done = True
        if done:
            self.applied += 1
        else:
            self.skipped.append(d["pk"])
