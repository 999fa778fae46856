"""Great Expectations guards each run's new data: an error stops `gtwh etl` with a readable
report and a non-zero exit, and the data stays new until it passes; a warning does not stop it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from extract.cli import main
from tests.awsfiles import event, record, t, write_page
from tests.conftest import isolated_settings


def _good_records(n: int) -> list[dict]:
    out = []
    start = t(9)
    for i in range(n):
        accepted = start + timedelta(minutes=2 * i)
        out.append(
            event(
                record(accepted=accepted, closed=accepted + timedelta(seconds=30 + i % 50)),
                at=accepted + timedelta(seconds=60),
            )
        )
    return out


def _run(settings, mirror: Path, capsys) -> tuple[int, str, str]:
    code = main(["--data-dir", str(settings.data_dir), "etl", "--source", f"mirror:{mirror}"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli_settings(tmp_path, monkeypatch):
    settings = isolated_settings(tmp_path)
    monkeypatch.setenv("DBT_TARGET_PATH", str(settings.dbt_target_dir))
    monkeypatch.setenv("DBT_LOG_PATH", str(settings.dbt_target_dir / "logs"))
    return settings


def test_a_flood_of_unparsable_times_stops_the_run_and_stays_new(cli_settings, mirror, capsys):
    bad = [
        event(
            record(
                accepted=t(10),
                closed=t(10, 1),
                override={"task_submitted_time": f"13/10/2026 10:{i:02d}"},
            ),
            at=t(10, 1),
        )
        for i in range(20)
    ]
    write_page(mirror, "d/page-000001.json", _good_records(100) + bad)
    code, _out, err = _run(cli_settings, mirror, capsys)
    assert code == 1
    assert "validation failed" in err
    assert "ERROR worker_activity.timestamps_parse" in err
    assert "20 of 120 rows" in err
    # Not published: the marts were not built from this data, and readers have no warehouse yet.
    assert not cli_settings.warehouse.exists()
    con = duckdb.connect(str(cli_settings.build_warehouse), read_only=True)
    tables = {
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    }
    con.close()
    assert "fct_task_outcomes" not in tables
    report = json.loads((cli_settings.reports_dir / "validation.json").read_text())
    assert any(c["column"] == "timestamps_parse" and not c["success"] for c in report["checks"])
    # Re-running does not let the failed data through: it is validated again and fails again.
    code, _, err = _run(cli_settings, mirror, capsys)
    assert code == 1 and "timestamps_parse" in err


def test_a_few_unknown_event_types_warn_and_the_run_goes_on(cli_settings, mirror, capsys):
    odd = event(
        record(accepted=t(10), closed=t(10, 1), override={"event_type": "TasksAbandoned"}),
        at=t(10, 1),
    )
    write_page(mirror, "d/page-000001.json", [*_good_records(150), odd])
    code, out, err = _run(cli_settings, mirror, capsys)
    assert code == 0, err
    assert "WARNING worker_activity.event_type" in out
    con = duckdb.connect(str(cli_settings.warehouse), read_only=True)
    n = con.execute("select count(*) from fct_task_outcomes").fetchone()[0]
    q = con.execute("select reason from quarantine").fetchall()
    others = con.execute(
        "select event_type from stg_groundtruth__worker_activity where not is_task_outcome"
    ).fetchall()
    con.close()
    assert n == 150  # staged, but no task outcome
    assert q == [] and others == [("TasksAbandoned",)]
