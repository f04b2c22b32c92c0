"""The ``factfinder estimate`` command: tables, --json, --plot, --lists on a case database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factfinder.cli.main import app
from tests.conftest import SHARED
from tests.estimate.test_strata import LISTS, truth, truth_case

runner = CliRunner()
KEYS = {"method", "model", "models", "estimate", "lower", "upper", "level", "observed", "fit",
        "warnings"}


def write_table(path: Path, lists: tuple[str, ...], counts: dict[tuple[int, ...], int]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*lists, "count"])
        for p, n in counts.items():
            w.writerow([*p, n])
    return path


@pytest.fixture
def sample_csv(tmp_path: Path) -> Path:
    table = truth()[0]
    return write_table(tmp_path / "sample.csv", table.lists, dict(table.counts))


def test_table_text_output(sample_csv: Path):
    res = runner.invoke(app, ["estimate", str(sample_csv)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "loglinear" in out and "exhaustive over all hierarchical models" in out
    assert "BIC with n = 241 cases" in out
    assert "candidate models" in out and "list_a:list_c" in out
    assert "349" in out  # the estimate, 348.8, printed rounded


def test_table_json(sample_csv: Path):
    res = runner.invoke(app, ["estimate", str(sample_csv), "--json", "--criterion", "aic",
                              "--bic-n", "cells"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= KEYS
    assert doc["method"] == "loglinear" and doc["observed"] == 241
    assert doc["lower"] < doc["estimate"] < doc["upper"]
    assert {"deviance", "df", "aic", "bic"} <= set(doc["fit"])
    assert doc["details"]["criterion"] == "aic" and doc["details"]["bic_n"] == "cells"
    assert abs(sum(m["weight"] for m in doc["models"] if m["weight"]) - 1) < 0.01 or len(
        doc["models"]) == 10


def test_named_model_heterogeneity_bootstrap(sample_csv: Path):
    doc = json.loads(runner.invoke(app, ["estimate", str(sample_csv), "--json", "--model",
                                         "list_a:list_b"]).stdout)
    assert doc["model"] == "list_a:list_b" and doc["models"] == []
    doc = json.loads(runner.invoke(app, ["estimate", str(sample_csv), "--json",
                                         "--heterogeneity", "darroch"]).stdout)
    assert "Darroch" in doc["model"]
    args = ["estimate", str(sample_csv), "--json", "--interval", "bootstrap", "--bootstrap",
            "30", "--seed", "3"]
    a, b = (json.loads(runner.invoke(app, args).stdout) for _ in range(2))
    assert (a["lower"], a["upper"]) == (b["lower"], b["upper"])
    assert a["interval"].startswith("bootstrap of the observed cells")
    fitted = json.loads(runner.invoke(app, [*args, "--resample", "fitted"]).stdout)
    assert fitted["interval"].startswith("parametric bootstrap")
    two = write_table(sample_csv.with_name("two.csv"), ("x", "y"),
                      {(1, 0): 40, (0, 1): 30, (1, 1): 20})
    doc = json.loads(runner.invoke(app, ["estimate", str(two), "--method", "chapman",
                                         "--json"]).stdout)
    assert doc["method"] == "chapman" and abs(doc["estimate"] - (61 * 51 / 21 - 1)) < 1e-3


def test_plots(sample_csv: Path, tmp_path: Path):
    png, svg = tmp_path / "models.png", tmp_path / "out" / "profile.svg"
    res = runner.invoke(app, ["estimate", str(sample_csv), "--plot", str(png)])
    assert res.exit_code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = runner.invoke(app, ["estimate", str(sample_csv), "--model", "independence",
                              "--plot", str(svg)])
    assert res.exit_code == 0 and b"<svg" in svg.read_bytes()[:1000]
    res = runner.invoke(app, ["estimate", str(sample_csv), "--plot", str(tmp_path / "x.gif")])
    assert res.exit_code == 2


def test_usage_errors(sample_csv: Path, tmp_path: Path):
    assert runner.invoke(app, ["estimate"]).exit_code == 2
    assert runner.invoke(app, ["estimate", str(tmp_path / "none.csv")]).exit_code == 2
    assert runner.invoke(app, ["estimate", str(sample_csv), "--method", "magic"]).exit_code == 2
    assert runner.invoke(app, ["estimate", str(sample_csv), "--strata", "year"]).exit_code == 2
    res = runner.invoke(app, ["estimate", str(sample_csv), "--model", "list_a:nope"])
    assert res.exit_code == 2 and "not a list" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,count\n0,0,5\n")
    assert runner.invoke(app, ["estimate", str(bad)]).exit_code == 2


@pytest.mark.skipif(not (SHARED / "data" / "mse" / "cormack.csv").is_file(),
                    reason="../shared/data/mse is not present")
def test_unbounded_estimate_exits_1_with_warnings():
    path = SHARED / "data" / "mse" / "cormack.csv"
    res = runner.invoke(app, ["estimate", str(path), "--model", "two-way"])
    assert res.exit_code == 1
    assert "no estimate" in res.stdout and "warnings" in res.stdout
    assert "not identifiable" in res.stdout
    doc = json.loads(runner.invoke(app, ["estimate", str(path), "--model", "two-way",
                                         "--json"]).stdout)
    assert doc["estimate"] is None and doc["warnings"]


def test_lists_from_the_case_database(tmp_path: Path):
    url = truth_case(tmp_path)
    res = runner.invoke(app, ["estimate", "--lists", *LISTS, "--db", url, "--json",
                              "--actor", "ana"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) >= KEYS and doc["observed"] == 241 and doc["stratum"] is None
    res = runner.invoke(app, ["estimate", "--lists", *LISTS, "--strata", "place", "--db", url,
                              "--json", "--interval", "lognormal"])
    docs = json.loads(res.stdout)
    assert isinstance(docs, list) and docs[0]["stratum"] is None
    assert {d["stratum"] for d in docs[1:]} >= {"Sarvand", "Golvar", "Dezhkan"}
    assert sum(d["observed"] for d in docs[1:]) == 241
    text = runner.invoke(app, ["estimate", "--lists", *LISTS, "--strata", "place", "--db",
                               url, "--interval", "none"]).stdout
    assert "Sarvand" in text and "total" in text
    log = json.loads(runner.invoke(app, ["custody", "log", "--db", url, "--json"]).stdout)
    runs = [e for e in log if e["action"] == "estimate"]
    assert len(runs) == 3
    assert runs[0]["actor"] == "ana"
    assert runs[0]["details"]["lists"] == list(LISTS)
    assert runs[1]["details"]["strata"] == "place"
    assert runs[1]["details"]["results"][0]["observed"] == 241
    res = runner.invoke(app, ["estimate", "--lists", "list_a", "list_x", "--db", url])
    assert res.exit_code == 2 and "not in linkage run" in res.stderr
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    res = runner.invoke(app, ["estimate", "--lists", *LISTS, "--db", empty])
    assert res.exit_code == 2 and "no linkage run" in res.stderr


def test_plot_posteriors_and_strata(tmp_path: Path):
    from factfinder.estimate.plot import _posterior, plot
    from factfinder.estimate.result import Estimate

    grid = {"posterior": {"N": [100, 101, 102], "posterior": [0.2, 0.5, 0.3]}}
    assert _posterior(grid) == ([100.0, 101.0, 102.0], [0.2, 0.5, 0.3])
    chains = {"samples": [[100, 104], [102]]}
    assert _posterior(chains) == [100.0, 104.0, 102.0]
    assert _posterior({"samples": "nothing"}) is None
    bayes = Estimate("lcmcr", 102, 100, 104, observed=90, details=chains)
    assert plot(bayes, tmp_path / "post.png").stat().st_size > 1000
    strata = [Estimate("loglinear", 120, 100, 150, observed=90),
              Estimate("loglinear", 60, 50, 80, observed=50, stratum="north"),
              Estimate("loglinear", None, observed=40, stratum="south")]
    assert plot(strata, tmp_path / "strata.svg").stat().st_size > 1000
    with pytest.raises(ValueError):
        plot(bayes, tmp_path / "post.pdf")
