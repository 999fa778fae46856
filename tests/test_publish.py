"""Readers and `gtwh etl` at the same time: an open reader keeps its snapshot, a new reader sees
the last published build, no reader is ever refused, and a run killed while building or
publishing leaves the published warehouse as it was (extract/publish.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from extract.simulator import simulate
from tests.conftest import isolated_settings
from tests.test_etl import warehouse_contents

PROJECT = Path(__file__).resolve().parent.parent
SHELL = Path(sys.executable).with_name("duckdb")
PAGES = "logs/aws/sagemaker/groundtruth/WorkerActivity/filter-log-events"
FIGURES = "select count(*), sum(tasks_submitted) from throughput_worker_job_daily"


def _env(root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "GTWH_DATA_DIR": str(root / "data"),
        "DBT_TARGET_PATH": str(root / "t"),
        "DBT_LOG_PATH": str(root / "l"),
    }
    for name in ("GTWH_WAREHOUSE", "GTWH_BUILD_WAREHOUSE", "GTWH_CRASH_AT"):
        env.pop(name, None)
    return env


def _etl(root: Path, **extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "extract.cli", "etl", "--source", f"mirror:{root / 'mirror'}"]
    return subprocess.run(
        cmd, env={**_env(root), **extra}, cwd=PROJECT, capture_output=True, text=True
    )


def _hidden_days(mirror: Path) -> list[Path]:
    """The last two days of FilterLogEvents pages, hidden from the first run (a leading `_`
    makes the mirror reader skip a folder); showing them again is the next run's new data."""
    return sorted(p for p in (mirror / PAGES).iterdir() if p.is_dir())[-2:]


def _show(mirror: Path) -> None:
    for day in (mirror / PAGES).glob("_*"):
        day.rename(day.with_name(day.name[1:]))


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A warehouse published from the mirror without its last two days of worker pages."""
    root = tmp_path_factory.mktemp("first")
    summary = simulate(root / "mirror", seed=7)
    for day in _hidden_days(root / "mirror"):
        day.rename(day.with_name("_" + day.name))
    run = _etl(root)
    assert run.returncode == 0, run.stderr[-2000:]
    settings = isolated_settings(root)
    return root, summary, warehouse_contents(settings.warehouse)


def _copy_of(first_root: Path, to: Path) -> Path:
    """The first run's whole folder (mirror, lake, build and published files), with the hidden
    days shown again: running the pipeline on it lands new data."""
    shutil.copytree(first_root / "mirror", to / "mirror", symlinks=True)
    shutil.copytree(first_root / "data", to / "data", symlinks=True)
    _show(to / "mirror")
    return to


def _fresh_read(path: Path) -> tuple[bool, str]:
    """What a new `make sql` does: a separate read-only DuckDB shell on the published path."""
    p = subprocess.run(
        [str(SHELL), "-readonly", "-csv", "-noheader", str(path), "-c", FIGURES],
        capture_output=True,
        text=True,
    )
    return p.returncode == 0 and not p.stderr, (p.stdout + p.stderr).strip()


@pytest.fixture(scope="module")
def second(first, tmp_path_factory):
    """The next run with new data, while an analyst's read-only connection stays open on the
    published warehouse and new readers keep arriving."""
    first_root, summary, _ = first
    root = _copy_of(first_root, tmp_path_factory.mktemp("second"))
    published = isolated_settings(root).warehouse
    held = duckdb.connect(str(published), read_only=True)
    old = held.execute(FIGURES).fetchone()
    old_tasks = held.execute("select count(*) from fct_task_outcomes").fetchone()[0]
    seen_by_held, fresh, stop = [], [], threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            seen_by_held.append(held.execute(FIGURES).fetchone())
            time.sleep(0.05)

    def keep_opening() -> None:
        while not stop.is_set():
            fresh.append(_fresh_read(published))
            time.sleep(0.1)

    threads = [threading.Thread(target=keep_reading), threading.Thread(target=keep_opening)]
    for t in threads:
        t.start()
    try:
        run = _etl(root)
    finally:
        stop.set()
        for t in threads:
            t.join()
    after_held = held.execute(FIGURES).fetchone()
    held.close()
    return {
        "root": root,
        "run": run,
        "old": old,
        "old_tasks": old_tasks,
        "held": seen_by_held,
        "after_held": after_held,
        "fresh": fresh,
        "summary": summary,
        "contents": warehouse_contents(published),
    }


def test_the_run_succeeds_with_a_reader_holding_the_published_warehouse(second):
    assert second["run"].returncode == 0, second["run"].stderr[-2000:]


def test_the_open_reader_keeps_reading_its_old_snapshot_throughout(second, first):
    assert len(second["held"]) > 20
    assert set(second["held"]) == {second["old"]}
    assert second["after_held"] == second["old"]
    # ...which is the first run's warehouse: fewer tasks than the whole simulated operation.
    assert second["old_tasks"] < second["summary"].tasks


def test_every_new_reader_during_the_run_is_served(second):
    attempts = second["fresh"]
    assert len(attempts) > 20
    failed = [text for ok, text in attempts if not ok]
    assert failed == []


def test_a_reader_opened_after_the_run_sees_the_new_build(second):
    published = isolated_settings(second["root"]).warehouse
    con = duckdb.connect(str(published), read_only=True)
    tasks = con.execute("select count(*) from fct_task_outcomes").fetchone()[0]
    figures = con.execute(FIGURES).fetchone()
    con.close()
    assert tasks == second["summary"].tasks  # the simulator's own count of the whole operation
    assert figures != second["old"]
    ok, text = _fresh_read(published)
    assert ok and text == f"{figures[0]},{figures[1]}"


def test_the_build_file_persists_beside_the_published_one(second):
    settings = isolated_settings(second["root"])
    assert settings.build_warehouse == settings.data_dir / "build" / "warehouse.duckdb"
    assert warehouse_contents(settings.build_warehouse) == second["contents"]
    assert os.stat(settings.build_warehouse).st_ino != os.stat(settings.warehouse).st_ino


@pytest.mark.parametrize("crash_at", ["during_build:40", "during_build:250", "during_publish:1"])
def test_a_run_killed_while_building_or_publishing_leaves_the_published_warehouse_whole(
    tmp_path, first, second, crash_at
):
    first_root, _, before = first
    root = _copy_of(first_root, tmp_path)
    published = isolated_settings(root).warehouse
    killed = _etl(root, GTWH_CRASH_AT=crash_at)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert warehouse_contents(published) == before
    rerun = _etl(root)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert warehouse_contents(published) == second["contents"]
    assert list(published.parent.glob(".publishing-*")) == []


def test_a_writer_holding_the_build_file_is_named_in_one_sentence(tmp_path):
    from extract.transform import dbt

    settings = isolated_settings(tmp_path)
    settings.build_warehouse.parent.mkdir(parents=True)
    duckdb.connect(str(settings.build_warehouse)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(settings.build_warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        outcome = dbt(settings, "build")
    finally:
        holder.kill()
        holder.wait()
    assert not outcome.success and outcome.locked
    (message,) = outcome.failures
    assert f"PID {holder.pid}" in message and str(settings.build_warehouse) in message
    assert "close it" in message and "\n" not in message and "Traceback" not in message


def test_gtwh_sql_without_a_published_warehouse_says_what_to_run(tmp_path):
    env = {**_env(tmp_path), "GTWH_WAREHOUSE": str(tmp_path / "none.duckdb")}
    p = subprocess.run(
        [sys.executable, "-m", "extract.cli", "sql"],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2
    assert p.stderr.strip() == (
        f"gtwh sql: no published warehouse at {tmp_path / 'none.duckdb'} yet: run `make etl` first"
    )


def _hand_dbt(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`dbt <args>` as a user types it in the project folder: the venv's dbt, profiles.yml."""
    env = {**_env(root), "GTWH_WAREHOUSE": str(root / "data" / "warehouse.duckdb")}
    dbt_bin = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt_bin), *args], env=env, cwd=PROJECT, capture_output=True, text=True
    )


def test_hand_run_dbt_creates_the_build_folder_of_a_fresh_clone(tmp_path):
    assert not (tmp_path / "data").exists()
    p = _hand_dbt(tmp_path, "run", "--select", "stg_cognito__users", "--empty")
    assert (tmp_path / "data" / "build" / "warehouse.duckdb").is_file()
    assert "Cannot open file" not in p.stdout + p.stderr


def test_hand_run_dbt_beside_a_writer_says_who_holds_the_build_file(tmp_path):
    build = tmp_path / "data" / "build" / "warehouse.duckdb"
    build.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(build),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        p = _hand_dbt(tmp_path, "run", "--select", "stg_cognito__users")
    finally:
        holder.kill()
        holder.wait()
    out = p.stdout + p.stderr
    assert p.returncode != 0
    (line,) = [ln for ln in out.splitlines() if "is locked by" in ln]
    assert f"{build} is locked by python" in line and f"(PID {holder.pid})" in line
    assert "close it" in line
    assert "Traceback" not in out and "Conflicting lock" not in out
