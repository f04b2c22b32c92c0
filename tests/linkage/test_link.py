"""Linking: the sample lists against their truth, the CLI, storage, custody, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import factfinder.names as names_api
from factfinder.cli.main import app
from factfinder.linkage import LinkOptions, from_frame, link
from factfinder.linkage.evaluate import cluster_pairs, scores
from factfinder.linkage.simulate import Simulation, simulate

from ..conftest import SAMPLE

pytestmark = pytest.mark.skipif(not hasattr(names_api, "name_keys"),
                                reason="factfinder.names is not there yet")
runner = CliRunner()
LISTS = [str(SAMPLE / "lists" / f"list_{x}.csv") for x in "abc"]


def sample_truth() -> set[tuple[str, str, str, str]]:
    return Simulation({}, pd.read_csv(SAMPLE / "truth" / "list_membership.csv"), []).true_pairs()


def test_cli_links_the_sample_lists(db_url: str, tmp_path: Path):
    db, out = db_url, tmp_path / "links.csv"
    args = ["link", *LISTS, "--out", str(out), "--db", db, "--evidence",
            str(tmp_path / "ev"), "--actor", "ana", "--json"]
    res = runner.invoke(app, args, catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    pairs = pd.read_csv(out, dtype=str)
    assert list(pairs.columns) == ["left_list", "left_id", "right_list", "right_id", "score"]
    clusters = pd.read_csv(tmp_path / "links.clusters.csv", dtype=str)
    assert len(clusters) == 156 + 122 + 88  # every record is in exactly one cluster
    s = scores(cluster_pairs(clusters.itertuples(index=False)), sample_truth())
    print("sample lists, clusters vs truth:", s)
    assert s["precision"] >= 0.95 and s["recall"] >= 0.9
    # --json explains each pair per field
    first = doc["pairs"][0]
    assert set(first["explanation"]["fields"]) >= {"name", "father", "birth_year"}
    assert "bayes_factor" in first["explanation"]["fields"]["name"]

    # stored, with custody; a re-run re-imports nothing and gives the same links
    res2 = runner.invoke(app, args, catch_exceptions=False)
    assert res2.exit_code == 0
    assert pd.read_csv(out, dtype=str).equals(pairs)
    info = json.loads(runner.invoke(app, ["lists", "--db", db, "--json"]).stdout)
    assert [(x["name"], x["records"]) for x in info["lists"]] == [
        ("list_a", 156), ("list_b", 122), ("list_c", 88)]
    assert info["latest_run"]["links"] == len(pairs)
    log = json.loads(runner.invoke(app, ["custody", "log", "--db", db, "--json"]).stdout)
    actions = [e["action"] for e in log]
    assert actions.count("list-import") == 3 and actions.count("link-lists") == 2
    assert all(e["actor"] == "ana" for e in log)

    from factfinder.db import Database
    from factfinder.linkage.store import load_clusters

    database = Database(db)
    with database.read() as conn:
        stored = load_clusters(conn)
    database.close()
    assert len(stored) == len(clusters)


def test_cli_map_and_bad_file(tmp_path: Path):
    renamed = tmp_path / "renamed.csv"
    df = pd.read_csv(LISTS[0], dtype=str).rename(columns={"record_id": "No", "full_name": "Name"})
    df.to_csv(renamed, index=False)
    (tmp_path / "broken.csv").write_text("foo,bar\n1,2\n")
    db = str(tmp_path / "case.db")
    res = runner.invoke(app, ["link", str(renamed), LISTS[1], str(tmp_path / "broken.csv"),
                              "--map", "record_id=No,full_name=Name", "--out",
                              str(tmp_path / "l.csv"), "--db", db])
    assert res.exit_code == 1  # one list could not be used; the others were linked
    assert "broken.csv: no record_id column" in res.stderr
    assert (tmp_path / "l.csv").exists()
    # --backend spark: tests/linkage/test_spark.py


def test_generator_relatives_stay_apart():
    sim = simulate(600, n_lists=2, seed=11)
    result = link([from_frame(k, v) for k, v in sim.lists.items()], LinkOptions())
    person = {(r.list, r.record_id): r.person_id for r in sim.truth.itertuples()}
    by_id = {p.person_id: p for p in sim.people}
    wrong_siblings = 0
    for a_list, a_id, b_list, b_id in result.pair_set():
        pa, pb = by_id[person[(a_list, a_id)]], by_id[person[(b_list, b_id)]]
        if pa.person_id != pb.person_id and (pa.family, pa.father) == (pb.family, pb.father):
            wrong_siblings += 1
    s = scores(result.pair_set(), sim.true_pairs())
    print("simulated 600 people:", s, "siblings linked:", wrong_siblings)
    assert wrong_siblings <= 2 and s["precision"] >= 0.95 and s["f1"] >= 0.9
