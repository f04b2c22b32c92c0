"""Intake: files, folders and URLs into the case database, with a custody entry for every act.

Each original is committed in one transaction (its row, its documents, their search index and
near-duplicate keys, and the custody entries), after its bytes are safely in the evidence store.
A run killed at any moment therefore leaves whole originals or nothing; running it again skips
what is committed (same bytes → one more custody entry, nothing else) and finishes the rest.
Reading and parsing run in worker processes; one writer commits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import documents, originals
from factfinder.dedup import Signature, index_and_group
from factfinder.intake.prepare import Known, Prepared, Rejection, prepare_bytes
from factfinder.intake.types import Limits, RejectedInput
from factfinder.store import EvidenceStore

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class IngestOptions:
    collector: str
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1
    source_url: str | None = None  # for a single file whose URL is known


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # document ids
    originals: int = 0
    known: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


@dataclass
class Input:
    name: str  # path or URL as the user gave it (or found in a folder)
    path: Path | None = None
    url: str | None = None


def iter_inputs(targets: Iterable[str]) -> Iterator[Input]:
    """Files of folders (recursive, sorted, hidden files skipped), single files, URLs."""
    for target in targets:
        if target.startswith(("http://", "https://")):
            yield Input(target, url=target)
            continue
        path = Path(target)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for fname in sorted(files):
                    if fname.startswith(".") or fname in SKIP_NAMES:
                        continue
                    yield Input(str(Path(root) / fname), path=Path(root) / fname)
        else:
            yield Input(target, path=path)


# -- worker side ------------------------------------------------------------------------------

_worker_db: Database | None = None


def _worker_init(db_url: str) -> None:
    global _worker_db
    _worker_db = Database(db_url, migrate=False)


def _is_known(db: Database | None, sha: str) -> bool:
    if db is None:
        return False
    with db.read() as conn:
        row = conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha)).first()
    return row is not None


def prepare_input(
    item: Input, limits: Limits, store_root: str, source_url: str | None = None,
    db: Database | None = None,
) -> Prepared | Rejection | Known:
    import hashlib

    db = db if db is not None else _worker_db
    try:
        if item.url:
            from factfinder.intake.fetch import fetch_url

            data = fetch_url(item.url, limits)
            source_url = item.url
        else:
            assert item.path is not None
            try:
                size = item.path.stat().st_size
            except OSError as exc:
                return Rejection(item.name, f"cannot be opened ({exc.strerror or exc})")
            if not item.path.is_file():
                return Rejection(item.name, "is not a regular file")
            from factfinder.intake.readers import check_size

            check_size(size, limits)
            data = item.path.read_bytes()
    except RejectedInput as exc:
        return Rejection(item.name, exc.reason)
    except OSError as exc:
        return Rejection(item.name, f"cannot be read ({exc.strerror or exc})")
    sha = hashlib.sha256(data).hexdigest()
    if _is_known(db, sha):
        return Known(sha, len(data), item.name, source_url)
    return prepare_bytes(data, item.name, limits, source_url=source_url,
                         store_root=Path(store_root))


# -- writer side ------------------------------------------------------------------------------


class Ingestor:
    def __init__(self, db: Database, store: EvidenceStore, options: IngestOptions) -> None:
        self.db = db
        self.store = store
        self.options = options

    def run(
        self, targets: list[str], on_result: Callable[[Input, object], None] | None = None
    ) -> IngestReport:
        report = IngestReport()
        items = iter_inputs(targets)
        if self.options.jobs <= 1:
            for item in items:
                result = prepare_input(item, self.options.limits, str(self.store.root),
                                       self._source_url(item), db=self.db)
                self._commit(item, result, report)
                if on_result:
                    on_result(item, result)
            return report
        with ProcessPoolExecutor(
            max_workers=self.options.jobs, initializer=_worker_init, initargs=(self.db.url,)
        ) as pool:
            pending: dict[Future, Input] = {}
            limit = self.options.jobs * 4  # bounded in flight: memory stays flat
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < limit:
                    item = next(items, None)
                    if item is None:
                        exhausted = True
                        break
                    fut = pool.submit(prepare_input, item, self.options.limits,
                                      str(self.store.root), self._source_url(item))
                    pending[fut] = item
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    item = pending.pop(fut)
                    try:
                        result: Prepared | Rejection | Known = fut.result()
                    except Exception as exc:  # a crashed worker: name the file, go on
                        result = Rejection(item.name, f"could not be read ({type(exc).__name__})")
                    self._commit(item, result, report)
                    if on_result:
                        on_result(item, result)
        return report

    def _source_url(self, item: Input) -> str | None:
        return item.url or self.options.source_url

    def _commit(self, item: Input, result: object, report: IngestReport) -> None:
        actor = self.options.collector
        if isinstance(result, Rejection):
            report.rejected.append(result)
            with self.db.write() as conn:
                entry = custody.append(conn, "reject", result.sha256 or item.name, actor, {
                    "name": item.name, "reason": result.reason, "size": result.size,
                })
        elif isinstance(result, Known):
            report.known += 1
            with self.db.write() as conn:
                entry = custody.append(conn, "collect-again", result.sha256, actor, {
                    "name": item.name, "source_url": result.source_url, "size": result.size,
                })
        else:
            assert isinstance(result, Prepared)
            entry = self._commit_prepared(result, actor, report)
        custody.write_head_file(self.store.root, entry.seq, entry.hash)

    def _commit_prepared(
        self, prep: Prepared, actor: str, report: IngestReport
    ) -> custody.Entry:
        now = custody.utcnow()
        with self.db.write() as conn:
            exists = conn.execute(
                select(originals.c.sha256).where(originals.c.sha256 == prep.sha256)
            ).first()
            if exists:  # two copies of the same bytes in one run
                report.known += 1
                return custody.append(conn, "collect-again", prep.sha256, actor, {
                    "name": prep.filename, "source_url": prep.source_url, "size": prep.size})
            conn.execute(insert(originals).values(
                sha256=prep.sha256, size=prep.size, media_type=prep.media_type,
                filename=prep.filename, source_url=prep.source_url, collector=actor,
                collected_at=now, reader=prep.reader,
            ))
            custody.append(conn, "collect", prep.sha256, actor, {
                "name": prep.filename, "source_url": prep.source_url, "size": prep.size,
                "media_type": prep.media_type,
            })
            ids = []
            for doc in prep.docs:
                pk = conn.execute(insert(documents).values(
                    id=doc.id, original_sha256=prep.sha256, parent_id=doc.parent_id,
                    unit_key=doc.unit_key, position=doc.position, kind=doc.kind,
                    media_type=doc.media_type, title=doc.title, url=doc.url,
                    published=doc.published, author=doc.author, site_name=doc.site_name,
                    text=doc.text, chars=len(doc.text), source_start=doc.source_start,
                    source_end=doc.source_end, offset_map=doc.offset_map,
                    layer_sha256=doc.layer_sha256, meta=doc.meta, created_at=now,
                )).inserted_primary_key[0]
                if doc.searchable:
                    self.db.dialect.index_document(conn, pk, doc.title or "", doc.text)
                if doc.signature is not None:
                    index_and_group(conn, pk, doc.id, Signature.from_bytes(doc.signature))
                ids.append(doc.id)
            entry = custody.append(conn, "extract", prep.sha256, actor, {
                "reader": prep.reader, "documents": ids,
            })
        report.originals += 1
        report.added.extend(ids)
        return entry
