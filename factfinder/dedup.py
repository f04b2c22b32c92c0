"""Near-duplicate detection: reposts and repeated articles, within a page and across sources.

A document's text is cut into word 5-gram shingles (hashed by a rolling hash over CRC-32 token
hashes) and summarised by a MinHash signature (datasketch, 128 permutations). The signature is
split into 16 bands of 8 rows; each band's hash is stored in ``lsh_bands`` with an index, so
finding candidates for a new document is a single indexed lookup however large the database
grows (no in-memory index to rebuild). Candidates whose estimated Jaccard similarity reaches
``THRESHOLD`` join the same ``duplicate_group``, named after the earliest document of the group.
A repost is not corroboration: later features count a duplicate group once.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, lsh_bands, minhashes

NUM_PERM = 128
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 5
MIN_TOKENS = 25  # shorter texts are too short to call near-duplicates by shingles
THRESHOLD = 0.7
_BASE = 1_000_003
_SEED = 1

_INSERT_MINHASH = minhashes.insert()
_INSERT_BAND = lsh_bands.insert()
_TOKEN = re.compile(r"\w+", re.UNICODE)
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED)
_PERMUTATIONS = _TEMPLATE.permutations
_SCHEME = _TEMPLATE.scheme


@dataclass
class Signature:
    values: np.ndarray  # uint64, NUM_PERM

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u8"))

    def buckets(self) -> list[int]:
        keys = []
        for band in range(BANDS):
            chunk = self.values[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
            digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
            keys.append(int.from_bytes(digest, "big", signed=True))
        return keys

    def similarity(self, other: Signature) -> float:
        return float(np.mean(self.values == other.values))


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """32-bit hashes of the word 5-grams, without building the 5-gram strings: each token is
    hashed once (CRC-32) and windows are combined by a polynomial rolling hash in numpy."""
    th = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64,
                     count=len(tokens))
    n = len(tokens) - SHINGLE + 1
    acc = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        acc = (acc * np.uint64(_BASE) + th[k : k + n]) & np.uint64(0xFFFFFFFF)
    return np.unique(acc)


def signature(text: str) -> Signature | None:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < MIN_TOKENS:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME,
                 hashfunc=int)
    mh.update_batch(shingle_hashes(tokens).tolist())
    return Signature(mh.hashvalues.copy())


def index_and_group(conn: Connection, pk: int, doc_id: str, sig: Signature) -> str | None:
    """Store ``sig`` for document ``pk`` and put it in a duplicate group if it has one.

    Returns the group id (None when the document is unique so far)."""
    keys = sig.buckets()
    rows = conn.execute(
        select(lsh_bands.c.document_pk, lsh_bands.c.band, lsh_bands.c.bucket).where(
            lsh_bands.c.bucket.in_(keys)
        )
    ).all()
    candidates = {r[0] for r in rows if keys[r[1]] == r[2] and r[0] != pk}
    conn.execute(_INSERT_MINHASH, {"document_pk": pk, "signature": sig.to_bytes()})
    conn.execute(
        _INSERT_BAND,
        [{"band": b, "bucket": k, "document_pk": pk} for b, k in enumerate(keys)],
    )
    if not candidates:
        return None
    sigs = conn.execute(
        select(minhashes.c.document_pk, minhashes.c.signature).where(
            minhashes.c.document_pk.in_(candidates)
        )
    ).all()
    matches = [r[0] for r in sigs if sig.similarity(Signature.from_bytes(r[1])) >= THRESHOLD]
    if not matches:
        return None
    members = conn.execute(
        select(documents.c.pk, documents.c.id, documents.c.duplicate_group).where(
            documents.c.pk.in_(matches)
        )
    ).all()
    groups = {m[2] for m in members if m[2]}
    # The group is named after its earliest document (lowest pk), so names are stable.
    earliest = min(members, key=lambda m: m[0])
    names = groups | {earliest[2] or earliest[1]}
    group = min(names, key=lambda g: _first_pk(conn, g, members))
    conn.execute(
        update(documents)
        .where(documents.c.pk.in_([m[0] for m in members] + [pk]))
        .values(duplicate_group=group)
    )
    others = groups - {group}
    if others:
        conn.execute(
            update(documents)
            .where(documents.c.duplicate_group.in_(others))
            .values(duplicate_group=group)
        )
    return group


def _first_pk(conn: Connection, group: str, members: Sequence[Any]) -> int:
    row = conn.execute(
        select(documents.c.pk).where(
            (documents.c.duplicate_group == group) | (documents.c.id == group)
        ).order_by(documents.c.pk).limit(1)
    ).first()
    return int(row[0]) if row else min(m[0] for m in members)
