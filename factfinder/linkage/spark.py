"""The Spark backend of the linkage (``--backend spark``): a Spark session, our comparators as
Spark Python UDFs, and the feature frames as Spark DataFrames with a fixed schema.

pyspark is an optional dependency (``pip install 'factfinder[spark]'``) and needs Java 17+.
Which session is used:

1. the active Spark session, when there is one (a notebook, ``spark-submit``, Databricks): it is
   used as it is; Splink's similarity jar should be on its classpath (``spark.jars``, see
   ``splink.backends.spark.similarity_jar_location()``), else ``jaro_winkler`` falls back to a
   Python UDF (same figures, slower);
2. otherwise a new one, with master ``$FACTFINDER_SPARK_MASTER`` (``local[*]`` when unset;
   ``spark://host:7077``, ``yarn``, … for a cluster) and Splink's jar in ``spark.jars``. Any
   other setting comes from Spark's own configuration (``spark-defaults.conf``,
   ``PYSPARK_SUBMIT_ARGS``). On a cluster the executors need factfinder installed (the UDFs
   import ``factfinder.names``).
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
from typing import Any

import pandas as pd

MASTER_ENV = "FACTFINDER_SPARK_MASTER"
CHECKPOINT_ENV = "FACTFINDER_SPARK_CHECKPOINT_DIR"  # Spark 3.5 only, see _break_lineage
ARRAY_COLUMNS = {"gf_keys", "f_keys", "initials", "place_tokens", "prison_tokens", "gf_rare"}
INT_COLUMNS = {"birth_year", "event_year"}


class SparkUnavailable(RuntimeError):
    """pyspark (or Java) is missing; ``engine.db_api`` turns this into a BackendError."""


def _require_pyspark() -> Any:
    try:
        import pyspark
    except ImportError as exc:
        raise SparkUnavailable(
            "the Spark backend needs pyspark: pip install 'factfinder[spark]' (pyspark, and "
            "Java 17+ on the PATH); or use --backend duckdb") from exc
    return pyspark


# --- our comparators as UDFs (module-level functions: the executors import them by name) ---

@functools.lru_cache(maxsize=1 << 20)
def _name_sim(a: str, b: str) -> float:
    import factfinder.names as names

    return float(names.similarity(a, b))


@functools.lru_cache(maxsize=1 << 20)
def _part_sim(a: str, b: str) -> float:
    import factfinder.names as names

    return float(names.part_similarity(a, b))


def name_sim_udf(a: str | None, b: str | None) -> float | None:
    return None if a is None or b is None else _name_sim(a, b)


def part_sim_udf(a: str | None, b: str | None) -> float | None:
    return None if a is None or b is None else _part_sim(a, b)


def jaro_winkler_udf(a: str | None, b: str | None) -> float | None:
    """Fallback for Splink's Scala ``jaro_winkler`` when its jar is not on the classpath."""
    import jellyfish

    return None if a is None or b is None else float(jellyfish.jaro_winkler_similarity(a, b))


# --- the session ---

def session() -> Any:
    """The active Spark session, or a new one (see the module's docstring)."""
    _require_pyspark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = os.environ.get(MASTER_ENV) or "local[*]"
    builder = (SparkSession.builder.master(master).appName("factfinder-linkage")
               .config("spark.jars", similarity_jar_location())
               .config("spark.ui.showConsoleProgress", "false"))
    if master.startswith("local"):
        # small local jobs: Spark's 200 shuffle partitions cost more than they give; the
        # workers run this interpreter (factfinder importable)
        builder = (builder.config("spark.sql.shuffle.partitions", str(max(4, 2 * _cores())))
                   .config("spark.ui.enabled", "false"))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read by pyspark's context
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pyspark 4 tries Arrow first, and warns on every toPandas without it
        builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "false")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, say: pyspark raises a bare RuntimeError/PySparkException
        raise SparkUnavailable(f"could not start Spark (master {master}; Java 17+ must be on "
                               f"the PATH or JAVA_HOME): {exc}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _cores() -> int:
    return os.cpu_count() or 2


def api(spark: Any | None = None) -> Any:
    """Splink's SparkAPI on ``spark`` (default: ``session()``), with ``ff_name_sim``,
    ``ff_part_sim`` (and ``jaro_winkler`` when the jar is missing) registered."""
    _require_pyspark()
    from pyspark.sql.types import DoubleType
    from splink.backends.spark import SparkAPI

    spark = spark or session()
    splink_api = SparkAPI(spark_session=spark, break_lineage_method=_break_lineage(spark))
    spark.udf.register("ff_name_sim", name_sim_udf, DoubleType())
    spark.udf.register("ff_part_sim", part_sim_udf, DoubleType())
    if not spark.catalog.functionExists("jaro_winkler"):
        spark.udf.register("jaro_winkler", jaro_winkler_udf, DoubleType())
    return splink_api


def _break_lineage(spark: Any) -> str:
    """How Splink cuts the lineage of its intermediate tables. Spark 4: ``persist`` (in memory,
    no checkpoint directory needed). Spark 3.5 fails with persisted tables computed by our
    Python UDFs (``NoSuchElementException: key not found: unique_id#…``), so there Splink's
    default, ``parquet``, writes them into the checkpoint directory: the session's,
    ``$FACTFINDER_SPARK_CHECKPOINT_DIR`` (on a cluster: shared storage, hdfs://…), or a
    temporary one removed at exit."""
    if int(str(spark.version).split(".")[0]) >= 4:
        return "persist"
    if spark.sparkContext.getCheckpointDir() is None:
        path = os.environ.get(CHECKPOINT_ENV)
        if not path:
            path = tempfile.mkdtemp(prefix="factfinder-spark-")
            atexit.register(shutil.rmtree, path, True)
        spark.sparkContext.setCheckpointDir(path)
    return "parquet"


def frame(splink_api: Any, df: pd.DataFrame) -> Any:
    """A feature frame (``engine.features``) as a Spark DataFrame with an explicit schema (a
    column with no value at all, common in small lists, cannot be inferred)."""
    from pyspark.sql.types import (
        ArrayType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def spark_type(col: str) -> Any:
        if col in ARRAY_COLUMNS:
            return ArrayType(StringType())
        return LongType() if col in INT_COLUMNS else StringType()

    schema = StructType([StructField(c, spark_type(c), True) for c in df.columns])
    rows = []
    for rec in df.astype(object).itertuples(index=False, name=None):
        rows.append(tuple(_cell(v, c) for v, c in zip(rec, df.columns, strict=True)))
    return splink_api.spark.createDataFrame(rows, schema=schema)


def _cell(value: Any, col: str) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if col in ARRAY_COLUMNS:
        return [str(v) for v in value]
    if col in INT_COLUMNS:
        return int(value)
    return str(value)



def views(splink_api: Any) -> set[str]:
    """The session's temporary views (Splink's tables and the input lists are views)."""
    return {t.name for t in splink_api.spark.catalog.listTables() if t.isTemporary}


def drop_views(splink_api: Any, names: set[str]) -> None:
    """Drop a run's views, so that the next run in the session can register the same list
    names; dropping a view also uncaches what Splink persisted under it."""
    for name in sorted(names):
        splink_api.spark.catalog.dropTempView(name)
