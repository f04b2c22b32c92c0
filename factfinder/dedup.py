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
from sqlalchemy import func, select, update
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


@dataclass
class NewDoc:
    pk: int
    id: str
    sig: Signature
    buckets: list[int]


def group_batch(conn: Connection, docs: Sequence[NewDoc]) -> dict[int, str]:
    """Store the signatures of documents about to be inserted and put each in a duplicate group.

    Returns ``{pk: group}`` for the new documents that have one (set it on their rows when
    inserting them). Existing documents that join or merge groups are updated here. One indexed
    lookup serves the whole batch; documents of the same batch are compared with each other too.
    """
    if not docs:
        return {}
    keys = {d.pk: d.buckets for d in docs}
    wanted = sorted({k for ks in keys.values() for k in ks})
    existing: dict[tuple[int, int], set[int]] = {}
    for i in range(0, len(wanted), 500):
        rows = conn.execute(
            select(lsh_bands.c.document_pk, lsh_bands.c.band, lsh_bands.c.bucket).where(
                lsh_bands.c.bucket.in_(wanted[i : i + 500]))
        )
        for dpk, band, bucket in rows:
            existing.setdefault((band, bucket), set()).add(int(dpk))
    candidates = {
        d.pk: set().union(*(existing.get((b, k), set()) for b, k in enumerate(keys[d.pk])))
        for d in docs
    }
    old_pks = sorted(set().union(*candidates.values()))
    old_sigs: dict[int, Signature] = {}
    old_info: dict[int, tuple[str, str | None]] = {}
    for i in range(0, len(old_pks), 500):
        chunk = old_pks[i : i + 500]
        for pk, blob in conn.execute(select(minhashes.c.document_pk, minhashes.c.signature)
                                     .where(minhashes.c.document_pk.in_(chunk))):
            old_sigs[int(pk)] = Signature.from_bytes(blob)
        for pk, doc_id, group in conn.execute(
                select(documents.c.pk, documents.c.id, documents.c.duplicate_group)
                .where(documents.c.pk.in_(chunk))):
            old_info[int(pk)] = (str(doc_id), group)

    # Union-find over documents (by pk) and existing groups (by name).
    parent: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: Any, b: Any) -> None:
        parent[find(a)] = find(b)

    new_sigs = {d.pk: d.sig for d in docs}
    seen: dict[tuple[int, int], list[int]] = {}
    matched: set[int] = set()
    for d in docs:
        find(d.pk)
        for c in candidates[d.pk]:
            if c in old_sigs and d.sig.similarity(old_sigs[c]) >= THRESHOLD:
                union(d.pk, c)
                matched.add(c)
        within = {c for b, k in enumerate(keys[d.pk]) for c in seen.get((b, k), [])}
        for c in within:
            if d.sig.similarity(new_sigs[c]) >= THRESHOLD:
                union(d.pk, c)
        for b, k in enumerate(keys[d.pk]):
            seen.setdefault((b, k), []).append(d.pk)
    for c in matched:
        group = old_info[c][1]
        if group:
            union(c, ("group", group))

    # Each component is named after its earliest document (lowest pk); an existing group's name
    # is its earliest document's id, so its first pk is looked up.
    group_names = {x[1] for x in parent if isinstance(x, tuple)}
    group_first: dict[str, int] = {}
    if group_names:
        for name, first in conn.execute(
                select(documents.c.duplicate_group, func.min(documents.c.pk))
                .where(documents.c.duplicate_group.in_(sorted(group_names)))
                .group_by(documents.c.duplicate_group)):
            group_first[str(name)] = int(first)
    new_ids = {d.pk: d.id for d in docs}
    components: dict[Any, list[Any]] = {}
    for x in list(parent):
        components.setdefault(find(x), []).append(x)
    result: dict[int, str] = {}
    for members in components.values():
        if len(members) < 2:
            continue

        def first_pk(x: Any) -> int:
            return group_first.get(x[1], 0) if isinstance(x, tuple) else int(x)

        head = min(members, key=first_pk)
        name = str(head[1]) if isinstance(head, tuple) else (
            new_ids.get(head) or old_info[head][0])
        for x in members:
            if isinstance(x, tuple):
                if x[1] != name:
                    conn.execute(update(documents).where(documents.c.duplicate_group == x[1])
                                 .values(duplicate_group=name))
            elif x in new_ids:
                result[x] = name
            elif old_info[x][1] != name:
                conn.execute(update(documents).where(documents.c.pk == x)
                             .values(duplicate_group=name))
    return result


def store_signatures(conn: Connection, docs: Sequence[NewDoc]) -> None:
    """Insert signatures and band keys (after the documents themselves are inserted)."""
    if not docs:
        return
    conn.execute(_INSERT_MINHASH, [{"document_pk": d.pk, "signature": d.sig.to_bytes()}
                                   for d in docs])
    conn.execute(_INSERT_BAND, [{"band": b, "bucket": k, "document_pk": d.pk}
                                for d in docs for b, k in enumerate(d.buckets)])
