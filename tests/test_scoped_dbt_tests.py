"""Data tests that cost what is new (issue 14, macros/tests/new_rows.sql): in an incremental
build, the tests of an incremental model look at the rows after the watermark its rows last
passed every test at, and a uniqueness test compares those rows' keys with the whole key
column. A failed test is never forgotten: the watermark moves only when every test passed."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import duckdb
import pytest

from extract.pipeline import run_etl
from extract.transform import dbt
from tests.awsfiles import (
    event,
    labeling_job,
    record,
    t,
    user,
    write_labeling_job,
    write_page,
    write_users,
)
from tests.conftest import isolated_settings

SUB = "d6947aeb-0650-447a-ab5d-894db61017fd"
MODEL = "fct_task_outcomes"


def _events(n: int, *, start) -> list[dict]:
    out = []
    for i in range(n):
        accepted = start + timedelta(minutes=2 * i)
        closed = accepted + timedelta(seconds=40)
        out.append(event(record(accepted=accepted, closed=closed), at=closed))
    return out


def _state(con, table: str) -> dict:
    (comment,) = con.execute(
        "select comment from duckdb_tables() where table_name = ?", [table]
    ).fetchone()
    return json.loads(comment)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("scoped")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    write_page(mirror, "2026-10-01/page-000001.json", _events(30, start=t(9)))
    write_users(mirror, [user(SUB)])
    write_labeling_job(mirror, "job-a", labeling_job("job-a"))
    run_etl(settings, f"mirror:{mirror}", out=io.StringIO())
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    first = _state(con, MODEL)
    con.close()
    write_page(mirror, "2026-10-02/page-000001.json", _events(5, start=t(9, day=2)))
    run_etl(settings, f"mirror:{mirror}", out=io.StringIO())
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    second = _state(con, MODEL)
    (latest,) = con.execute(f"select max(extracted_at)::varchar from {MODEL}").fetchone()
    con.close()
    return settings, first, second, latest


@pytest.fixture
def damaged(two_builds):
    """The two-build warehouse, for a test to damage: the rows it adds (after the tested
    watermark) are taken out again afterwards. A copy elsewhere would not do: its other paths
    change the project fingerprint, and its next build would be a full one."""
    settings = two_builds[0]
    yield settings
    con = duckdb.connect(str(settings.build_warehouse))
    since = _state(con, MODEL)["tested_to"]
    con.execute(f"delete from {MODEL} where extracted_at > timestamp '{since}'")
    con.close()


def test_each_build_records_how_far_its_rows_passed_their_tests(two_builds):
    _, first, second, latest = two_builds
    assert first["tested_to"] == first["watermark"]  # the full build: every row tested
    assert second["watermark"] == latest and second["tested_to"] == latest
    assert second["watermark"] > first["watermark"]


def _damage(settings, sql: str) -> None:
    con = duckdb.connect(str(settings.build_warehouse))
    con.execute(sql)
    con.close()


def _test(settings) -> list[str]:
    outcome = dbt(settings, "test", "--select", MODEL)
    return outcome.failures


def _later(settings) -> str:
    """A marker after the model's tested_to: a row of a later extraction."""
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    state = _state(con, MODEL)
    con.close()
    return f"timestamp '{state['tested_to']}' + interval 1 second"


def test_a_new_row_with_the_key_of_an_old_one_fails_the_uniqueness_tests(damaged):
    assert _test(damaged) == []
    _damage(
        damaged,
        f"insert into {MODEL} select * replace ({_later(damaged)} as extracted_at) "
        f"from {MODEL} where extracted_at = (select min(extracted_at) from {MODEL}) limit 1",
    )
    failures = _test(damaged)
    assert any("unique_fct_task_outcomes_task_outcome_id" in f for f in failures), failures
    assert any("unique_combination_fct_task_outcomes" in f for f in failures), failures


def test_a_new_row_breaking_a_row_rule_fails_and_stays_failed_until_repaired(damaged):
    _damage(
        damaged,
        f"insert into {MODEL} select * replace ({_later(damaged)} as extracted_at, "
        f"md5('x') as task_outcome_id, null::varchar as cognito_sub) from {MODEL} limit 1",
    )
    failures = _test(damaged)
    assert any("not_null_fct_task_outcomes_cognito_sub" in f for f in failures), failures
    # another build with nothing new does not forget the failure: the watermark did not move
    outcome = dbt(damaged, "build", "--select", MODEL)
    assert any("not_null_fct_task_outcomes_cognito_sub" in f for f in outcome.failures), outcome
    again = _test(damaged)
    assert any("not_null_fct_task_outcomes_cognito_sub" in f for f in again), again
