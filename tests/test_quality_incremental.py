"""Validation cost follows new data: an incremental run validates only the records it landed
(every check counts only them), while reconciliation still covers every run."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from expectations.validation import validate_new, validated_runs
from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
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


def _events(n: int, *, start) -> list[dict]:
    out = []
    for i in range(n):
        accepted = start + timedelta(minutes=2 * i)
        out.append(
            event(
                record(accepted=accepted, closed=accepted + timedelta(seconds=40)),
                at=accepted + timedelta(seconds=45),
            )
        )
    return out


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("incremental")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    write_page(mirror, "2026-10-01/page-000001.json", _events(60, start=t(9)))
    write_users(mirror, [user("d6947aeb-0650-447a-ab5d-894db61017fd")])
    write_labeling_job(mirror, "job-a", labeling_job("job-a"))
    first = extract_mirror(settings, mirror)
    # The next run lands one more page, with one record that fails a check.
    odd = event(
        record(accepted=t(12), closed=t(12, 1), override={"event_type": "TasksAbandoned"}),
        at=t(12, 1),
    )
    write_page(mirror, "2026-10-02/page-000001.json", [*_events(7, start=t(9, day=2)), odd])
    second = extract_mirror(settings, mirror)
    outcome = dbt(settings, "build", "--select", *STAGING, "--indirect-selection", "cautious")
    assert outcome.success, outcome.failures
    # The first run was validated by an earlier `make etl`.
    state = settings.data_dir / "state" / "validated_runs.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps([first.run_id]))
    return settings, first.run_id, second.run_id, validate_new(settings)


def test_only_the_new_run_is_validated(two_runs):
    _, _first, second, outcome = two_runs
    assert outcome.run_ids == [second]
    assert outcome.rows_validated["worker_activity"] == 8
    assert outcome.rows_validated["users"] == 0 and outcome.rows_validated["labeling_jobs"] == 0
    activity = [c for c in outcome.checks if c.suite == "worker_activity"]
    assert activity and all(c.element_count == 8 for c in activity)
    assert {c.suite for c in outcome.checks} == {"worker_activity"}  # nothing else landed
    assert [(c.check, c.severity, c.unexpected_count) for c in outcome.checks if not c.success] == [
        ("event_type", "warning", 1)
    ]


def test_the_new_run_is_remembered_and_reconciled(two_runs):
    settings, first, second, outcome = two_runs
    assert validated_runs(settings) == sorted([first, second])
    (row,) = [r for r in outcome.reconciliation if r["resource"] == "worker_activity"]
    assert (
        row["extract_run_id"],
        row["raw_records"],
        row["staged_records"],
        row["quarantined_records"],
    ) == (second, 8, 8, 0)  # the odd type is staged (not a task outcome), only warned about
    # Nothing new since: the next validation has nothing to do.
    again = validate_new(settings)
    assert again.run_ids == [] and again.checks == [] and sum(again.rows_validated.values()) == 0
