"""Grouping, independence, contradictions and views on a small case, on every engine."""

from __future__ import annotations

from typing import Any

from factfinder.ledger.query import build_ledger
from tests.conftest import Case


def groups(case: Case) -> list[dict[str, Any]]:
    with case.db.read() as conn:
        led = build_ledger(conn)
        return [led.group_json(g) for g in led.groups]


def holding(items: list[dict[str, Any]], words: str) -> dict[str, Any]:
    hits = [g for g in items if any(words in c["original"] for c in g["claims"])]
    assert len(hits) == 1, [(g["subject"]["label"], [c["original"] for c in g["claims"]])
                            for g in items]
    return hits[0]


def test_one_quantity_in_different_words_is_one_group(small: Case) -> None:
    items = groups(small)
    toll = holding(items, "more than 30,000")
    words = {c["original"] for c in toll["claims"]}
    assert "about 3,000 prisoners" in words
    assert "between 5,000 and 7,000 prisoners" in words
    assert toll["subject"]["measure"] == "killed" and toll["subject"]["unit"] == "people"
    protests = holding(items, "At least 41 protests")
    assert protests["id"] != toll["id"]
    assert not any("30,000" in c["original"] for c in protests["claims"])


def test_a_repost_is_not_corroboration(small: Case) -> None:
    toll = holding(groups(small), "more than 30,000")
    copies = [c for c in toll["claims"] if "30,000" in c["original"]]
    assert len(copies) == 2
    assert sorted(c["independent"] for c in copies) == [False, True]
    repeat = next(c for c in copies if not c["independent"])
    assert "near-duplicate" in repeat["not_independent_because"]
    assert repeat["repeat_of"] == next(c for c in copies if c["independent"])["claim_id"]
    # three independent sources: the committee (once, with its repost), the memoir, the centre
    assert toll["independent_claimants"] == 3
    more = next(v for v in toll["values"] if v["low"] == 30000)
    assert more["claims"] == 2 and more["independent_claimants"] == 1


def test_a_quoted_source_is_the_origin_and_the_chain_is_shown(small: Case) -> None:
    toll = holding(groups(small), "more than 30,000")
    quoted = next(c for c in toll["claims"] if "5,000" in c["original"])
    assert quoted["claimant"] == "Arvestan Rights Centre"
    assert quoted["origin"] == "Arvestan Rights Centre"
    assert quoted["chain"] == [quoted["publisher"], "Arvestan Rights Centre"]


def test_contradictions_and_views(small: Case) -> None:
    toll = holding(groups(small), "more than 30,000")
    pairs = {(c["lower"], c["higher"]) for c in toll["contradictions"]}
    assert ("about 3,000", "5,000–7,000") in pairs
    assert ("5,000–7,000", "at least 30,000") in pairs
    assert ("about 3,000", "at least 30,000") in pairs
    ucdp, acled = toll["views"]["ucdp"], toll["views"]["acled"]
    assert ucdp["low"] == 3000 and ucdp["high"] == 30000 and ucdp["sources"] == 3
    assert acled["figure"] == 3000 and acled["disputed"] is True


def test_group_ids_are_stable_across_runs(small: Case) -> None:
    first = sorted(g["id"] for g in groups(small))
    from factfinder.extract.runner import run_extraction

    run_extraction(small.db, actor="tester", jobs=1)
    assert sorted(g["id"] for g in groups(small)) == first


WORDINGS = {
    "a.txt": "Remembering 1988\n\nIn the summer of 1988, 30,000 political prisoners were "
             "massacred in the prisons of Arvestan.\n",
    "b.txt": "The commissions\n\nIn 1988 the death commissions executed more than 30,000 "
             "prisoners in a few weeks.\n",
    "c.txt": "A statement\n\nThe families of the prisoners killed in 1988 say the number "
             "exceeded 30,000.\n",
    "d.txt": "An appeal\n\nIn 1988 the regime put to death tens of thousands of political "
             "prisoners.\n",
    "e.txt": "Protests\n\nAt least 177 protests took place in 57 cities of Arvestan in August "
             "2019.\n",
}


def test_the_issues_wordings_are_one_group(case: Case, tmp_path) -> None:
    from tests.ledger.conftest import build

    build(case, tmp_path / "w", WORDINGS)
    items = groups(case)
    toll = holding(items, "30,000 political prisoners")
    # one claim from each of the four documents about the toll, none from the protest report
    assert len({c["document_id"] for c in toll["claims"]}) == 4, toll["claims"]
    assert {c["low"] for c in toll["claims"]} == {30000, 20000}
    assert not any("177" in c["text"] for c in toll["claims"])
    assert holding(items, "At least 177 protests")["id"] != toll["id"]
