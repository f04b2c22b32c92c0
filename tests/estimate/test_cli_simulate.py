"""``factfinder simulate``: a table CSV that the estimators read, and the truth."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from factfinder.cli.main import app
from factfinder.estimate.table import CaptureTable

runner = CliRunner()


def test_writes_a_table_and_prints_the_truth(tmp_path: Path) -> None:
    out = tmp_path / "sim" / "table.csv"
    res = runner.invoke(app, ["simulate", "--out", str(out), "-N", "1200", "--lists", "5",
                              "--scenario", "heterogeneous", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "simulated N = 1200" in res.output
    table = CaptureTable.from_csv(out)
    assert table.lists == ("A", "B", "C", "D", "E")
    assert f"observed {table.observed} " in res.output
    assert f"{1200 - table.observed} on none" in res.output
    assert out.read_text().splitlines()[0] == "A,B,C,D,E,count"


def test_json_and_seed(tmp_path: Path) -> None:
    args = ["simulate", "--out", str(tmp_path / "a.csv"), "--capture", "0.2,0.3,0.4",
            "-k", "3", "--dependence", "A:B=3", "--seed", "9", "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    truth = json.loads(first.output)
    assert truth["N"] == 1000 and truth["dependence"] == {"A:B": 3.0}
    assert truth["capture"] == [0.2, 0.3, 0.4]
    table = CaptureTable.from_csv(tmp_path / "a.csv")
    assert truth["observed"] == table.observed
    again = runner.invoke(app, args[:2] + [str(tmp_path / "b.csv")] + args[3:])
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert json.loads(again.output)["observed"] == truth["observed"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    out = str(tmp_path / "x.csv")
    for extra in (["--scenario", "nope"], ["--dependence", "A:Z=3"], ["--dependence", "AB"],
                  ["--capture", "0.2,x"], ["-k", "1"]):
        res = runner.invoke(app, ["simulate", "--out", out, *extra])
        assert res.exit_code == 2, (extra, res.output)
    assert not Path(out).exists()
