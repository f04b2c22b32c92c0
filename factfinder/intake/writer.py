"""Writing a batch of intake results in one transaction, with one statement per table.

Each original is still all-or-nothing (the whole batch is one transaction), custody entries are
chained in input order, and near-duplicate grouping sees the batch's own documents as well as
the database's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db.dialect import Dialect
from factfinder.db.schema import custody_log, documents, originals
from factfinder.dedup import NewDoc, Signature, group_batch, store_signatures
from factfinder.intake.prepare import Known, Prepared, Rejection

_INSERT_ORIGINAL = insert(originals)
_INSERT_DOCUMENT = insert(documents)
_INSERT_CUSTODY = insert(custody_log)

Outcome = Callable[[Any], None]  # applied to the IngestReport after the commit


class BatchWriter:
    def __init__(self, conn: Connection, dialect: Dialect, actor: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.actor = actor
        self.chain = custody.Chain(conn, deferred=True)
        self.now = custody.utcnow()
        self._originals: list[dict[str, Any]] = []
        self._docs: list[tuple[int, Any, str]] = []  # (pk, PreparedDoc, sha)
        self._seen: set[str] = set()

    def write(self, batch: list[tuple[str, str | None, object]]) -> list[Outcome]:
        """``batch`` holds (input name, source URL, result) in input order."""
        shas = [r.sha256 for _, _, r in batch if isinstance(r, Prepared)]
        known = {
            str(row[0]) for row in self.conn.execute(
                select(originals.c.sha256).where(originals.c.sha256.in_(shas)))
        } if shas else set()
        n_docs = sum(len(r.docs) for _, _, r in batch
                     if isinstance(r, Prepared) and r.sha256 not in known)
        pks = iter(self.dialect.allocate_pks(self.conn, n_docs))
        outcomes = [self._add(name, url, result, known, pks) for name, url, result in batch]
        self._finish()
        return outcomes

    def _add(self, name: str, url: str | None, result: object, known: set[str],
             pks: Any) -> Outcome:
        if isinstance(result, Rejection):
            self.chain.append("reject", result.sha256 or name, self.actor, {
                "name": name, "reason": result.reason, "size": result.size})
            return lambda r: r.rejected.append(result)
        if isinstance(result, Known) or (
            isinstance(result, Prepared) and (result.sha256 in known or result.sha256 in self._seen)
        ):
            self.chain.append("collect-again", result.sha256, self.actor, {
                "name": name, "source_url": url, "size": result.size})
            return _count_known
        assert isinstance(result, Prepared)
        self._seen.add(result.sha256)
        self._originals.append(dict(
            sha256=result.sha256, size=result.size, media_type=result.media_type,
            filename=result.filename, source_url=result.source_url, collector=self.actor,
            collected_at=self.now, reader=result.reader))
        self.chain.append("collect", result.sha256, self.actor, {
            "name": result.filename, "source_url": result.source_url, "size": result.size,
            "media_type": result.media_type})
        ids = []
        for doc in result.docs:
            self._docs.append((next(pks), doc, result.sha256))
            ids.append(doc.id)
        self.chain.append("extract", result.sha256, self.actor,
                          {"reader": result.reader, "documents": ids})

        def count(report: Any) -> None:
            report.added.extend(ids)
            report.originals += 1

        return count

    def _finish(self) -> None:
        new = [NewDoc(pk, doc.id, Signature.from_bytes(doc.signature), doc.buckets)
               for pk, doc, _ in self._docs if doc.signature is not None]
        groups = group_batch(self.conn, new)
        if self._originals:
            self.conn.execute(_INSERT_ORIGINAL, self._originals)
        if self._docs:
            self.conn.execute(_INSERT_DOCUMENT, [dict(
                pk=pk, id=doc.id, original_sha256=sha, parent_id=doc.parent_id,
                unit_key=doc.unit_key, position=doc.position, kind=doc.kind,
                media_type=doc.media_type, title=doc.title, url=doc.url,
                published=doc.published, author=doc.author, site_name=doc.site_name,
                text=doc.text, chars=len(doc.text), source_start=doc.source_start,
                source_end=doc.source_end, offset_map=doc.offset_map,
                layer_sha256=doc.layer_sha256, meta=doc.meta, created_at=self.now,
                duplicate_group=groups.get(pk),
            ) for pk, doc, sha in self._docs])
            self.dialect.index_documents(self.conn, [
                {"pk": pk, "title": doc.title or "", "body": doc.text}
                for pk, doc, _ in self._docs if doc.searchable])
        store_signatures(self.conn, new)
        if self.chain.pending:
            self.conn.execute(_INSERT_CUSTODY, self.chain.pending)


def _count_known(report: Any) -> None:
    report.known += 1
