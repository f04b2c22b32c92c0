"""``factfinder verify``: prove that no original and no custody entry was altered."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import originals
from factfinder.store import EvidenceStore


@dataclass
class VerifyReport:
    originals: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    head: tuple[int, str] = (0, custody.GENESIS)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(db: Database, store: EvidenceStore) -> VerifyReport:
    report = VerifyReport()
    with db.read() as conn:
        shas = [str(r[0]) for r in conn.execute(
            select(originals.c.sha256, originals.c.filename).order_by(originals.c.collected_at))]
        names = dict(conn.execute(select(originals.c.sha256, originals.c.filename)).all())
        report.problems.extend(custody.verify_chain(conn, store.root))
        report.entries = custody.count(conn)
        report.head = custody.head(conn)
    for sha in shas:
        report.originals += 1
        problem = store.check(sha)
        if problem:
            label = f" ({names.get(sha)})" if names.get(sha) else ""
            report.problems.append(f"original {sha}{label} {problem}: {store.path_for(sha)}")
    return report
