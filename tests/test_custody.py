"""The custody chain: every kind of tampering is named by verify."""

import pytest
from sqlalchemy import delete, text, update

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import custody_log
from factfinder.store import EvidenceStore
from factfinder.verify import verify


def _log(db: Database, store: EvidenceStore, n: int) -> None:
    for i in range(n):
        with db.write() as conn:
            entry = custody.append(conn, "collect", f"obj{i}", "alice", {"i": i})
        custody.write_head_file(store.root, entry.seq, entry.hash)


@pytest.fixture
def logged(case):
    _log(case.db, case.store, 5)
    return case


def test_intact_chain_verifies(logged):
    report = verify(logged.db, logged.store)
    assert report.ok, report.problems
    assert report.entries == 5
    with logged.db.read() as conn:
        entries = custody.entries(conn)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == custody.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))


def test_altered_entry(logged):
    with logged.db.engine.begin() as conn:
        conn.execute(update(custody_log).where(custody_log.c.seq == 3).values(actor="mallory"))
    problems = verify(logged.db, logged.store).problems
    assert any("entry 3 altered" in p for p in problems), problems


def test_removed_entry(logged):
    with logged.db.engine.begin() as conn:
        conn.execute(delete(custody_log).where(custody_log.c.seq == 2))
    problems = verify(logged.db, logged.store).problems
    assert any("entries 2–2 removed" in p for p in problems), problems


def test_removed_tail_is_caught_by_the_head_file(logged):
    with logged.db.engine.begin() as conn:
        conn.execute(delete(custody_log).where(custody_log.c.seq >= 4))
    problems = verify(logged.db, logged.store).problems
    assert any("entries 4–5 removed" in p for p in problems), problems


def test_reordered_entries(logged):
    # Swap the contents of entries 2 and 3 (keeping their sequence numbers).
    with logged.db.engine.begin() as conn:
        rows = {r.seq: r for r in conn.execute(custody_log.select())}
        for a, b in ((2, 3), (3, 2)):
            src = rows[b]
            conn.execute(update(custody_log).where(custody_log.c.seq == a).values(
                at=src.at, actor=src.actor, action=src.action, object=src.object,
                details=src.details, prev_hash=src.prev_hash, hash=src.hash))
    problems = verify(logged.db, logged.store).problems
    assert any("altered" in p for p in problems) and any(
        "reordered" in p or "does not follow" in p for p in problems), problems


def test_inserted_entry_with_forged_hash(logged):
    # An attacker shifts entries 4–5 up and inserts a well-formed entry 4 chained to entry 3.
    with logged.db.engine.begin() as conn:
        conn.execute(text("UPDATE custody_log SET seq = seq + 10 WHERE seq >= 4"))
        conn.execute(text("UPDATE custody_log SET seq = seq - 9 WHERE seq >= 14"))
        three = conn.execute(custody_log.select().where(custody_log.c.seq == 3)).one()
        at = "2030-01-01T00:00:00.000000Z"
        digest = custody.entry_hash(4, at, "mallory", "collect", "forged", "{}", three.hash)
        conn.execute(custody_log.insert().values(seq=4, at=at, actor="mallory", action="collect",
                                                 object="forged", details="{}",
                                                 prev_hash=three.hash, hash=digest))
    problems = verify(logged.db, logged.store).problems
    assert problems and any("entry 5" in p for p in problems), problems


def test_rewritten_chain_is_caught_by_the_recorded_head(logged):
    # Rewrite the whole chain consistently: only the recorded head reveals it.
    with logged.db.engine.begin() as conn:
        rows = list(conn.execute(custody_log.select().order_by(custody_log.c.seq)))
        conn.execute(delete(custody_log))
        prev = custody.GENESIS
        for r in rows:
            actor = "mallory"
            digest = custody.entry_hash(r.seq, r.at, actor, r.action, r.object, r.details, prev)
            conn.execute(custody_log.insert().values(seq=r.seq, at=r.at, actor=actor,
                                                     action=r.action, object=r.object,
                                                     details=r.details, prev_hash=prev,
                                                     hash=digest))
            prev = digest
    problems = verify(logged.db, logged.store).problems
    assert any("rewritten" in p for p in problems), problems


def test_verify_names_missing_and_altered_originals(case, tmp_path):
    doc = tmp_path / "note.txt"
    doc.write_text("A witness statement about the night of the arrests, written down in full "
                   "by the family of the victim so that nothing of it would be lost.\n")
    other = tmp_path / "other.txt"
    other.write_text("A second, different statement.\n")
    report = case.ingest(doc, other)
    assert report.ok and report.originals == 2
    assert verify(case.db, case.store).ok
    with case.db.read() as conn:
        rows = conn.execute(text("SELECT sha256, filename FROM originals")).all()
    by_name = {name: sha for sha, name in rows}
    path = case.store.path_for(by_name["note.txt"])
    path.chmod(0o600)
    path.write_bytes(b"tampered")
    case.store.path_for(by_name["other.txt"]).unlink()
    problems = verify(case.db, case.store).problems
    assert any("note.txt" in p and "altered" in p for p in problems), problems
    assert any("other.txt" in p and "missing" in p for p in problems), problems
