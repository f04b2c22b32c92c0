"""Source reliability and claim credibility: user input only, logged, and views filter by it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factfinder.db.schema import custody_log
from factfinder.ledger import ratings
from factfinder.ledger.entries import load_entries
from factfinder.ledger.query import Filters, build_ledger
from tests.conftest import Case


def test_nothing_is_rated_until_someone_rates(small: Case) -> None:
    with small.db.read() as conn:
        led = build_ledger(conn)
        claims = [led.claim_json(g, e) for g in led.groups for e in g.entries]
    assert claims and all(c["reliability"] is None and c["credibility"] is None for c in claims)
    with small.db.read() as conn:
        assert build_ledger(conn, Filters(min_reliability="E")).groups == []


def test_rating_a_source_is_logged_and_filters(small: Case) -> None:
    with small.db.read() as conn:
        entries = load_entries(conn)
        key, name = ratings.find_source(conn, "Arvestan Rights Centre", entries)
    ratings.rate_source(small.db, key, name, "b", "two earlier reports checked", "analyst")
    out = ratings.rate_source(small.db, key, name, "C", "one report wrong", "analyst")
    assert out["previous"] == "B" and out["grade"] == "C"
    with small.db.read() as conn:
        rows = conn.execute(select(custody_log.c.details).where(
            custody_log.c.action == "rate-source").order_by(custody_log.c.seq)).all()
        kept = build_ledger(conn, Filters(min_reliability="C"))
        strict = build_ledger(conn, Filters(min_reliability="B"))
    assert [json.loads(r.details)["grade"] for r in rows] == ["B", "C"]
    assert json.loads(rows[1].details)["note"] == "one report wrong"
    claims = [e.original for g in kept.groups for e in g.entries]
    assert claims == ["between 5,000 and 7,000 prisoners"]
    assert strict.groups == []
    g = kept.groups[0]
    assert kept.claim_json(g, g.entries[0])["reliability"]["grade"] == "C"


def test_credibility_is_logged_and_filters(small: Case) -> None:
    with small.db.read() as conn:
        entry = next(e for e in load_entries(conn) if "about 3,000" in e.original)
    ratings.rate_claim(small.db, entry, 2, "matches the lists", "analyst")
    with pytest.raises(ratings.RatingError):
        ratings.rate_claim(small.db, entry, 7, None, "analyst")
    with small.db.read() as conn:
        actions = [r.action for r in conn.execute(select(custody_log.c.action))]
        good = build_ledger(conn, Filters(max_credibility=2))
        best = build_ledger(conn, Filters(max_credibility=1))
    assert actions.count("rate-claim") == 1
    assert [e.id for g in good.groups for e in g.entries] == [entry.id]
    assert best.groups == []


def test_bad_grades_and_unknown_sources_are_refused(small: Case) -> None:
    with pytest.raises(ratings.RatingError):
        ratings.rate_source(small.db, "publisher:x", "x", "G", None, "analyst")
    with small.db.read() as conn, pytest.raises(ratings.RatingError):
        ratings.find_source(conn, "Nobody Anywhere", load_entries(conn))


def test_meets_orders_grades() -> None:
    assert ratings.meets("A", "B") and ratings.meets("B", "B") and not ratings.meets("C", "B")
    assert not ratings.meets("F", "E") and ratings.meets("F", "F")
