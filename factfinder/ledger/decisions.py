"""Analysts' decisions about ledger groups: move an entry to another group, split a group.

Modelled on the entity decisions (factfinder/entities/decisions.py): a decision is a row of
``ledger_decisions`` and a custody-log entry (``ledger-move``, ``ledger-split``,
``ledger-revoke``) naming the actor. The ledger is regrouped from the extractions on every read
and the decisions that are not revoked are then replayed in the order they were taken, so they
survive re-extraction and always win over the algorithm (a later decision over an earlier one).

A decision names claims by extraction id and also records their document and words: when a
re-extraction changes a claim's span (and so its id), the claim is found again as the entry of
the same document whose words are the recorded ones. A group named by a decision keeps its id
even when the algorithm no longer makes it (the decision recreates it).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import ledger_decisions
from factfinder.ledger.entries import Entry
from factfinder.ledger.grouping import Group

ACTIONS = {"move": "ledger-move", "split": "ledger-split", "revoke": "ledger-revoke"}


class DecisionError(ValueError):
    pass


def claim_ref(e: Entry) -> dict[str, Any]:
    return {"claim": e.id, "document_id": e.document_id, "words": e.original,
            "text": e.text, "start": e.start}


def record(db: Database, action: str, subject: dict[str, Any], value: dict[str, Any],
           actor: str) -> int:
    now = custody.utcnow()
    with db.write() as conn:
        pk = conn.execute(insert(ledger_decisions).values(
            action=action, subject=json.dumps(subject, ensure_ascii=False, sort_keys=True),
            value=json.dumps(value, ensure_ascii=False, sort_keys=True), actor=actor, at=now,
            revoked=0)).inserted_primary_key[0]  # type: ignore[index]
        obj = ",".join(c["claim"] for c in subject.get("claims", [])) or subject.get(
            "group", "")
        custody.append(conn, ACTIONS[action], obj, actor,
                       {"decision": pk, "subject": subject, "value": value})
    return int(pk)


def move(db: Database, e: Entry, source: Group, target: Group | None, target_id: str,
         actor: str) -> int:
    """Move entry ``e`` from ``source`` to the group ``target_id`` (an existing group, or a
    new id the decision creates)."""
    key = list(target.key if target else source.key)
    label = target.subject.label() if target else source.subject.label()
    return record(db, "move", {"claims": [claim_ref(e)], "group": source.id},
                  {"group": target_id, "key": key, "label": label}, actor)


def split(db: Database, group: Group, picked: list[Entry], actor: str) -> tuple[int, str]:
    """Take ``picked`` out of ``group`` into a new group; returns (decision, new group id)."""
    if not picked:
        raise DecisionError("name at least one claim of the group to split off")
    if len(picked) == len(group.entries):
        raise DecisionError("a split must leave at least one claim in the group")
    raw = json.dumps([group.id, sorted(e.id for e in picked)])
    new_id = "g" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:11]
    pk = record(db, "split", {"claims": [claim_ref(e) for e in picked], "group": group.id},
                {"group": new_id, "key": list(group.key), "label": group.subject.label()},
                actor)
    return pk, new_id


def revoke(db: Database, pk: int, actor: str) -> None:
    with db.write() as conn:
        row = conn.execute(select(ledger_decisions).where(ledger_decisions.c.pk == pk)
                           ).mappings().first()
        if row is None or row["revoked"]:
            raise DecisionError(f"no decision {pk} in force")
        conn.execute(update(ledger_decisions).where(ledger_decisions.c.pk == pk)
                     .values(revoked=1))
        custody.append(conn, ACTIONS["revoke"], str(pk), actor, {"decision": pk})


def load(conn: Connection, include_revoked: bool = False) -> list[dict[str, Any]]:
    q = select(ledger_decisions).order_by(ledger_decisions.c.pk)
    if not include_revoked:
        q = q.where(ledger_decisions.c.revoked == 0)
    return [{"pk": r["pk"], "action": r["action"], "subject": json.loads(r["subject"]),
             "value": json.loads(r["value"]), "actor": r["actor"], "at": r["at"],
             "revoked": bool(r["revoked"])} for r in conn.execute(q).mappings()]


def _locate(ref: dict[str, Any], where: dict[str, Group], entries: dict[str, Entry]
            ) -> Entry | None:
    e = entries.get(ref["claim"])
    if e is not None:
        return e
    same_doc = [x for x in entries.values() if x.document_id == ref["document_id"]
                and (x.original == ref["words"] or x.text == ref.get("text"))]
    if not same_doc:
        return None
    return min(same_doc, key=lambda x: abs(x.start - int(ref.get("start") or 0)))


def apply(conn: Connection, groups: list[Group]) -> tuple[list[dict[str, Any]],
                                                          list[dict[str, Any]]]:
    """Replay the decisions on ``groups`` (in place); returns (applied, skipped)."""
    decisions = load(conn)
    if not decisions:
        return [], []
    by_id = {g.id: g for g in groups}
    where: dict[str, Group] = {}
    entries: dict[str, Entry] = {}
    for g in groups:
        for e in g.entries:
            where[e.id] = g
            entries[e.id] = e
    applied, skipped = [], []
    for d in decisions:
        found = [_locate(ref, where, entries) for ref in d["subject"].get("claims", [])]
        picked = [e for e in found if e is not None]
        if not picked:
            skipped.append(d)
            continue
        target_id = d["value"]["group"]
        target = by_id.get(target_id)
        if target is None:
            key = d["value"].get("key") or ["?", "?", ""]
            target = Group(id=target_id, key=(str(key[0]), str(key[1]), str(key[2])),
                           origin=d["action"])
            by_id[target_id] = target
            groups.append(target)
        for e in picked:
            src = where[e.id]
            if src is target:
                continue
            src.entries = [x for x in src.entries if x.id != e.id]
            target.entries.append(e)
            where[e.id] = target
            if d["pk"] not in src.decided:
                src.decided.append(d["pk"])
        if d["pk"] not in target.decided:
            target.decided.append(d["pk"])
        applied.append(d)
    groups[:] = [g for g in groups if g.entries]
    for g in groups:
        if g.decided:
            g.entries.sort(key=lambda x: (x.doc_pk, x.start, x.end, x.id))
            g.refresh()
    return applied, skipped
