"""`gtwh etl` on the simulated operation: it builds a queryable warehouse, a second run changes
nothing, and a run killed at any stage then re-run gives the same warehouse as one that was not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import run_etl
from extract.resources import RESOURCES
from extract.simulator import simulate
from tests.conftest import isolated_settings

PROJECT = Path(__file__).resolve().parent.parent


def is_lineage(column: str) -> bool:
    """Columns that record when or in which run data was extracted differ between runs by design."""
    return column.endswith(("extracted_at", "run_id"))


def warehouse_contents(path: Path) -> dict[str, str]:
    """A fingerprint of every table's rows (lineage of the extraction run left out)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall()
        for (table,) in tables:
            cols = [
                r[0] for r in con.execute(f"describe {table}").fetchall() if not is_lineage(r[0])
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(
                f"select count(*) || ':' || coalesce(md5(string_agg(r, '|' order by r)), '') "
                f"from (select ({select})::varchar as r from {table})"
            ).fetchone()[0]
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("sim")
    summary = simulate(root / "mirror", seed=7)
    return root / "mirror", summary


@pytest.fixture(scope="module")
def built(tmp_path_factory, simulated):
    mirror, _ = simulated
    settings = isolated_settings(tmp_path_factory.mktemp("etl"))
    run_etl(settings, f"mirror:{mirror}")
    return settings, warehouse_contents(settings.warehouse)


def test_the_warehouse_answers_queries(built, simulated):
    settings, _ = built
    _, summary = simulated
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    jobs = {
        r[0]
        for r in con.execute("select distinct labeling_job_name from fct_task_outcomes").fetchall()
    }
    tasks = con.execute("select count(*) from fct_task_outcomes").fetchone()[0]
    others = dict(
        con.execute(
            "select event_type, count(*) from stg_groundtruth__worker_activity "
            "where not is_task_outcome group by 1"
        ).fetchall()
    )
    con.close()
    assert jobs <= set(summary.jobs) and len(jobs) >= 5
    assert tasks == summary.tasks  # the identical pairs included, the TasksAccepted events not
    assert others == summary.other_event_types == {"TasksAccepted": 2}


def test_each_staging_model_is_unique_on_its_declared_key(built):
    """extract/resources.py declares each staging model's grain; re-deliveries, rewritten
    manifests and repeated extractions in the simulated operation must not break it."""
    settings, _ = built
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    for resource in RESOURCES.values():
        if not resource.from_aws:
            continue
        key = ", ".join(resource.key)
        rows, keys, null_keys = con.execute(
            f"select count(*), count(distinct ({key})), "
            f"count(*) filter (where ({' is null or '.join(resource.key)} is null)) "
            f"from {resource.staging_model}"
        ).fetchone()
        assert rows > 0 and keys == rows and null_keys == 0, (resource.name, rows, keys, null_keys)
    con.close()


def test_quarantine_holds_exactly_what_the_simulator_injected(built, simulated):
    settings, _ = built
    _, summary = simulated
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    reasons = dict(con.execute("select reason, count(*) from quarantine group by 1").fetchall())
    balanced = con.execute("select bool_and(is_balanced) from reconciliation").fetchone()[0]
    con.close()
    assert reasons == {"duplicate_delivery": summary.duplicates_injected, **summary.anomalies}
    assert balanced


def test_a_second_run_gives_identical_marts(built, simulated):
    settings, before = built
    mirror, _ = simulated
    report = run_etl(settings, f"mirror:{mirror}").extraction
    assert sum(report.rows_by_resource().values()) == 0
    assert warehouse_contents(settings.warehouse) == before


@pytest.mark.parametrize("crash_at", ["after_data_file:3", "after_staging", "after_validation"])
def test_a_killed_run_rerun_equals_an_uninterrupted_one(tmp_path, built, simulated, crash_at):
    _, expected = built
    mirror, _ = simulated
    settings = isolated_settings(tmp_path)
    env = {
        **os.environ,
        "GTWH_DATA_DIR": str(settings.data_dir),
        "DBT_TARGET_PATH": str(tmp_path / "t"),
        "DBT_LOG_PATH": str(tmp_path / "l"),
    }
    env.pop("GTWH_WAREHOUSE", None)
    cmd = [sys.executable, "-m", "extract.cli", "etl", "--source", f"mirror:{mirror}"]
    killed = subprocess.run(
        cmd, env={**env, "GTWH_CRASH_AT": crash_at}, cwd=PROJECT, capture_output=True, text=True
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    rerun = subprocess.run(cmd, env=env, cwd=PROJECT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert warehouse_contents(settings.warehouse) == expected
