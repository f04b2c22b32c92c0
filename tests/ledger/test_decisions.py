"""Analysts' move and split decisions: logged, and they survive re-extraction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factfinder.db.schema import custody_log
from factfinder.extract.runner import run_extraction
from factfinder.ledger import decisions
from factfinder.ledger.query import build_ledger
from tests.conftest import Case


def _where(case: Case, words: str) -> str:
    with case.db.read() as conn:
        led = build_ledger(conn)
        return next(g.id for g in led.groups for e in g.entries if words in e.original)


def test_move_persists_across_reextraction_and_is_logged(small: Case) -> None:
    with small.db.read() as conn:
        led = build_ledger(conn)
        source, entry = next((g, e) for g in led.groups for e in g.entries
                             if "about 3,000" in e.original)
        target = next(g for g in led.groups if any("41 protests" in e.original
                                                   for e in g.entries))
    assert source.id != target.id
    pk = decisions.move(small.db, entry, source, target, target.id, "analyst")
    assert _where(small, "about 3,000") == target.id
    run_extraction(small.db, actor="tester", jobs=1)  # the algorithm runs again
    assert _where(small, "about 3,000") == target.id
    with small.db.read() as conn:
        rows = conn.execute(select(custody_log.c.action, custody_log.c.actor,
                                   custody_log.c.details)
                            .where(custody_log.c.action == "ledger-move")).all()
    assert [(r.action, r.actor) for r in rows] == [("ledger-move", "analyst")]
    assert json.loads(rows[0].details)["decision"] == pk
    decisions.revoke(small.db, pk, "analyst")
    assert _where(small, "about 3,000") == source.id


def test_split_makes_a_new_group_that_keeps_its_id(small: Case) -> None:
    with small.db.read() as conn:
        led = build_ledger(conn)
        toll = next(g for g in led.groups if any("30,000" in e.original for e in g.entries))
        picked = [e for e in toll.entries if "30,000" in e.original]
    pk, new = decisions.split(small.db, toll, picked, "analyst")
    for _ in range(2):
        assert _where(small, "more than 30,000") == new
        assert _where(small, "about 3,000") == toll.id
        run_extraction(small.db, actor="tester", jobs=1)
    with small.db.read() as conn:
        led = build_ledger(conn)
        g = led.find(new)
        assert g.decided == [pk] and g.origin == "split"


def test_a_split_must_leave_something(small: Case) -> None:
    with small.db.read() as conn:
        led = build_ledger(conn)
        toll = next(g for g in led.groups if any("30,000" in e.original for e in g.entries))
    with pytest.raises(decisions.DecisionError):
        decisions.split(small.db, toll, list(toll.entries), "analyst")
    with pytest.raises(decisions.DecisionError):
        decisions.split(small.db, toll, [], "analyst")


def test_a_decision_finds_its_claim_again_by_document_and_words(small: Case) -> None:
    """A re-extraction that changes a claim's span changes its id: the decision still finds
    the claim by its document and words."""
    with small.db.read() as conn:
        led = build_ledger(conn)
        source, entry = next((g, e) for g in led.groups for e in g.entries
                             if "about 3,000" in e.original)
        target = next(g for g in led.groups if any("41 protests" in e.original
                                                   for e in g.entries))
    ref = {**decisions.claim_ref(entry), "claim": "0" * 20}  # an id no claim has any more
    decisions.record(small.db, "move", {"claims": [ref], "group": source.id},
                     {"group": target.id, "key": list(target.key), "label": "x"}, "analyst")
    assert _where(small, "about 3,000") == target.id
    ref = {**ref, "words": "about 4,000 prisoners", "text": "about 4,000"}  # gone for good
    decisions.record(small.db, "move", {"claims": [ref], "group": source.id},
                     {"group": source.id, "key": list(source.key), "label": "x"}, "analyst")
    with small.db.read() as conn:
        led = build_ledger(conn)
    assert [d["pk"] for d in led.skipped] == [2]  # reported, not applied
