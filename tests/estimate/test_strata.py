"""Estimates on the bundled sample's lists, whose true total is known (always run), and
capture tables from linked lists in the case database, by stratum."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from factfinder.db import Database
from factfinder.estimate.methods import estimate
from factfinder.estimate.strata import (
    StrataError,
    case_tables,
    estimate_table,
    record_value,
    value_key,
)
from factfinder.estimate.table import CaptureTable
from factfinder.linkage.engine import LinkResult
from factfinder.linkage.lists import read_list
from factfinder.linkage.store import import_list, save_run
from tests.conftest import SAMPLE

LISTS = ("list_a", "list_b", "list_c")


def truth() -> tuple[CaptureTable, int, dict[str, set[str]]]:
    people: dict[str, set[str]] = {}
    with (SAMPLE / "truth" / "list_membership.csv").open() as fh:
        for row in csv.DictReader(fh):
            people.setdefault(row["person_id"], set()).add(row["list"])
    with (SAMPLE / "truth" / "population.csv").open() as fh:
        total = sum(1 for _ in csv.DictReader(fh))
    return CaptureTable.from_memberships(LISTS, people.values()), total, people


def truth_case(tmp_path: Path) -> str:
    """A case database holding the sample lists, linked by their true clusters."""
    url = f"sqlite:///{tmp_path / 'case.db'}"
    db = Database(url)
    membership = pd.read_csv(SAMPLE / "truth" / "list_membership.csv", dtype=str)
    clusters = pd.DataFrame({"cluster_id": membership["person_id"],
                             "list": membership["list"],
                             "record_id": membership["record_id"]})
    pairs = pd.DataFrame(columns=["left_list", "left_id", "right_list", "right_id", "score"])
    with db.write() as conn:
        for name in LISTS:
            import_list(conn, read_list(SAMPLE / "lists" / f"{name}.csv"), "tester")
        save_run(conn, list(LISTS), LinkResult(pairs, clusters), "tester", {"truth": True})
    db.close()
    return url


def test_sample_truth_table():
    table, total, _ = truth()
    assert table.observed == 241 and total == 300
    # list_c names one person twice (88 records, 87 people)
    assert table.list_totals() == {"list_a": 156, "list_b": 122, "list_c": 87}


def test_sample_intervals_cover_the_true_total():
    table, total, _ = truth()
    # the selection-aware bootstrap interval covers the truth
    boot = estimate(table, "loglinear", interval="bootstrap", bootstrap=200, seed=0)
    assert boot.lower <= total <= boot.upper
    # so does the independence model's profile interval (the lists were drawn independently)
    ind = estimate(table, "loglinear", model="independence")
    assert ind.lower <= total <= ind.upper
    assert abs(ind.estimate - total) < 15
    # and every heterogeneity model's
    for kind in ("chao", "darroch", "poisson", "gamma", "normal"):
        h = estimate(table, "loglinear", heterogeneity=kind)
        assert h.lower <= total <= h.upper, kind
    # two lists at a time disagree (a:c share more than chance): why three lists are needed
    pairs = [estimate(table.subset(p), "chapman").estimate
             for p in (("list_a", "list_b"), ("list_a", "list_c"), ("list_b", "list_c"))]
    assert max(pairs) - min(pairs) > 100
    assert min(pairs) < total * 0.8


def test_case_tables_match_the_truth(tmp_path: Path):
    url = truth_case(tmp_path)
    db = Database(url)
    with db.read() as conn:
        tables = case_tables(conn, list(LISTS))
        assert tables.total == truth()[0]
        sub = case_tables(conn, ["list_a", "list_c"])
        assert sub.total == truth()[0].subset(["list_a", "list_c"])
        by_place = case_tables(conn, list(LISTS), "place")
        by_year = case_tables(conn, list(LISTS), "year")
        with pytest.raises(StrataError, match="not in linkage run"):
            case_tables(conn, ["list_a", "list_z"])
        with pytest.raises(StrataError, match="no record"):
            case_tables(conn, list(LISTS), "no_such_field")
    db.close()
    assert sum(t.observed for t in by_place.strata.values()) == 241
    assert set(by_place.strata) >= {"Sarvand", "Golvar", "Dezhkan"}
    assert sum(t.observed for t in by_year.strata.values()) == 241
    # per-person places from the truth: every stratum's count matches
    pop = pd.read_csv(SAMPLE / "truth" / "population.csv", dtype=str)
    observed = pop[(pop[["in_list_a", "in_list_b", "in_list_c"]] == "1").any(axis=1)]
    for place, table in by_place.strata.items():
        if place != "unknown":
            assert abs(table.observed - int((observed["place"] == place).sum())) <= \
                by_place.conflicts + by_place.unknown


def test_estimate_each_stratum(tmp_path: Path):
    url = truth_case(tmp_path)
    db = Database(url)
    with db.read() as conn:
        tables = case_tables(conn, list(LISTS), "place")
    db.close()
    results = [estimate_table(t, "loglinear", v, interval="lognormal")
               for v, t in tables.strata.items()]
    assert all(r.stratum for r in results)
    assert any(r.estimate is not None for r in results)
    # a stratum where a list recorded nobody is estimated from the other lists, and says so
    t = CaptureTable(LISTS, {(1, 0, 0): 30, (0, 1, 0): 20, (1, 1, 0): 10})
    r = estimate_table(t, "loglinear", "x")
    assert r.estimate == pytest.approx(40 * 30 / 10, abs=0.01)  # Lincoln–Petersen
    assert "list_c record nobody here" in r.warnings[0]


def test_record_values():
    rec = {"event_year": 1988, "place": "Sarvand province", "prison": "Evin",
           "data": {"Province": "Tehran"}}
    assert record_value(rec, "year") == "1988"
    assert record_value(rec, "province") == "Tehran"
    assert record_value({"place": "sarvand Province"}, "place") == "Sarvand"
    assert record_value(rec, "prison") == "Evin"
    assert record_value(rec, "missing") is None
    # spellings of one prison are one stratum; different prisons are not
    assert value_key("prison", "Ghasr-e Sorkh Prison") == value_key("prison", "Qasr-e Sorkh")
    assert value_key("prison", "Tal-e Siah") == value_key("prison", "Tal-e Siyah")
    assert value_key("prison", "Tal-e Siah") != value_key("prison", "Ghasr-e Sorkh")
    assert value_key("affiliation", "APFO ") == value_key("affiliation", "apfo")


def test_prison_strata_merge_spellings(tmp_path: Path):
    db = Database(truth_case(tmp_path))
    with db.read() as conn:
        tables = case_tables(conn, list(LISTS), "prison")
    db.close()
    assert {"Ghasr-e Sorkh", "Tal-e Siah"} <= set(tables.strata)
    assert not {"Qasr-e Sorkh", "Tal-e Siyah"} & set(tables.strata)
    big = tables.strata["Ghasr-e Sorkh"]
    assert big.observed > 100 and all(n > 0 for n in big.list_totals().values())
