"""The Spark backend (``--backend spark``): the same links as DuckDB on the sample lists, and a
clear error without pyspark. The Spark tests skip where pyspark or Java is missing (CI installs
only the default dependencies); they share one local Spark session (start-up is slow)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import factfinder.names as names_api
from factfinder.cli.main import app
from factfinder.linkage import BackendError, LinkOptions, link, read_list
from factfinder.linkage.engine import DIALECT_SQL, comparisons, db_api

from ..conftest import SAMPLE

pytestmark = pytest.mark.skipif(not hasattr(names_api, "name_keys"),
                                reason="factfinder.names is not there yet")
runner = CliRunner()
LISTS = [str(SAMPLE / "lists" / f"list_{x}.csv") for x in "ab"]
HAVE_JAVA = bool(shutil.which("java") or os.environ.get("JAVA_HOME"))
HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
needs_spark = pytest.mark.skipif(not (HAVE_PYSPARK and HAVE_JAVA),
                                 reason="pyspark or Java is not installed")


def test_missing_pyspark_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError
    with pytest.raises(BackendError, match=r"pip install 'factfinder\[spark\]'"):
        db_api("spark")
    res = runner.invoke(app, ["link", *LISTS, "--backend", "spark", "--out",
                              str(tmp_path / "s.csv"), "--db", str(tmp_path / "case.db")])
    assert res.exit_code == 2
    assert "pyspark" in res.stderr and "--backend duckdb" in res.stderr
    assert not (tmp_path / "s.csv").exists()


def test_every_dialect_writes_the_same_levels():
    """Only the pieces of DIALECT_SQL differ: the comparisons have the same levels, labels
    and priors in both dialects."""
    assert set(DIALECT_SQL) == {"duckdb", "spark"}
    for dialect in DIALECT_SQL:
        assert set(DIALECT_SQL[dialect]) == set(DIALECT_SQL["duckdb"])

    def shape(dialect: str) -> list[Any]:
        out = []
        for c in comparisons(dialect):
            d = c.get_comparison(dialect).as_dict()
            out.append([(lv.get("label_for_charts"), lv.get("m_probability"))
                        for lv in d["comparison_levels"]])
        return out

    assert shape("duckdb") == shape("spark")
    spark_sql = " ".join(lv["sql_condition"] for c in comparisons("spark")
                         for lv in c.get_comparison("spark").as_dict()["comparison_levels"])
    for duckdb_only in ("jaro_winkler_similarity", "list_intersect", "date_diff("):
        assert duckdb_only not in spark_sql


@pytest.fixture(scope="module")
def spark_session() -> Iterator[Any]:
    from factfinder.linkage import spark

    os.environ.pop(spark.MASTER_ENV, None)
    session = spark.session()
    yield session
    session.stop()


def _keys(pairs: pd.DataFrame) -> set[tuple[str, str, str, str]]:
    return {(r.left_list, r.left_id, r.right_list, r.right_id) for r in pairs.itertuples()}


@needs_spark
def test_spark_links_the_sample_lists_as_duckdb_does(spark_session: Any, tmp_path: Path):
    duck = link([read_list(p) for p in LISTS], LinkOptions(backend="duckdb"), explain=True)
    out = tmp_path / "links.csv"
    res = runner.invoke(app, ["link", *LISTS, "--backend", "spark", "--out", str(out),
                              "--db", str(tmp_path / "case.db"), "--json"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["model"]["backend"] == "spark"
    # each field's level and values, as --json explains them, are DuckDB's
    explained = {(x["left_list"], x["left_id"], x["right_list"], x["right_id"]):
                 {k: (f["level"], f["value_left"], f["value_right"])
                  for k, f in x["explanation"]["fields"].items()} for x in doc["pairs"]}
    same = [explained.get((r.left_list, r.left_id, r.right_list, r.right_id)) ==
            {k: (f["level"], f["value_left"], f["value_right"])
             for k, f in r.explanation["fields"].items()} for r in duck.pairs.itertuples()]
    assert sum(same) / len(same) >= 0.99
    sparked = pd.read_csv(out, dtype={"left_id": str, "right_id": str})
    a, b = _keys(duck.pairs), _keys(sparked)
    agreement = len(a & b) / len(a | b)
    print(f"sample lists a, b: duckdb {len(a)} links, spark {len(b)}, agreement {agreement:.4f}")
    assert len(a) > 50 and agreement >= 0.99
    both = duck.pairs.merge(sparked, on=["left_list", "left_id", "right_list", "right_id"])
    assert (both["score_x"] - both["score_y"]).abs().max() < 0.05
    # the run left no view behind: the next run in this session can register the same names
    assert not [t.name for t in spark_session.catalog.listTables()
                if t.name.startswith(("list_", "__splink"))]


def test_jaro_winkler_fallback_agrees_with_duckdb():
    """The Python ``jaro_winkler`` (used when Splink's jar is not in a session of your own)
    gives DuckDB's ``jaro_winkler_similarity`` on the name skeletons."""
    import duckdb

    from factfinder.linkage.spark import jaro_winkler_udf

    words = [("hsn mhmd", "hsyn mhmd"), ("mhmd", "mhmd"), ("rz nrbd", "nrbd rz"),
             ("jfr", "jfry"), ("a", "b")]
    con = duckdb.connect()
    for a, b in words:
        (expected,) = con.execute("SELECT jaro_winkler_similarity(?, ?)", [a, b]).fetchone()
        assert jaro_winkler_udf(a, b) == pytest.approx(expected, abs=1e-9)
    assert jaro_winkler_udf(None, "x") is None
