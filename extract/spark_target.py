"""``gtwh etl --target spark``: the same dbt project built on Apache Spark (docs/scale-out.md).

The extraction and the lake are the same as for DuckDB. Great Expectations validates the new
data with DuckDB over the same lake: the staging and quarantine models are built on DuckDB
(into the build file, as ``gtwh etl`` does) and the suites read their checks views there, so one
set of suites, one SQL dialect and one data-quality report serve both targets. Then the whole
project is built on Spark (profiles.yml target ``spark``): the lake's folders are registered as
Spark tables at the start of the run (macros/spark.sql) and every model is a Spark table or
view under ``<data>/spark/spark-warehouse``. Nothing is published to the DuckDB warehouse.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from extract.build_state import Fingerprints, up_to_date
from extract.faults import maybe_crash
from extract.results import ExtractionReport
from extract.settings import Settings
from extract.transform import DbtOutcome, dbt

SPARK_MISSING = (
    "the spark target needs pyspark and dbt-spark (`make install-spark`) and Java 17 "
    "(Debian: apt-get install openjdk-17-jre-headless)"
)


def spark_dir(settings: Settings) -> Path:
    """Where Spark keeps its metastore (metastore_db/), its tables (spark-warehouse/) and
    derby.log: ``<data>/spark``."""
    return settings.data_dir / "spark"


def spark_table_dir(settings: Settings, model: str, schema: str = "main") -> Path:
    """The folder of a model's Spark table (a managed Parquet table)."""
    return spark_dir(settings) / "spark-warehouse" / f"{schema}.db" / model


def check_installed() -> None:
    """Raise a one-sentence RuntimeError when the Spark target cannot run here."""
    import importlib.util
    import shutil

    if (
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        raise RuntimeError(SPARK_MISSING)
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError(SPARK_MISSING)


@contextlib.contextmanager
def _in(folder: Path):
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def spark_dbt(settings: Settings, *args: str) -> DbtOutcome:
    """``dbt <args> --target spark`` on this project, in-process. Spark's files stay under
    ``spark_dir`` (profiles.yml reads GTWH_SPARK_DIR; the run's working folder is that folder
    too, for anything the JVM writes to its working directory)."""
    check_installed()
    folder = spark_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GTWH_SPARK_DIR"] = str(folder)
    with _in(folder):
        return dbt(settings, *args, "--target", "spark")


@dataclass
class SparkEtlResult:
    extraction: ExtractionReport
    staging: DbtOutcome | None  # the DuckDB staging build validation reads; None when fresh
    validation: object
    spark: DbtOutcome
    spark_seconds: float


def run_etl_spark(settings: Settings, source: str, *, out=None, aws_options=None):
    """Extract, validate with DuckDB over the same lake, build every model on Spark."""
    from extract.pipeline import PipelineError, stage_extract, stage_staging, stage_validate

    out = out or sys.stdout
    try:
        check_installed()
    except RuntimeError as error:
        raise PipelineError(str(error)) from None
    print(f"[1/4] extract from {source}", file=out)
    extraction = stage_extract(settings, source, aws_options=aws_options)
    maybe_crash("after_extract")
    fingerprints = Fingerprints.of(settings)
    fresh = up_to_date(settings, fingerprints)
    print(
        "[2/4] dbt build on DuckDB: staging and quarantine, what validation reads"
        + (" (skipped: up to date)" if fresh else ""),
        file=out,
    )
    staging = stage_staging(settings, fingerprints)
    print(
        "[3/4] Great Expectations on new data, validated with DuckDB over the same lake "
        "(not on Spark; docs/scale-out.md)" + (" (skipped)" if fresh else ""),
        file=out,
    )
    validation = stage_validate(settings, fingerprints)
    print("[4/4] dbt build on Spark: every model (target spark)", file=out)
    started = time.perf_counter()
    built = spark_dbt(settings, "build")
    seconds = time.perf_counter() - started
    result = SparkEtlResult(extraction, staging, validation, built, seconds)
    print(spark_summary(settings, result), file=out)
    if not built.success:
        raise PipelineError("dbt build on Spark failed:\n  " + "\n  ".join(built.failures))
    return result


def spark_summary(settings: Settings, result: SparkEtlResult) -> str:
    s = result.spark
    checks = getattr(result.validation, "checks", ()) or ()
    lines = [
        "",
        f"Spark build ({result.spark_seconds:.1f} s): {s.models} models built; tests "
        f"{s.tests_passed} passed, {s.tests_warned} warned, {s.tests_failed} failed",
        f"  validation (DuckDB over the same lake): {len(checks)} checks run",
        f"  Spark tables: {spark_dir(settings) / 'spark-warehouse'} (metastore: "
        f"{spark_dir(settings) / 'metastore_db'})",
    ]
    lines += [f"  FAILED {f}" for f in s.failures]
    return "\n".join(lines)
