"""The custody log: an append-only, hash-chained record of every action on the evidence.

Each entry holds (seq, at, actor, action, object, details) and the hash of the entry before it;
its own hash covers all of these, so changing, removing, inserting or reordering an entry breaks
the chain. Because a chain can be cut at its end without a trace inside the database, the newest
(seq, hash) is also written to a small head file in the evidence folder after every commit, and
``factfinder custody head`` prints it so that it can be recorded elsewhere (an e-mail, a case
file manifest): a whole rewritten chain then no longer matches the recorded head.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from factfinder.db.schema import custody_log

GENESIS = "0" * 64
_INSERT = insert(custody_log)
HEAD_FILE = "custody.head.json"


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    seq: int, at: str, actor: str, action: str, obj: str, details: str, prev_hash: str
) -> str:
    payload = canonical(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "object": obj,
            "details": details,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    object: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "object": self.object,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


class Chain:
    """Appends entries within one write transaction, reading the head only once."""

    def __init__(self, conn: Connection, *, deferred: bool = False) -> None:
        """With ``deferred``, entries are collected in ``pending`` for the caller to insert in
        one statement before the transaction ends."""
        self.conn = conn
        self.deferred = deferred
        self.pending: list[dict[str, Any]] = []
        self.seq, self.hash = head(conn)

    def append(
        self, action: str, obj: str, actor: str, details: dict[str, Any] | None = None
    ) -> Entry:
        seq, prev, at = self.seq + 1, self.hash, utcnow()
        details_json = canonical(details or {})
        digest = entry_hash(seq, at, actor, action, obj, details_json, prev)
        row = dict(seq=seq, at=at, actor=actor, action=action, object=obj,
                   details=details_json, prev_hash=prev, hash=digest)
        if self.deferred:
            self.pending.append(row)
        else:
            self.conn.execute(_INSERT, row)
        self.seq, self.hash = seq, digest
        return Entry(seq, at, actor, action, obj, details or {}, prev, digest)


def append(
    conn: Connection, action: str, obj: str, actor: str, details: dict[str, Any] | None = None
) -> Entry:
    """Append one entry. Call inside ``Database.write()``, which holds the writer lock."""
    return Chain(conn).append(action, obj, actor, details)


def head(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        select(custody_log.c.seq, custody_log.c.hash).order_by(custody_log.c.seq.desc()).limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(custody_log)).scalar_one())


def entries(
    conn: Connection, obj: str | None = None, action: str | None = None, limit: int | None = None
) -> list[Entry]:
    query = select(custody_log).order_by(custody_log.c.seq)
    if obj:
        query = query.where(custody_log.c.object == obj)
    if action:
        query = query.where(custody_log.c.action == action)
    if limit:
        query = query.limit(limit)
    return [_row_entry(r) for r in conn.execute(query).mappings()]


def _row_entry(r: Any) -> Entry:
    try:
        details = json.loads(r["details"])
    except ValueError:
        details = {"unparsable": r["details"]}
    return Entry(
        r["seq"], r["at"], r["actor"], r["action"], r["object"], details, r["prev_hash"], r["hash"]
    )


def write_head_file(evidence_dir: Path, seq: int, digest: str) -> None:
    """Record the chain head beside the evidence (after the commit that made it)."""
    if seq == 0:
        return
    evidence_dir.mkdir(parents=True, exist_ok=True)
    path = evidence_dir / HEAD_FILE
    current = read_head_file(evidence_dir)
    if current and current[0] >= seq:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(canonical({"seq": seq, "hash": digest}) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_head_file(evidence_dir: Path) -> tuple[int, str] | None:
    path = evidence_dir / HEAD_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return int(data["seq"]), str(data["hash"])
    except (ValueError, KeyError, TypeError):
        return (-1, "unreadable")


def verify_chain(conn: Connection, evidence_dir: Path | None = None) -> list[str]:
    """Every problem in the chain, as one line each (empty when intact)."""
    problems: list[str] = []
    prev_seq = 0
    prev_hash = GENESIS
    hashes: dict[str, int] = {}
    rows = conn.execute(select(custody_log).order_by(custody_log.c.seq)).mappings()
    for r in rows:
        seq = int(r["seq"])
        recomputed = entry_hash(
            seq, r["at"], r["actor"], r["action"], r["object"], r["details"], r["prev_hash"]
        )
        if recomputed != r["hash"]:
            problems.append(
                f"custody entry {seq} altered: its content no longer matches its hash"
            )
        if seq != prev_seq + 1:
            problems.append(
                f"custody entries {prev_seq + 1}–{seq - 1} removed: the chain jumps from "
                f"{prev_seq} to {seq}"
            )
        elif r["prev_hash"] != prev_hash:
            earlier = hashes.get(r["prev_hash"])
            if earlier is not None:
                problems.append(
                    f"custody entry {seq} reordered: it follows entry {earlier}, not {prev_seq}"
                )
            else:
                problems.append(
                    f"custody entry {seq} does not follow entry {prev_seq}: an entry was "
                    "inserted, replaced or reordered"
                )
        hashes[r["hash"]] = seq
        prev_seq, prev_hash = seq, r["hash"]
    if evidence_dir is not None:
        recorded = read_head_file(evidence_dir)
        if recorded is not None:
            seq, digest = recorded
            if seq < 0:
                problems.append(f"custody head file {evidence_dir / HEAD_FILE} is unreadable")
            elif seq > prev_seq:
                problems.append(
                    f"custody entries {prev_seq + 1}–{seq} removed: the recorded head is entry "
                    f"{seq} but the log ends at {prev_seq}"
                )
            elif hashes.get(digest) != seq:
                problems.append(
                    f"custody log rewritten: entry {seq} no longer has the recorded head hash "
                    f"{digest[:12]}…"
                )
    return problems
