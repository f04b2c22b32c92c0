"""The ledger commands as a user runs them: --json shapes, decisions, ratings, tally."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from factfinder.cli.main import app
from tests.conftest import SAMPLE, Case

runner = CliRunner()
GROUP_KEYS = {"id", "subject", "claims", "values", "independent_claimants", "contradictions"}
CLAIM_KEYS = {"claim_id", "low", "high", "text", "claimant", "publisher", "document_id",
              "independent"}


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def as_json(*args: str) -> Any:
    res = run(*args, "--json")
    assert res.exit_code == 0, res.stdout + res.stderr
    return json.loads(res.stdout)


def test_ledger_json_keys(small: Case, db_url: str) -> None:
    items = as_json("ledger", "--db", db_url)
    assert items
    for g in items:
        assert set(g) >= GROUP_KEYS
        for c in g["claims"]:
            assert set(c) >= CLAIM_KEYS
        for v in g["values"]:
            assert {"low", "high", "claims", "claimants", "independent_claimants"} <= set(v)
    toll = next(g for g in items if any("30,000" in c["text"] for c in g["claims"]))
    shown = as_json("ledger", "show", toll["id"][:8], "--db", db_url)
    assert shown["id"] == toll["id"] and shown["claims"] == toll["claims"]
    res = run("ledger", "show", toll["id"], "--db", db_url)
    assert res.exit_code == 0 and "contradictions" in res.stdout
    assert run("ledger", "show", "gnothere", "--db", db_url).exit_code == 1


def test_move_split_rate_credibility_from_the_cli(small: Case, db_url: str) -> None:
    items = as_json("ledger", "--db", db_url)
    toll = next(g for g in items if any("30,000" in c["text"] for c in g["claims"]))
    other = next(g for g in items if g["id"] != toll["id"])
    memoir = next(c for c in toll["claims"] if "3,000" in c["text"])
    moved = as_json("ledger", "move", memoir["claim_id"][:12], other["id"], "--db", db_url,
                    "--actor", "ana")
    assert moved["to"] == other["id"]
    again = as_json("ledger", "show", other["id"], "--db", db_url)
    assert memoir["claim_id"] in {c["claim_id"] for c in again["claims"]}
    split = as_json("ledger", "split", toll["id"], "--claim",
                    next(c for c in toll["claims"] if "5,000" in c["text"])["claim_id"],
                    "--db", db_url, "--actor", "ana")
    assert split["new_group"] != toll["id"]
    decided = as_json("ledger", "decisions", "--db", db_url)
    assert [d["action"] for d in decided] == ["move", "split"]
    rated = as_json("rate", "Arvestan Rights Centre", "B", "--note", "checked", "--db", db_url,
                    "--actor", "ana")
    assert rated["grade"] == "B" and rated["note"] == "checked"
    assert run("rate", "Arvestan Rights Centre", "Q", "--db", db_url).exit_code == 1
    cred = as_json("credibility", memoir["claim_id"][:12], "3", "--db", db_url)
    assert cred["grade"] == 3
    only = as_json("ledger", "--min-reliability", "B", "--db", db_url)
    assert [c["claimant"] for g in only for c in g["claims"]] == ["Arvestan Rights Centre"]
    custody = as_json("custody", "log", "--db", db_url)
    actions = [e["action"] for e in custody]
    for action in ("ledger-move", "ledger-split", "rate-source", "rate-claim"):
        assert action in actions


def test_tally_by_category_place_and_month(case: Case, db_url: str, tmp_path: Path) -> None:
    from factfinder.extract.runner import run_extraction

    case.ingest(SAMPLE / "corpus" / "azadiwatch-protest-report-shahrivar-1402.txt")
    run_extraction(case.db, actor="tester", jobs=1)
    cats = as_json("tally", "--by", "category", "--db", db_url)
    assert {r["category"] for r in cats} >= {"families", "workers"}
    assert all(r["period"] == "2023-08-23/2023-09-22" for r in cats)
    months = as_json("tally", "--by", "month", "--db", db_url)
    assert len(months) == 1
    m = months[0]
    assert m["count"] == 41 and m["locations"] == 17  # the report's total, counted once
    assert m["sum_of_categories"] == sum(r["count"] for r in cats)
    places = as_json("tally", "--by", "place", "--db", db_url)
    assert places[0]["place"] == "Sarvand" and places[0]["count"] == 10
    assert run("tally", "--by", "weekday", "--db", db_url).exit_code == 1
