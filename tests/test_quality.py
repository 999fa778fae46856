"""A corpus of bad inputs, one per documented case (docs/data-quality.md), run through
`gtwh etl`: each lands in quarantine with its reason or raises its check at its severity,
errors stop the run with a readable list and sample rows, every count reconciles (nothing is
silently dropped), and the HTML report lists every executed check and opens offline."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from extract.cli import main
from tests.awsfiles import (
    GROUP_DIR,
    event,
    export_line,
    iso_time,
    java_time,
    labeling_job,
    manifest_line,
    record,
    t,
    user,
    write_export,
    write_labeling_job,
    write_metric_data,
    write_page,
    write_s3,
    write_users,
    write_workteam,
)
from tests.conftest import isolated_settings

S1 = "d6947aeb-0650-447a-ab5d-894db61017fd"  # the default sub of awsfiles.record
S2 = "0101edb0-79de-4d74-8a77-fc8bb28eb986"
UNKNOWN = "5f0c1c7e-2b1e-4f47-9a3d-0d6b2c1e9a77"
GOOD_EVENTS = 400  # enough that one bad record is a warning (< 1%), not an error
GOOD_LINES = 250


def _good_activity() -> list[dict]:
    out = []
    for i in range(GOOD_EVENTS):
        accepted = t(9) + timedelta(seconds=90 * i)
        rec = record(
            accepted=accepted,
            closed=accepted + timedelta(seconds=20 + i % 40),
            sub=S1 if i % 2 else S2,
            layout=iso_time if i % 3 == 0 else java_time,
        )
        out.append(event(rec, at=accepted + timedelta(seconds=60)))
    return out


def _future() -> dict:
    later = datetime(2031, 1, 1, 9, tzinfo=UTC)
    return record(accepted=later, closed=later + timedelta(seconds=30))


# Worker activity: case -> (message, quarantine reason or None if staged, checks it fails).
ACTIVITY = {
    "truncated_json": (
        '{"worker_id":"cd449a289e129409","cognito_sub_id":"d69',
        "malformed_json",
        {"message_parses"},
    ),
    "not_an_object": ("[1, 2, 3]", "malformed_json", {"message_parses"}),
    "missing_sub": (
        record(accepted=t(10), closed=t(10, 1), drop=("cognito_sub_id",)),
        "missing_field",
        {"fields_present"},
    ),
    "extra_field": (
        record(accepted=t(10, 2), closed=t(10, 3), override={"task_priority": "high"}),
        None,
        set(),
    ),
    "timestamp_as_json_number": (
        record(
            accepted=t(10, 4),
            closed=t(10, 5),
            override={"event_timestamp": int(t(10, 5).timestamp())},
        ),
        None,
        set(),
    ),
    "time_as_json_number": (
        record(accepted=t(10, 6), closed=t(10, 7), override={"task_submitted_time": 1791000000}),
        "unparsable_timestamp",
        {"timestamps_parse"},
    ),
    "day_month_layout": (
        record(
            accepted=t(10, 8),
            closed=t(10, 9),
            override={"task_submitted_time": "01/10/2026 10:09:00"},
        ),
        "unparsable_timestamp",
        {"timestamps_parse"},
    ),
    "iso_with_fraction": (
        record(
            accepted=t(10, 10),
            closed=t(10, 11),
            layout=lambda x: x.strftime("%Y-%m-%dT%H:%M:%S.250Z"),
        ),
        None,
        set(),
    ),
    "java_gmt": (
        record(
            accepted=t(10, 12),
            closed=t(10, 13),
            layout=lambda x: x.strftime("%a %b %d %H:%M:%S GMT %Y"),
        ),
        None,
        set(),
    ),
    "other_event_type": (  # staged (never a task outcome), a warning only
        record(accepted=t(10, 14), closed=t(10, 15), override={"event_type": "TasksAbandoned"}),
        None,
        {"event_type"},
    ),
    "java_unknown_zone": (
        record(
            accepted=t(10, 25),
            closed=t(10, 26),
            override={"task_submitted_time": "Thu Oct 01 15:56:00 IST 2026"},
        ),
        "unknown_time_zone",
        {"timestamps_parse"},
    ),
    "closed_before_accepted": (
        record(accepted=t(10, 17), closed=t(10, 16)),
        "closed_before_accepted",
        {"closed_not_before_accepted"},
    ),
    "future": (_future(), None, {"not_after_logged", "not_after_extraction"}),
    "empty_accepted_time": (
        record(accepted=None, closed=t(10, 18)),
        None,
        {"accepted_time_present"},
    ),
    "empty_closing_time": (
        record(accepted=t(10, 19), closed=t(10, 20), override={"task_submitted_time": ""}),
        "missing_closing_time",
        {"timestamps_parse"},
    ),
    "empty_event_timestamp": (
        record(accepted=t(10, 21), closed=t(10, 22), override={"event_timestamp": ""}),
        "missing_field",
        {"fields_present"},
    ),
    "event_timestamp_disagrees": (
        record(
            accepted=t(10, 23),
            closed=t(10, 24),
            override={"event_timestamp": str(int(t(10, 24).timestamp()) - 3600)},
        ),
        None,
        {"event_timestamp_agrees"},
    ),
    "over_time_limit": (
        record(accepted=t(11), closed=t(11, 20)),
        None,
        {"handling_within_time_limit"},
    ),
    "before_job_created": (
        record(
            accepted=datetime(2026, 9, 29, 10, tzinfo=UTC),
            closed=datetime(2026, 9, 29, 10, 1, tzinfo=UTC),
        ),
        None,
        {"not_before_job_created"},
    ),
    "sub_not_uuid": (
        record(accepted=t(11, 21), closed=t(11, 22), sub="worker-42"),
        None,
        {"cognito_sub"},
    ),  # Cognito lists "worker-42" (users.sub_is_uuid fails)
    "worker_id_not_hex": (
        record(accepted=t(11, 23), closed=t(11, 24), worker_id="CD449A28"),
        None,
        {"worker_id"},
    ),
    "job_arn_of_wrong_kind": (
        record(
            accepted=t(11, 25),
            closed=t(11, 26),
            override={
                "labeling_job_arn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/job-a"
            },
        ),
        "malformed_arn",
        {"labeling_job_arn"},
    ),
    "team_arn_bad_account": (
        record(
            accepted=t(11, 27),
            closed=t(11, 28),
            override={
                "workteam_arn": "arn:aws:sagemaker:us-east-1:12345:workteam/private-crowd/team-a"
            },
        ),
        None,
        {"workteam_arn"},
    ),
    "sub_unknown_to_cognito": (
        record(accepted=t(11, 29), closed=t(11, 30), sub=UNKNOWN),
        None,
        {"sub_known_to_cognito"},
    ),
    "job_never_described": (
        record(accepted=t(11, 31), closed=t(11, 32), job="job-zz"),
        None,
        {"job_described"},
    ),
    "same_event_id_a": (record(accepted=t(11, 33), closed=t(11, 34)), None, {"event_id_unique"}),
    "same_event_id_b": (record(accepted=t(11, 35), closed=t(11, 36)), None, {"event_id_unique"}),
}

# Failed checks of the other resources: label -> (severity, failing records).
OTHER_CHECKS = {
    "users.sub_present": ("warning", 1),
    "users.values_typed": ("warning", 1),
    "users.sub_is_uuid": ("warning", 1),
    "users.sub_unique": ("error", 2),
    "users.sub_listed_once": ("warning", 4),
    "users.required_attributes": ("warning", 1),
    "users.user_status": ("warning", 1),
    "labeling_jobs.response_typed": ("warning", 3),
    "labeling_jobs.counters_add_up": ("error", 1),
    "labeling_jobs.status": ("error", 1),
    "labeling_jobs.times_ordered": ("error", 1),
    "output_manifests.line_typed": ("warning", 2),
    "output_manifests.human_annotated": ("warning", 1),
    "output_manifests.creation_date_parses": ("warning", 1),
    "consolidation_responses.dataset_object_id": ("warning", 1),
    "consolidation_responses.consolidation_time_parses": ("warning", 1),
    "auto_annotations.iteration_parses": ("warning", 1),
    "auto_annotations.annotation_parses": ("warning", 1),
}

QUARANTINE = {
    ("worker_activity", "malformed_json"): 2,
    ("worker_activity", "no_message"): 1,
    ("worker_activity", "missing_field"): 2,
    ("worker_activity", "unparsable_timestamp"): 2,
    ("worker_activity", "missing_closing_time"): 1,
    ("worker_activity", "unknown_time_zone"): 1,
    ("worker_activity", "closed_before_accepted"): 1,
    ("worker_activity", "malformed_arn"): 1,
    ("worker_activity", "duplicate_delivery"): 2,
    ("worker_activity", "unreadable_file"): 1,
    ("users", "missing_sub"): 1,
    ("users", "wrong_type"): 1,
    ("users", "unreadable_file"): 1,
    ("labeling_jobs", "wrong_type"): 1,
    ("labeling_jobs", "missing_field"): 1,
    ("labeling_jobs", "unparsable_timestamp"): 1,
    ("labeling_jobs", "unreadable_file"): 1,
    ("output_manifests", "malformed_json"): 1,
    ("output_manifests", "missing_field"): 1,
    ("auto_annotations", "malformed_json"): 1,
    ("auto_annotations", "unparsable_iteration"): 1,
}


def _auto_line(n: int, *, created: str = "2026-10-01T12:00:00.000001") -> str:
    meta = {
        "type": "groundtruth/object-detection",
        "human-annotated": "no",
        "creation-date": created,
        "job-name": "labeling-job/job-a",
    }
    return f"{n} " + json.dumps(
        {"bounding-box": {"annotations": []}, "bounding-box-metadata": meta}
    )


def _write_corpus(mirror: Path) -> dict[str, object]:
    """Write every case; return what the assertions need (event ids per case, counts written)."""
    good = _good_activity()
    case_events = {name: event(msg, at=t(12)) for name, (msg, _, _) in ACTIVITY.items()}
    case_events["same_event_id_b"]["eventId"] = case_events["same_event_id_a"]["eventId"]
    write_page(
        mirror, "2026-10-01/page-000001.json", [*good, *case_events.values()], next_token="t"
    )
    # A page read again lands an event twice, and an overlapping pull another (same eventIds);
    # an event with the message and time of good[2] but its own eventId is another event.
    write_page(
        mirror,
        "2026-10-01/page-000002.json",
        [
            dict(good[0]),
            good[1],
            {**good[2], "eventId": str(10**55 - 1)},
        ],
    )
    write_export(
        mirror,
        "task-1",
        "aws/sagemaker/groundtruth/worker-activity/123456789012-us-east-1/x",
        [
            export_line(record(accepted=t(8), closed=t(8, 1), layout=iso_time), t(8, 1)),
            "2026-10-01T08:05:00.000Z",  # a line cut off before its message
        ],
    )
    (mirror / GROUP_DIR / "filter-log-events/2026-10-01/page-000003.json").write_text(
        '{"events": [{"log'
    )

    s3, s4, s5, s6, s7 = (f"{n}0000000-0000-4000-8000-000000000000" for n in range(3, 8))
    users = [
        user(S1),
        user(S2),
        user(UNKNOWN.replace("5f", "6f")),  # good (the last unused by activity)
        user(None, username="no-sub@example.com"),  # missing sub
        user(s3, override={"Enabled": "yes"}),  # wrong type: a string, not a JSON boolean
        user(s4, drop=("UserStatus",)),  # a required attribute missing
        user(s5, status="WEIRD"),  # status not in the API's set
        user(s6, username="ana@example.com"),
        user(s6, username="bo@example.com"),  # one sub, two users
        user(s7),
        user(s7),  # listed twice
        user("worker-42", username="w42@example.com"),  # sub not a UUID
    ]
    write_users(mirror, users)
    write_users(mirror, [user(S1)], page="page-0002.json")
    (mirror / "cognito-idp/us-east-1_TestPool1/list-users/page-0002.json").write_text(
        '{"Users": [{"Usern'
    )

    write_labeling_job(mirror, "job-a", labeling_job("job-a", override={"SomethingNew": {"x": 1}}))
    write_labeling_job(mirror, "job-b", labeling_job("job-b", counters=(10, 3, 3, 0, 0)))
    write_labeling_job(mirror, "job-c", labeling_job("job-c", status="Paused"))
    write_labeling_job(mirror, "job-d", labeling_job("job-d", counters=("ten", 6, 4, 0, 0)))
    write_labeling_job(mirror, "job-e", labeling_job("job-e", drop=("LabelCounters",)))
    write_labeling_job(mirror, "job-f", labeling_job("job-f", override={"CreationTime": ""}))
    write_labeling_job(
        mirror,
        "job-g",
        labeling_job(
            "job-g",
            created=datetime(2026, 9, 30, tzinfo=UTC),
            modified=datetime(2026, 9, 29, tzinfo=UTC),
        ),
    )
    write_labeling_job(mirror, "job-h", '{"LabelingJobName": "job-h", "LabelCoun')
    write_workteam(mirror)

    lines: list[dict | str] = [
        manifest_line(n, human="yes" if n % 2 else "no") for n in range(GOOD_LINES)
    ]
    lines += [
        manifest_line(900, human=None, failure="ClientError: the image could not be decoded"),
        manifest_line(901, human="maybe"),
        manifest_line(902, created=""),
        json.dumps(manifest_line(903))[:70],
        json.dumps({"source-ref": "s3://bkt/images/IMG_000904.jpg"}),  # not labeled yet: staged
        json.dumps({k: v for k, v in manifest_line(905).items() if k != "source-ref"}),  # no object
    ]
    write_s3(mirror, "out/job-a/manifests/output/output.manifest", lines)
    base = "out/job-a/annotations/consolidated-annotation/consolidation-response"
    write_s3(
        mirror,
        f"{base}/iteration-12/2026-10-01_10:00:00.json",
        json.dumps(
            [
                {"datasetObjectId": "1", "consolidatedAnnotation": {"content": {}}},
                {"consolidatedAnnotation": {"content": {}}},
            ]
        ),
    )
    write_s3(mirror, f"{base}/iteration-3/not-a-time.json", json.dumps([{"datasetObjectId": "5"}]))
    write_s3(
        mirror,
        "out/job-a/activelearning/3/output/auto_annotator_output.txt",
        [_auto_line(7), _auto_line(8), '9 {"bounding-box": {"annotations": ['],
    )
    write_s3(
        mirror, "out/job-a/activelearning/final/output/auto_annotator_output.txt", [_auto_line(10)]
    )
    write_metric_data(mirror, "team-a", {"job-a": [(t(10), 5.0), (t(11), 7.0)], "job-b": []})
    return {
        "case_event_ids": {name: e["eventId"] for name, e in case_events.items()},
        "raw": {
            "worker_activity": len(good)
            + len(case_events)
            + 3
            + 2
            + 1,  # + page 2, export, rejected
            "users": len(users) + 1,
            "labeling_jobs": 7 + 1,
            "workteams": 1,
            "output_manifests": len(lines),
            "consolidation_responses": 3,
            "auto_annotations": 4,
            "metric_data": 3,
        },
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("quality")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    written = _write_corpus(mirror)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_TARGET_PATH", str(settings.dbt_target_dir))
        mp.setenv("DBT_LOG_PATH", str(settings.dbt_target_dir / "logs"))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["--data-dir", str(settings.data_dir), "etl", "--source", f"mirror:{mirror}"]
            )
    report = json.loads((settings.reports_dir / "validation.json").read_text())
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    yield {
        "settings": settings,
        "code": code,
        "out": out.getvalue(),
        "err": err.getvalue(),
        "report": report,
        "con": con,
        **written,
    }
    con.close()


def _failed(report: dict) -> dict[str, tuple[str, int]]:
    return {
        f"{c['suite']}.{c['check']}": (c["severity"], c["unexpected_count"])
        for c in report["checks"]
        if not c["success"]
    }


def test_every_activity_case_lands_where_documented(corpus):
    con, ids = corpus["con"], corpus["case_event_ids"]
    rows = con.execute(
        "select event_id, quarantine_reason from main_checks.checks_worker_activity "
        "where event_id in (select unnest(?::varchar[]))",
        [list(ids.values())],
    ).fetchall()
    reasons: dict[str, set] = {}
    for event_id, reason in rows:
        reasons.setdefault(event_id, set()).add(reason)
    for name, (_, reason, _) in ACTIVITY.items():
        assert reasons[ids[name]] == {reason}, name


def test_every_activity_case_fails_exactly_its_checks(corpus):
    ids = corpus["case_event_ids"]
    by_check: dict[str, set[str]] = {}
    cases: dict[str, int] = {}
    for name, (_, _, checks) in ACTIVITY.items():
        for check in checks:
            by_check.setdefault(check, set()).add(ids[name])
            cases[check] = cases.get(check, 0) + 1
    failed = {
        c["check"]: c
        for c in corpus["report"]["checks"]
        if c["suite"] == "worker_activity" and not c["success"]
    }
    # message_parses also fails for the export line without a message (no eventId).
    assert set(failed) == set(by_check)
    for check, expected_ids in by_check.items():
        c = failed[check]
        assert c["severity"] == "warning", check  # one stray record among 400 is a warning
        sampled = {r.get("event_id") for r in c["sample_rows"]} - {None}
        assert sampled == expected_ids, check
        extra = 1 if check == "message_parses" else 0
        assert c["unexpected_count"] == cases[check] + extra, check


def test_other_resources_fail_exactly_the_documented_checks(corpus):
    failed = {
        k: v for k, v in _failed(corpus["report"]).items() if not k.startswith("worker_activity.")
    }
    assert failed == OTHER_CHECKS


def test_each_quarantined_record_has_its_reason(corpus):
    got = {
        (r, reason): n
        for r, reason, n in corpus["con"]
        .execute("select resource, reason, count(*) from quarantine group by all")
        .fetchall()
    }
    assert got == QUARANTINE


def test_nothing_is_silently_dropped(corpus):
    con = corpus["con"]
    rows = con.execute(
        "select resource, raw_records, staged_records, quarantined_records, placeholder_records, "
        "is_balanced from reconciliation"
    ).fetchall()
    by_resource = {r[0]: r[1:] for r in rows}
    for resource, raw in corpus["raw"].items():
        got_raw, staged, quarantined, placeholders, balanced = by_resource[resource]
        assert got_raw == raw, resource
        assert staged + quarantined + placeholders == raw and balanced, resource
        q = sum(n for (r, _), n in QUARANTINE.items() if r == resource)
        assert quarantined == q, resource
    assert by_resource["metric_data"][3] == 1  # the series with no data points
    # The per-run view the report shows agrees with the totals.
    runs = corpus["report"]["reconciliation"]
    assert all(r["is_balanced"] for r in runs)
    assert sum(r["raw_records"] for r in runs) == sum(corpus["raw"].values())


def test_activity_referring_to_unknown_subs_and_jobs_is_kept_and_counted(corpus):
    row = (
        corpus["con"]
        .execute(
            "select unknown_sub_records, unknown_subs, undescribed_job_records, undescribed_jobs "
            "from reconciliation where resource = 'worker_activity'"
        )
        .fetchone()
    )
    assert row == (1, 1, 1, 1)  # UNKNOWN; job-zz
    staged = (
        corpus["con"]
        .execute(
            "select count(*) from stg_groundtruth__worker_activity where cognito_sub in (?, 'worker-42') "
            "or labeling_job_name = 'job-zz'",
            [UNKNOWN],
        )
        .fetchone()[0]
    )
    assert staged == 3


def test_typing_outcomes_of_the_other_resources(corpus):
    con = corpus["con"]
    jobs = dict(
        con.execute("select labeling_job_name, status from stg_sagemaker__labeling_jobs").fetchall()
    )
    assert jobs == {
        "job-a": "Completed",
        "job-b": "Completed",
        "job-c": "Paused",
        "job-g": "Completed",
    }
    iterations = {
        r[0]
        for r in con.execute(
            "select iteration from stg_groundtruth__consolidation_responses"
        ).fetchall()
    }
    assert iterations == {3, 12}  # the whole number, not its last digit
    subs = [
        r[0]
        for r in con.execute("select cognito_sub from stg_cognito__users order by 1").fetchall()
    ]
    assert None not in subs and len(subs) == 10  # every entry but the two quarantined ones


def test_errors_stop_the_run_with_a_readable_list_and_sample_rows(corpus):
    assert corpus["code"] == 1
    err = corpus["err"]
    assert "validation failed" in err
    for label, (severity, _n) in OTHER_CHECKS.items():
        if severity == "error":
            assert f"ERROR {label}: " in err, label
    assert (
        "ERROR labeling_jobs.counters_add_up: expect_column_values_to_be_in_set - 1 of 4 rows"
        in err
    )
    assert "row: source_file='sagemaker/describe-labeling-job/job-b.json'" in err
    assert "total_labeled=10, human_labeled=3, machine_labeled=3" in err
    assert "WARNING worker_activity.event_type" in err
    assert str(corpus["settings"].reports_dir / "data-quality.html") in err
    tables = {
        r[0]
        for r in corpus["con"]
        .execute("select table_name from information_schema.tables where table_schema = 'main'")
        .fetchall()
    }
    assert "fct_task_outcomes" not in tables  # not published


class _Assets(HTMLParser):
    """Collects every attribute that could load something, and the ids of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("src", "href", "srcset", "data", "action", "poster") or tag in (
                "link",
                "script",
            ):
                self.loads.append((tag, name, value or ""))

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)

    def handle_endtag(self, tag):
        self._in_style = False


def test_the_report_is_self_contained_and_lists_every_executed_check(corpus):
    html = (corpus["settings"].reports_dir / "data-quality.html").read_text()
    page = _Assets()
    page.feed(html)
    assert page.loads == []  # no scripts, stylesheets, images, links or frames
    assert not any("url(" in s or "@import" in s for s in page.styles)
    assert "http://" not in html and "https://" not in html
    executed = corpus["report"]["checks"]
    assert len(executed) > 40
    for c in executed:
        assert f"check-{c['suite']}-{c['check']}" in page.ids
        assert f"{c['suite']}.{c['check']}" in html
    assert "job-b.json" in html  # a sample failing row
    assert "unparsable_timestamp: 2" in html  # reconciliation by reason
