"""The same dbt project on Spark (issue 15, docs/scale-out.md): the simulated operation built
by DuckDB (``gtwh etl``) and by Spark (``gtwh etl --target spark``, whose last step is the dbt
build on Spark) from the same lake gives the same marts and seeds, row for row.

Marker ``spark`` on the two tests that build (``make test-spark``; ``make test`` leaves them
out): it needs pyspark, dbt-spark and Java 17, and a Spark build takes minutes on two CPUs.

Every table under models/marts, the quarantine and reconciliation tables of models/quality,
and every seed, is read from the DuckDB build file and from its Spark table's Parquet files
(read with DuckDB, so both sides come through one reader), sorted, and compared: same columns in
the same order, same number of rows, and every value equal: strings, integers, booleans, dates
and exact decimals equal as they are; timestamps equal as UTC instants (DuckDB keeps some as
TIMESTAMP WITH TIME ZONE, Spark has none); floats (medians and percentiles, computed by
different interpolation code) within 1e-9 relative. A difference names the table and its first
differing rows.
"""

from __future__ import annotations

import io
import math
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import ensure_simulation, run_etl
from tests.conftest import isolated_settings

PROJECT = Path(__file__).resolve().parent.parent
MARTS = sorted(p.stem for p in (PROJECT / "models/marts").rglob("*.sql"))
# The quarantine and its reconciliation (every raw record staged or quarantined, with the same
# reason on both engines), and the seeds: each engine loads them with its own adapter's code (on
# Spark, macros/spark.sql).
QUALITY = sorted(p.stem for p in (PROJECT / "models/quality").glob("*.sql"))
SEEDS = sorted(p.stem for p in (PROJECT / "seeds").glob("*.csv"))
TABLES = MARTS + QUALITY + SEEDS


def _value(v):
    if isinstance(v, datetime):
        return v.astimezone(UTC).replace(tzinfo=None) if v.tzinfo else v
    if isinstance(v, dict):
        return tuple((k, _value(x)) for k, x in v.items())
    if isinstance(v, list | tuple):
        return tuple(_value(x) for x in v)
    return v


def _sort_key(row):
    return tuple((x is None, repr(x)) for x in row)


def _equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return a == b


def _rows(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple]]:
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    return names, sorted((tuple(_value(v) for v in row) for row in cur.fetchall()), key=_sort_key)


def compare_mart(con: duckdb.DuckDBPyConnection, name: str, spark_folder: Path) -> str | None:
    """None when the mart is the same on both engines, else what differs."""
    if not spark_folder.is_dir():
        return f"{name}: no Spark table at {spark_folder}"
    ours, left = _rows(con, f"select * from main.{name}")
    if not any(spark_folder.glob("*.parquet")):
        # Spark writes no file for a table it created and never inserted into (an empty seed,
        # job_pairings as shipped): equal when the DuckDB table is empty too.
        return None if not left else f"{name}: {len(left)} rows on DuckDB, no file on Spark"
    theirs, right = _rows(con, f"select * from read_parquet('{spark_folder}/*.parquet')")
    if ours != theirs:
        return f"{name}: columns differ:\n  duckdb {ours}\n  spark  {theirs}"
    if len(left) != len(right):
        only_left = [r for r in left if r not in set(right)][:3]
        only_right = [r for r in right if r not in set(left)][:3]
        return (
            f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark; first only on DuckDB: "
            f"{only_left}; first only on Spark: {only_right}"
        )
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        if not _equal(a, b):
            cols = [c for c, x, y in zip(ours, a, b, strict=True) if not _equal(x, y)]
            return f"{name}: row {i} (sorted) differs in {cols}:\n  duckdb {a}\n  spark  {b}"
    return None


def test_compare_mart_names_the_first_difference(tmp_path):
    """The comparison itself: equal tables pass, a changed decimal or a missing row fails."""
    con = duckdb.connect()
    folder = tmp_path / "m"
    folder.mkdir()
    con.execute("create table main.m as select 1 as k, 1.50::decimal(18, 3) as x, 'a' as s")
    con.execute(f"copy (select 1 as k, 1.5::decimal(18, 6) as x, 'a' as s) to '{folder}/p.parquet'")
    assert compare_mart(con, "m", folder) is None
    con.execute(
        f"copy (select 1 as k, 1.501::decimal(18, 3) as x, 'a' as s) to '{folder}/p.parquet'"
    )
    assert "differs in ['x']" in compare_mart(con, "m", folder)
    con.execute(f"copy (select 1 as k, 1.5 as x, 'a' as s limit 0) to '{folder}/p.parquet'")
    assert "1 rows on DuckDB, 0 on Spark" in compare_mart(con, "m", folder)
    (folder / "p.parquet").unlink()
    assert "1 rows on DuckDB, no file on Spark" in compare_mart(con, "m", folder)


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory):
    pytest.importorskip("pyspark")
    pytest.importorskip("dbt.adapters.spark")
    from extract.pipeline import PipelineError
    from extract.spark_target import run_etl_spark

    settings = isolated_settings(tmp_path_factory.mktemp("spark"))
    ensure_simulation(settings)
    started = time.perf_counter()
    run_etl(settings, "simulator")
    duckdb_seconds = time.perf_counter() - started
    # what `gtwh etl --target spark` runs: nothing new to extract, stage or validate after the
    # DuckDB run on the same data folder, then every model built on Spark
    log = io.StringIO()
    try:
        result = run_etl_spark(settings, "simulator", out=log)
    except PipelineError as error:
        pytest.fail(f"gtwh etl --target spark failed: {error}\n{log.getvalue()}")
    print(
        f"\nsimulated operation: DuckDB etl {duckdb_seconds:.1f} s, "
        f"Spark dbt build {result.spark_seconds:.1f} s"
    )
    return settings, result.spark


@pytest.mark.spark
def test_every_mart_quarantine_and_seed_is_the_same_on_duckdb_and_spark(both_engines):
    from extract.spark_target import spark_table_dir

    settings, built = both_engines
    assert built.success, built.failures
    assert built.tests_failed == 0
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    differences = [
        d
        for name in TABLES
        if (d := compare_mart(con, name, spark_table_dir(settings, name))) is not None
    ]
    assert not differences, f"{len(differences)} of {len(TABLES)} tables differ:\n" + "\n".join(
        differences
    )


@pytest.mark.spark
def test_spark_files_stay_under_the_data_folder(both_engines):
    from extract.spark_target import spark_dir

    settings, _ = both_engines
    folder = spark_dir(settings)
    assert (folder / "metastore_db").is_dir() and (folder / "spark-warehouse").is_dir()
    for stray in ("metastore_db", "spark-warehouse", "derby.log"):
        assert not (PROJECT / stray).exists(), f"{stray} left in the project folder"
