"""Worker-log shapes real accounts hold (issue 11, points 5-7), on hand-built AWS-shaped files:
event types other than the three task outcomes are staged but never counted; every time
layout parses to the right UTC instant or is quarantined with its own reason; a re-delivery is
the same CloudWatch event read again (same eventId, or same export position), while two events
with one identical message both count."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import duckdb
import pytest

from expectations.suites import worker_activity
from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import ACCOUNT, event, export_line, record, t, write_export, write_page
from tests.conftest import isolated_settings

WORKFORCE = ["path:models/intermediate/workforce", "path:models/marts/workforce"]
STREAM = f"aws/sagemaker/groundtruth/worker-activity/{ACCOUNT}-us-east-1/2026-10-01"
CLOSE = t(9, 0, 5)  # every layout case names this instant (UTC) as its submitted time

# text of task_submitted_time -> the UTC instant it names (microseconds kept)
LAYOUTS = {
    "2026-10-01T09:00:05.1Z": CLOSE.replace(microsecond=100000),
    "2026-10-01T09:00:05.12": CLOSE.replace(microsecond=120000),
    "2026-10-01T09:00:05.123456789Z": CLOSE.replace(microsecond=123456),
    "2026-10-01T09:00:05.1234567": CLOSE.replace(microsecond=123456),
    "2026-10-01T09:00:05+00:00": CLOSE,
    "2026-10-01T09:00:05.5+00:00": CLOSE.replace(microsecond=500000),
    "2026-10-01T09:00:05+0000": CLOSE,
    "2026-10-01T11:00:05+02:00": CLOSE,
    "2026-10-01T04:00:05-0500": CLOSE,
    "2026-10-01T14:30:05.25+05:30": CLOSE.replace(microsecond=250000),
    "2026-10-01T09:00": CLOSE.replace(second=0),
    "2026-10-01T09:00Z": CLOSE.replace(second=0),
    "2026-10-01 09:00:05": CLOSE,
    "Thu Oct 01 09:00:05 GMT 2026": CLOSE,
    "Thu Oct 01 02:00:05 PDT 2026": CLOSE,
    "Thu Oct 01 01:00:05 PST 2026": CLOSE,
    "Thu Oct 01 05:00:05 EDT 2026": CLOSE,
    "Thu Oct 01 04:00:05 EST 2026": CLOSE,  # the abbreviation's offset, whatever the date
    "Thu Oct 01 04:00:05 CDT 2026": CLOSE,
    "Thu Oct 01 03:00:05 MDT 2026": CLOSE,
    "Thu Oct 01 11:00:05 CEST 2026": CLOSE,
    "Thu Oct 01 18:00:05 JST 2026": CLOSE,
    "Thu Oct 01 14:30:05 GMT+05:30 2026": CLOSE,
    "Thu Oct 01 02:00:05 GMT-0700 2026": CLOSE,
    "Thu Oct  1 09:00:05 UTC 2026": CLOSE,
}
# text -> quarantine reason
REJECTED = {
    "Thu Oct 01 14:30:05 IST 2026": "unknown_time_zone",  # India, Israel or Ireland: not guessed
    "Thu Oct 01 09:00:05 XYZ 2026": "unknown_time_zone",
    "Thu Oct 01 12:00:05 EST+03:00 2026": "unparsable_timestamp",  # an offset only after GMT/UTC
    "2026-13-01T09:00:05": "unparsable_timestamp",
    "01/10/2026 09:00:05": "unparsable_timestamp",
    "2026-10-01": "unparsable_timestamp",
    "2026-10-01T09:00:05+5": "unparsable_timestamp",
}


def wid(n: int) -> str:
    return f"{n:016x}"


def layout_record(n: int, submitted: str) -> dict:
    """A submitted task of worker ``n`` accepted a minute before CLOSE, submitted at ``submitted``."""
    return record(
        accepted=CLOSE - timedelta(minutes=1),
        closed=CLOSE,
        worker_id=wid(n),
        override={"task_submitted_time": submitted},
    )


NULL_TIMES = record(
    accepted=t(9, 10),
    closed=t(9, 11),
    worker_id=wid(900),
    override={"task_returned_time": None},
    drop=("task_declined_time",),
)
ABSENT_RETURNED = record(
    accepted=t(9, 12),
    closed=t(9, 13),
    worker_id=wid(901),
    drop=("task_returned_time", "task_declined_time"),
)
NULL_CLOSING = record(
    accepted=t(9, 14), closed=t(9, 15), worker_id=wid(902), override={"task_submitted_time": None}
)

# point 5: worker X accepts a task (a TasksAccepted event), then submits it
X = "7c0e6d8a-1f2b-4c3d-9e4f-5a6b7c8d9e0f"
ACCEPTED_EVENT = record(
    accepted=t(10),
    closed=t(10),
    sub=X,
    worker_id=wid(1000),
    event_type="TasksAccepted",
    override={"task_submitted_time": "", "event_timestamp": str(int(t(10).timestamp()))},
)
X_SUBMITTED = record(accepted=t(10), closed=t(10, 2), sub=X, worker_id=wid(1000))

# point 7: two declines by worker Y on one job in the same second: one identical message
Y = "2b7f1c3e-8d4a-4e5f-9a6b-7c8d9e0f1a2b"
Y_DECLINE = record(
    accepted=None, closed=t(11), sub=Y, worker_id=wid(2000), event_type="TasksDeclined"
)
Y_SUBMIT = record(accepted=t(11, 1), closed=t(11, 3), sub=Y, worker_id=wid(2000))
# and worker Z: one submitted task read by FilterLogEvents, by two overlapping exports, twice
Z = "3c8f2d4e-9e5b-4f60-8b7c-8d9e0f1a2b3c"
Z_SUBMIT = record(accepted=t(12), closed=t(12, 1), sub=Z, worker_id=wid(3000))
Z_TWICE = record(
    accepted=None, closed=t(12, 5), sub=Z, worker_id=wid(3000), event_type="TasksDeclined"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("worker_log_shapes")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    layout_events = [
        event(layout_record(n, text), at=CLOSE) for n, text in enumerate([*LAYOUTS, *REJECTED])
    ]
    accepted = event(ACCEPTED_EVENT, at=t(10))
    decline_1 = event(Y_DECLINE, at=t(11))
    decline_2 = event(Y_DECLINE, at=t(11))  # another event: its own eventId, same ms and message
    z_submit = event(Z_SUBMIT, at=t(12, 1))
    z_twice = [event(Z_TWICE, at=t(12, 5)), event(Z_TWICE, at=t(12, 5))]
    write_page(
        mirror,
        "2026-10-01/page-000001.json",
        [
            *layout_events,
            event(NULL_TIMES, at=t(9, 11)),
            event(ABSENT_RETURNED, at=t(9, 13)),
            event(NULL_CLOSING, at=t(9, 15)),
            accepted,
            event(X_SUBMITTED, at=t(10, 2)),
            decline_1,
            decline_2,
            event(Y_SUBMIT, at=t(11, 3)),
            z_submit,
            *z_twice,
        ],
        next_token="n",
    )
    # the same page events read again: an overlapping pull (same eventIds), in another folder
    write_page(mirror, "2026-10-02/page-000001.json", [decline_1, decline_2, accepted, z_submit])
    # the same events of Z in two overlapping export tasks (no eventIds; positions in the file)
    z_lines = [
        export_line(Z_SUBMIT, t(12, 1)),
        export_line(Z_TWICE, t(12, 5)),
        export_line(Z_TWICE, t(12, 5)),
    ]
    write_export(mirror, "task-1", STREAM, z_lines)
    write_export(mirror, "task-2", STREAM, [z_lines[2], z_lines[0]])  # a part, in another order
    extract_mirror(settings, mirror)
    # the task-1 file landed again (a new modification time: the same file, a new version)
    again = (
        mirror
        / "logs/aws/sagemaker/groundtruth/WorkerActivity/exports/task-1"
        / STREAM
        / "000000.gz"
    )
    again.write_bytes(again.read_bytes())
    os.utime(again, (again.stat().st_atime, again.stat().st_mtime + 10))
    extract_mirror(settings, mirror)
    outcome = dbt(settings, "build", "--select", *STAGING, *WORKFORCE)
    assert outcome.success, outcome.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    yield con, settings
    con.close()


def naive(x: datetime) -> datetime:
    return x.replace(tzinfo=None)


@pytest.mark.parametrize("text", list(LAYOUTS))
def test_each_time_layout_parses_to_its_utc_instant(built, text):
    con, _ = built
    n = list(LAYOUTS).index(text)
    got = con.execute(
        "select task_submitted_at, closed_at from stg_groundtruth__worker_activity "
        "where worker_id = ?",
        [wid(n)],
    ).fetchall()
    assert got == [(naive(LAYOUTS[text]), naive(LAYOUTS[text]))]


@pytest.mark.parametrize("text", list(REJECTED))
def test_a_time_that_cannot_be_read_is_quarantined_with_its_own_reason(built, text):
    con, _ = built
    n = len(LAYOUTS) + list(REJECTED).index(text)
    got = con.execute(
        "select quarantine_reason from quarantine_worker_activity where cognito_sub = ? "
        "and task_submitted_time = ?",
        [record(accepted=None, closed=CLOSE)["cognito_sub_id"], text],
    ).fetchall()
    assert got == [(REJECTED[text],)]
    assert (
        con.execute(
            "select count(*) from stg_groundtruth__worker_activity where worker_id = ?", [wid(n)]
        ).fetchone()[0]
        == 0
    )


def test_json_null_or_absent_time_fields_read_as_empty(built):
    con, _ = built
    got = dict(
        con.execute(
            "select worker_id, closed_at from stg_groundtruth__worker_activity "
            "where worker_id in (?, ?)",
            [wid(900), wid(901)],
        ).fetchall()
    )
    assert got == {wid(900): naive(t(9, 11)), wid(901): naive(t(9, 13))}
    # a null closing time is a missing closing time, not a missing field
    assert con.execute(
        "select quarantine_reason from quarantine_worker_activity where raw_message like ?",
        [f'%"{wid(902)}"%'],
    ).fetchall() == [("missing_closing_time",)]


def test_another_event_type_is_staged_but_never_counted_as_a_task(built):
    con, _ = built
    staged = con.execute(
        "select event_type, is_task_outcome, outcome, closed_at from "
        "stg_groundtruth__worker_activity where cognito_sub = ? order by event_type",
        [X],
    ).fetchall()
    assert staged == [
        ("TasksAccepted", False, None, None),
        ("TasksSubmitted", True, "submitted", naive(t(10, 2))),
    ]
    outcomes = con.execute(
        "select outcome, count(*) from fct_task_outcomes where cognito_sub = ? group by 1", [X]
    ).fetchall()
    assert outcomes == [("submitted", 1)]
    hourly = con.execute(
        "select sum(tasks_closed), sum(tasks_submitted) from throughput_worker_job_hourly "
        "where cognito_sub = ?",
        [X],
    ).fetchone()
    assert hourly == (1, 1)
    assert (
        con.execute(
            "select count(*) from quarantine_worker_activity where event_type = 'TasksAccepted'"
        ).fetchone()[0]
        == 1
    )  # only its re-delivery (same eventId, page of 2026-10-02)


def test_the_event_type_check_only_warns_however_many_there_are():
    rule = next(r for r in worker_activity().rules if r.name == "event_type")
    assert rule.classify(1000, 1000) == "warning"
    assert rule.severity == "warning"


def test_two_identical_events_both_count_and_their_redeliveries_once(built):
    con, _ = built
    declines = con.execute(
        "select count(*), count(distinct activity_record_id), count(distinct occurrence_id) "
        "from fct_task_outcomes join stg_groundtruth__worker_activity "
        "on task_outcome_id = activity_record_id where fct_task_outcomes.cognito_sub = ? and "
        "fct_task_outcomes.outcome = 'declined'",
        [Y],
    ).fetchone()
    assert declines == (2, 2, 1)
    daily = con.execute(
        "select tasks_declined, tasks_submitted from throughput_worker_job_daily "
        "where cognito_sub = ?",
        [Y],
    ).fetchall()
    assert daily == [(2, 1)]
    # their second reading (2026-10-02 page, same eventIds) is quarantined, one copy each
    dups = con.execute(
        "select count(*) from quarantine_worker_activity where quarantine_reason = "
        "'duplicate_delivery' and cognito_sub = ?",
        [Y],
    ).fetchone()[0]
    assert dups == 2


def test_an_event_read_by_pages_and_overlapping_exports_counts_once(built):
    con, _ = built
    got = dict(
        con.execute(
            "select outcome, count(*) from fct_task_outcomes where cognito_sub = ? group by 1", [Z]
        ).fetchall()
    )
    # Z_SUBMIT once; Z_TWICE twice (two eventIds in the page, two lines in each full export)
    assert got == {"submitted": 1, "declined": 2}
    raw = con.execute(
        "select count(*) from base_groundtruth__worker_activity where cognito_sub = ?", [Z]
    ).fetchone()[0]
    # page 3 + overlapping pull 1 + task-1 3 (twice: the file landed again) + task-2 2
    assert raw == 3 + 1 + 3 + 3 + 2
    staged = con.execute(
        "select count(*) from stg_groundtruth__worker_activity where cognito_sub = ?", [Z]
    ).fetchone()[0]
    assert staged == 3


def test_raw_equals_staged_plus_quarantined(built):
    con, settings = built
    raw = duckdb.sql(
        f"select count(*) from read_parquet('{settings.lake_dir}/worker_activity/*.parquet')"
    ).fetchone()[0]
    staged = con.execute("select count(*) from stg_groundtruth__worker_activity").fetchone()[0]
    quarantined = con.execute("select count(*) from quarantine_worker_activity").fetchone()[0]
    assert staged + quarantined == raw
    assert con.execute("select bool_and(is_balanced) from reconciliation").fetchone()[0]


def test_the_redelivery_rule_holds_in_an_incremental_build(tmp_path):
    """Copies that arrive in a later run (a page re-read, an export of the same events) are
    matched against the events already built: the incremental table equals a rebuild."""
    settings = isolated_settings(tmp_path)
    mirror = tmp_path / "mirror"
    d1, d2 = event(Y_DECLINE, at=t(11)), event(Y_DECLINE, at=t(11))
    write_page(mirror, "2026-10-01/page-000001.json", [d1, event(Y_SUBMIT, at=t(11, 3))])
    extract_mirror(settings, mirror)
    assert dbt(settings, "build", "--select", *STAGING, *WORKFORCE).success
    # later: the second decline, the first again (same eventId), and an export of both
    write_page(mirror, "2026-10-01/page-000002.json", [d2, d1])
    write_export(mirror, "task-9", STREAM, [export_line(Y_DECLINE, t(11))] * 2)
    extract_mirror(settings, mirror)
    assert dbt(settings, "build", "--select", *STAGING, *WORKFORCE).success
    cols = (
        "activity_record_id, occurrence_id, event_ordinal, delivery_number, quarantine_reason, "
        "event_id, source_file, source_record_index"
    )
    with duckdb.connect(str(settings.build_warehouse), read_only=True) as con:
        incremental = sorted(
            con.execute(f"select {cols} from base_groundtruth__worker_activity").fetchall(),
            key=repr,
        )
        declines = con.execute(
            "select count(*) from fct_task_outcomes where outcome = 'declined'"
        ).fetchone()[0]
    assert declines == 2
    assert dbt(settings, "build", "--select", *STAGING, *WORKFORCE, "--full-refresh").success
    with duckdb.connect(str(settings.build_warehouse), read_only=True) as con:
        rebuilt = sorted(
            con.execute(f"select {cols} from base_groundtruth__worker_activity").fetchall(),
            key=repr,
        )
    assert incremental == rebuilt
    assert sum(1 for r in rebuilt if r[4] == "duplicate_delivery") == 3  # d1 again, 2 export lines
