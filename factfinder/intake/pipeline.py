"""Intake: files, folders and URLs into the case database, with a custody entry for every act.

Each original is committed in one transaction (its row, its documents, their search index and
near-duplicate keys, and the custody entries), after its bytes are safely in the evidence store.
A run killed at any moment therefore leaves whole originals or nothing; running it again skips
what is committed (same bytes → one more custody entry, nothing else) and finishes the rest.
Reading and parsing run in worker processes; one writer commits.
"""

from __future__ import annotations

import os
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import originals
from factfinder.intake.prepare import Known, Prepared, Rejection, prepare_bytes
from factfinder.intake.types import Limits, RejectedInput
from factfinder.intake.writer import BatchWriter
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


_QUERY_KNOWN = select(originals.c.sha256)


def _is_known(db: Database | None, sha: str) -> bool:
    """Skip reading bytes the case already holds (the writer checks again before inserting)."""
    if db is None:
        return False
    conn = _known_connections.get(db)
    if conn is None:
        conn = _known_connections[db] = db.engine.connect()
    try:
        row = conn.execute(_QUERY_KNOWN.where(originals.c.sha256 == sha)).first()
    finally:
        conn.rollback()  # end the read snapshot at once (WAL checkpoints must not wait on it)
    return row is not None


# One reading connection per database (a worker's, or the in-process run's), kept between files;
# weak keys: a database that is gone takes its entry along. The in-process run closes its own
# at the end (``release_known``), so a long-lived process holds no connection between runs.
_known_connections: weakref.WeakKeyDictionary[Database, Connection] = \
    weakref.WeakKeyDictionary()


def release_known(db: Database) -> None:
    conn = _known_connections.pop(db, None)
    if conn is not None:
        conn.close()


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


BATCH_SIZE = 32
BATCH_SECONDS = 0.5


class Ingestor:
    def __init__(self, db: Database, store: EvidenceStore, options: IngestOptions) -> None:
        self.db = db
        self.store = store
        self.options = options
        self._batch: list[tuple[Input, object]] = []
        self._batch_started = time.monotonic()
        # Originals are forced to disk by a small thread pool as their results arrive (fsync
        # waits on the disk and releases the GIL), so the writer rarely waits for it.
        self._syncer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ff-fsync")
        self._syncs: list[Future] = []

    def run(
        self, targets: list[str], on_result: Callable[[Input, object], None] | None = None
    ) -> IngestReport:
        report = IngestReport()
        items = iter_inputs(targets)
        if self.options.jobs <= 1:
            try:
                for item in items:
                    result = prepare_input(item, self.options.limits, str(self.store.root),
                                           self._source_url(item), db=self.db)
                    self._commit(item, result, report)
                    if on_result:
                        on_result(item, result)
                self._flush(report)
            finally:
                release_known(self.db)
            return report
        # Import the readers (trafilatura, lxml, pypdf …) before the workers start: forked
        # workers then share them instead of each importing them again.
        import factfinder.intake.posts  # noqa: F401
        import factfinder.intake.readers.html  # noqa: F401

        with ProcessPoolExecutor(
            max_workers=self.options.jobs, initializer=_worker_init, initargs=(self.db.url,)
        ) as pool:
            # Results are committed in input order (not completion order), so the same input
            # always gives the same database, whatever the workers' timing.
            pending: deque[tuple[Future, Input]] = deque()
            limit = self.options.jobs * 32  # bounded in flight: memory stays flat
            for item in items:
                pending.append((pool.submit(prepare_input, item, self.options.limits,
                                            str(self.store.root), self._source_url(item)), item))
                while len(pending) >= limit or (pending and pending[0][0].done()):
                    self._take(pending.popleft(), report, on_result)
            while pending:
                self._take(pending.popleft(), report, on_result)
            self._flush(report)
        return report

    def _take(
        self, entry: tuple[Future, Input], report: IngestReport,
        on_result: Callable[[Input, object], None] | None,
    ) -> None:
        fut, item = entry
        try:
            result: Prepared | Rejection | Known = fut.result()
        except Exception as exc:  # a crashed worker: name the file, go on
            result = Rejection(item.name, f"could not be read ({type(exc).__name__})")
        self._commit(item, result, report)
        if on_result:
            on_result(item, result)

    def _source_url(self, item: Input) -> str | None:
        return item.url or self.options.source_url

    # Results are committed in small batches (one transaction each: far fewer commits than one
    # per file). Every original is still all-or-nothing; if a batch fails, its items are retried
    # one by one so that one bad item never costs the others.

    def _commit(self, item: Input, result: object, report: IngestReport) -> None:
        if isinstance(result, Prepared):
            self._syncs.append(self._syncer.submit(self.store.sync, result.sha256))
        self._batch.append((item, result))
        if len(self._batch) >= BATCH_SIZE or time.monotonic() - self._batch_started > BATCH_SECONDS:
            self._flush(report)

    def _flush(self, report: IngestReport) -> None:
        batch, self._batch = self._batch, []
        self._batch_started = time.monotonic()
        if not batch:
            return
        syncs, self._syncs = self._syncs, []
        rows = [(item.name, self._source_url(item), result) for item, result in batch]
        try:
            for fut in syncs:  # originals reach the disk before any row refers to them
                fut.result()
            with self.db.write() as conn:
                writer = BatchWriter(conn, self.db.dialect, self.options.collector)
                outcomes = writer.write(rows)
        except Exception as exc:
            if len(batch) > 1:  # find the culprit: one by one, so the others are kept
                for one in batch:
                    self._batch = [one]
                    self._flush(report)
                return
            item = batch[0][0]
            reason = f"could not be stored ({type(exc).__name__}: {exc})"[:300]
            with self.db.write() as conn:
                writer = BatchWriter(conn, self.db.dialect, self.options.collector)
                outcomes = writer.write([(item.name, None, Rejection(item.name, reason))])
        for outcome in outcomes:
            outcome(report)
        custody.write_head_file(self.store.root, writer.chain.seq, writer.chain.hash)
