"""Staging routes every record that cannot be typed to quarantine with its reason; nothing is
dropped: raw = staged + quarantined; re-delivered copies appear once."""

from __future__ import annotations

import duckdb
import pytest

from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import event, export_line, iso_time, record, t, write_export, write_page
from tests.conftest import isolated_settings

GOOD = record(accepted=t(9, 0, 0), closed=t(9, 0, 40))
# another event type: staged, never a task outcome
OTHER_TYPE = record(accepted=t(10), closed=t(10, 1), override={"event_type": "TasksAbandoned"})
RETURNED_ISO = record(accepted=t(9, 1), closed=t(9, 3), event_type="TasksReturned", layout=iso_time)
DECLINED = record(accepted=None, closed=t(9, 4), event_type="TasksDeclined")
OLD_FORMAT = record(accepted=t(9, 5), closed=t(9, 6), drop=("task_declined_time",))
FRACTIONAL = record(
    accepted=t(9, 7),
    closed=t(9, 8),
    layout=lambda x: x.strftime("%Y-%m-%dT%H:%M:%S.123Z"),
)

# message -> the reason a careful reader assigns by hand
BAD = {
    "truncated": ('{"worker_id":"cd449a289e129409","cognito_sub_id":"d69', "malformed_json"),
    "bad_time": (
        record(accepted=t(10, 2), closed=t(10, 3), override={"task_submitted_time": "not-a-date"}),
        "unparsable_timestamp",
    ),
    "backwards": (record(accepted=t(11, 0, 30), closed=t(11, 0, 0)), "closed_before_accepted"),
    "no_sub": (
        record(accepted=t(11, 2), closed=t(11, 3), drop=("cognito_sub_id",)),
        "missing_field",
    ),
    "no_close": (
        record(accepted=t(11, 4), closed=t(11, 5), override={"task_submitted_time": ""}),
        "missing_closing_time",
    ),
    "not_object": ("[1, 2, 3]", "malformed_json"),
    "other_zone": (
        record(
            accepted=t(11, 6),
            closed=t(11, 7),
            override={"task_submitted_time": "Thu Oct 01 16:37:00 IST 2026"},
        ),
        "unknown_time_zone",
    ),
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, object]:
    root = tmp_path_factory.mktemp("quarantine")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    good = event(GOOD, at=t(9, 0, 40))
    write_page(
        mirror,
        "2026-10-01/page-000001.json",
        [
            good,
            event(OTHER_TYPE, at=t(10, 1)),
            event(RETURNED_ISO, at=t(9, 3)),
            event(DECLINED, at=t(9, 4)),
            event(OLD_FORMAT, at=t(9, 6)),
            event(FRACTIONAL, at=t(9, 8)),
            *(event(msg, at=t(12)) for msg, _ in BAD.values()),
        ],
        next_token="tok",
    )
    # The same GOOD event delivered again (same eventId: an overlapping read), in the next page.
    write_page(mirror, "2026-10-01/page-000002.json", [good])
    # History from an export file: one new record, one copy of RETURNED_ISO, one line cut short.
    write_export(
        mirror,
        "task-1",
        "aws/sagemaker/groundtruth/worker-activity/123456789012-us-east-1/x",
        [
            export_line(record(accepted=t(8), closed=t(8, 1), layout=iso_time), t(8, 1)),
            export_line(RETURNED_ISO, t(9, 3)),
            "2026-10-01T08:05:00.000Z",
        ],
    )
    # A page file cut off mid-write: unreadable as a whole.
    (
        mirror
        / "logs/aws/sagemaker/groundtruth/WorkerActivity/filter-log-events/2026-10-01/page-000003.json"
    ).write_text('{"events": [{"logStreamName": "s", "timestamp": 1')
    extract_mirror(settings, mirror)
    outcome = dbt(settings, "build", "--select", *STAGING)
    assert outcome.success, outcome.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    yield con, settings
    con.close()


def test_each_bad_record_lands_in_quarantine_with_its_reason(staged):
    staged, _ = staged
    rows = dict(
        staged.execute(
            "select raw_message, quarantine_reason from quarantine_worker_activity "
            "where quarantine_reason not in ('duplicate_delivery', 'no_message')"
        ).fetchall()
    )
    import json

    expected = {
        (m if isinstance(m, str) else json.dumps(m, separators=(",", ":"))): reason
        for m, reason in BAD.values()
    }
    assert rows == expected


def test_good_records_in_both_layouts_and_both_forms_are_staged_once(staged):
    staged, _ = staged
    rows = staged.execute(
        "select event_type, task_accepted_at, closed_at, source_format "
        "from stg_groundtruth__worker_activity where is_task_outcome order by closed_at"
    ).fetchall()
    got = [(r[0], r[1], r[2]) for r in rows]
    naive = lambda x: x.replace(tzinfo=None) if x else None  # noqa: E731
    assert got == [
        ("TasksSubmitted", naive(t(8)), naive(t(8, 1))),
        ("TasksSubmitted", naive(t(9)), naive(t(9, 0, 40))),
        ("TasksReturned", naive(t(9, 1)), naive(t(9, 3))),
        ("TasksDeclined", None, naive(t(9, 4))),
        ("TasksSubmitted", naive(t(9, 5)), naive(t(9, 6))),
        (
            "TasksSubmitted",
            naive(t(9, 7)).replace(microsecond=123000),
            naive(t(9, 8)).replace(microsecond=123000),
        ),
    ]
    # The RETURNED_ISO copy from the page (ingested) wins over the export copy.
    assert dict((r[0], r[3]) for r in rows if r[0] == "TasksReturned") == {
        "TasksReturned": "filter_log_events"
    }


def test_redelivered_copies_are_quarantined_as_duplicates(staged):
    staged, _ = staged
    dups = staged.execute(
        "select count(*) from quarantine_worker_activity where quarantine_reason = 'duplicate_delivery'"
    ).fetchone()[0]
    assert dups == 2  # GOOD re-delivered in page 2, RETURNED_ISO again in the export file


def test_truncated_export_line_and_unreadable_page_are_counted(staged):
    staged, _ = staged
    reasons = dict(staged.execute("select reason, count(*) from quarantine group by 1").fetchall())
    assert reasons["no_message"] == 1  # the export line without a message
    assert reasons["unreadable_file"] == 1  # page-000003.json


def test_raw_equals_staged_plus_quarantined(staged):
    staged, settings = staged
    raw_in_lake = duckdb.sql(
        f"select count(*) from read_parquet('{settings.lake_dir}/worker_activity/*.parquet')"
    ).fetchone()[0]
    # 5 good + 1 other type + 7 bad + 1 re-delivery in pages; 3 export lines
    assert raw_in_lake == 17
    staged_n = staged.execute("select count(*) from stg_groundtruth__worker_activity").fetchone()[0]
    quarantined_n = staged.execute("select count(*) from quarantine_worker_activity").fetchone()[0]
    assert staged_n + quarantined_n == raw_in_lake
    rec = staged.execute(
        "select raw_records, staged_records, quarantined_records, is_balanced from reconciliation "
        "where resource = 'worker_activity'"
    ).fetchone()
    assert rec == (raw_in_lake + 1, staged_n, quarantined_n + 1, True)
