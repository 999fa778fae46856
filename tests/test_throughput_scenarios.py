"""Hand-built Ground Truth days whose workforce figures are worked out by hand.

Day 2026-10-01, UTC. Team-a works job-a; team-b works job-b and job-fast.
  A  long break: 09:00-09:01, 09:02-09:03:30, (16.5 min idle) 09:20-09:21, 09:24-09:24:30;
     the first record is delivered twice.
  B  returned task 10:00-10:05, submitted 10:06-10:07, declined without acceptance at 10:08.
  C  a task accepted 23:58 on Oct 1 and submitted 00:03 on Oct 2 (crosses midnight).
  D  a task accepted 10:59 and submitted 11:01 (crosses an hour).
  E  overlapping tasks: 12:00-12:10, 12:05-12:07 (inside the first), 12:12-12:13.
  F  job-fast 100 s x 4 then 10 s;  G  job-fast 5 s x 3 (a speed-clicker).
  H  in team-a's Cognito group, never worked.
CloudWatch has TasksSubmitted / TimeSpent for job-a on Oct 1 only (one of A's tasks missing).
A is disabled in Cognito between two extractions.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import ACCOUNT, POOL, REGION, event, iso_time, record, t, write_page
from tests.conftest import isolated_settings

WORKFORCE = ["path:models/intermediate/workforce", "path:models/marts/workforce"]
SUB = {w: f"{n:08d}-0000-4000-8000-00000000000{n}" for n, w in enumerate("ABCDEFGH", start=1)}
WORKER_ID = {w: f"{n:016x}" for n, w in enumerate("ABCDEFGH", start=1)}
TEAM = {
    "A": "team-a",
    "B": "team-a",
    "C": "team-a",
    "E": "team-a",
    "H": "team-a",
    "D": "team-b",
    "F": "team-b",
    "G": "team-b",
}


def task(
    w: str,
    accepted: datetime | None,
    closed: datetime,
    *,
    job: str = "job-a",
    event_type: str = "TasksSubmitted",
    layout=None,
) -> dict:
    extra = {"layout": layout} if layout else {}
    return record(
        accepted=accepted,
        closed=closed,
        event_type=event_type,
        sub=SUB[w],
        worker_id=WORKER_ID[w],
        job=job,
        team=TEAM[w],
        **extra,
    )


A1 = task("A", t(9, 0), t(9, 1))
RECORDS = [
    A1,
    task("A", t(9, 2), t(9, 3, 30), layout=iso_time),
    task("A", t(9, 20), t(9, 21)),
    task("A", t(9, 24), t(9, 24, 30)),
    task("B", t(10, 0), t(10, 5), event_type="TasksReturned"),
    task("B", t(10, 6), t(10, 7)),
    task("B", None, t(10, 8), event_type="TasksDeclined"),
    task("C", t(23, 58), t(0, 3, day=2)),
    task("D", t(10, 59), t(11, 1), job="job-b"),
    task("E", t(12, 0), t(12, 10)),
    task("E", t(12, 5), t(12, 7)),
    task("E", t(12, 12), t(12, 13)),
    *(task("F", t(13, 2 * i), t(13, 2 * i + 1, 40), job="job-fast") for i in range(4)),
    task("F", t(13, 8), t(13, 8, 10), job="job-fast"),
    *(task("G", t(13, 0, 10 * i), t(13, 0, 10 * i + 5), job="job-fast") for i in range(3)),
]


def user(w: str, *, enabled: bool = True, modified: str = "2026-09-01T08:00:00+00:00") -> dict:
    email = f"worker-{w.lower()}@example.com"
    return {
        "Username": email,
        "Attributes": [{"Name": "sub", "Value": SUB[w]}, {"Name": "email", "Value": email}],
        "UserCreateDate": "2026-08-01T08:00:00+00:00",
        "UserLastModifiedDate": modified,
        "Enabled": enabled,
        "UserStatus": "CONFIRMED",
    }


def write_json(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))


def write_account(mirror: Path) -> None:
    """Workteams, their Cognito groups, the jobs, and CloudWatch metrics for job-a."""
    for team, members in {"team-a": "ABCEH", "team-b": "DFG"}.items():
        write_json(
            mirror / f"sagemaker/describe-workteam/{team}.json",
            {
                "Workteam": {
                    "WorkteamName": team,
                    "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
                    "MemberDefinitions": [
                        {
                            "CognitoMemberDefinition": {
                                "UserPool": POOL,
                                "UserGroup": f"{team}-group",
                                "ClientId": "client",
                            }
                        }
                    ],
                    "CreateDate": "2026-08-01T00:00:00+00:00",
                    "LastUpdatedDate": "2026-08-01T00:00:00+00:00",
                }
            },
        )
        write_json(
            mirror / f"cognito-idp/{POOL}/groups/{team}-group/page-0001.json",
            {"Users": [user(w) for w in members]},
        )
    for job, team in {"job-a": "team-a", "job-b": "team-b", "job-fast": "team-b"}.items():
        write_json(
            mirror / f"sagemaker/describe-labeling-job/{job}.json",
            {
                "LabelingJobName": job,
                "LabelingJobStatus": "Completed",
                "LabelingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{job}",
                "CreationTime": "2026-09-30T00:00:00+00:00",
                "LastModifiedTime": "2026-10-02T00:00:00+00:00",
                "JobReferenceCode": f"{ACCOUNT}AbCdEfGhIjKlMnOp",
                "HumanTaskConfig": {
                    "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
                    "NumberOfHumanWorkersPerDataObject": 1,
                    "TaskTimeLimitInSeconds": 300,
                    "TaskTitle": "t",
                    "TaskDescription": "d",
                    "UiConfig": {},
                },
            },
        )
    queries, results = [], []
    points = {
        ("A", "TasksSubmitted"): 3.0,
        ("A", "TimeSpent"): 200.0,
        ("B", "TasksSubmitted"): 1.0,
        ("B", "TimeSpent"): 55.5,
    }
    for n, ((w, metric), value) in enumerate(points.items()):
        queries.append(
            {
                "Id": f"m{n}",
                "ReturnData": True,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/SageMaker/Workteam",
                        "MetricName": metric,
                        "Dimensions": [
                            {"Name": "CognitoUserPool", "Value": POOL},
                            {"Name": "LabelingJob", "Value": "job-a"},
                            {"Name": "WorkerId", "Value": SUB[w]},
                        ],
                    },
                    "Period": 3600,
                    "Stat": "Sum",
                },
            }
        )
        hour = "09" if w == "A" else "10"
        results.append(
            {
                "Id": f"m{n}",
                "Label": metric,
                "StatusCode": "Complete",
                "Timestamps": [f"2026-10-01T{hour}:00:00+00:00"],
                "Values": [value],
            }
        )
    write_json(
        mirror / "cloudwatch/get-metric-data/workteam-job-a.json",
        {"MetricDataQueries": queries, "MetricDataResults": results},
    )


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory):
    """Extract twice (A is disabled in between), build at the default threshold, keep every
    workforce table in memory, then rebuild the clocks with a 60 s threshold."""
    root = tmp_path_factory.mktemp("throughput_scenarios")
    settings = isolated_settings(root)
    mirror = root / "mirror"
    events = [
        event(r, at=datetime.fromtimestamp(int(r["event_timestamp"]), t(0).tzinfo)) for r in RECORDS
    ]
    write_page(mirror, "2026-10-01/page-000001.json", events)
    # A1's event re-delivered: the same CloudWatch event (same eventId) read again
    write_page(mirror, "2026-10-01/page-000002.json", [events[RECORDS.index(A1)]])
    write_account(mirror)
    users_page = mirror / f"cognito-idp/{POOL}/list-users/page-0001.json"
    write_json(users_page, {"Users": [user(w) for w in "ABCDEFGH"]})
    extract_mirror(settings, mirror)
    write_json(
        users_page,
        {
            "Users": [
                user("A", enabled=False, modified="2026-10-05T12:00:00+00:00"),
                *(user(w) for w in "BCDEFGH"),
            ]
        },
    )
    extract_mirror(settings, mirror)

    built = dbt(settings, "build", "--select", *STAGING, *WORKFORCE)
    assert built.success, built.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'throughput_%' or table_name like 'fct_%' or table_name like 'dim_%' "
            "or table_name like 'speed_%' or table_name like 'int_task%'"
        ).fetchall()
    ]
    at_default = {name: rows(con, f"select * from {name}") for name in tables}
    con.close()
    rebuilt = dbt(
        settings, "run", "--select", *WORKFORCE, "--vars", '{"idle_threshold_seconds": 60}'
    )
    assert rebuilt.success, rebuilt.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    at_60 = {
        name: rows(con, f"select * from {name}")
        for name in ("int_task_working_time", "fct_worker_sessions", "throughput_worker_job_hourly")
    }
    con.close()
    return at_default, at_60, built


def pick(table: list[dict], **where) -> list[dict]:
    return [r for r in table if all(r[k] == v for k, v in where.items())]


def one(table: list[dict], **where) -> dict:
    found = pick(table, **where)
    assert len(found) == 1, (where, found)
    return found[0]


def clocks(table: list[dict], w: str) -> list[tuple]:
    mine = sorted(pick(table, cognito_sub=SUB[w]), key=lambda r: r["worker_task_number"])
    return [
        (
            r["handling_seconds"],
            r["gap_before_seconds"],
            r["working_seconds"],
            r["worker_session_number"],
        )
        for r in mine
    ]


def naive(x: datetime) -> datetime:
    return x.replace(tzinfo=None)


def a_long_break_ends_a_session_and_is_not_working_time(marts):
    default, at_60, _ = marts
    # handling, gap before, working, session: the 990 s break is idle at 300 s.
    assert clocks(default["int_task_working_time"], "A") == [
        (60.0, None, 60.0, 1),
        (90.0, 60.0, 150.0, 1),
        (60.0, 990.0, 60.0, 2),
        (30.0, 180.0, 210.0, 2),
    ]
    # At 60 s a gap of exactly 60 s is already idle ("shorter than" the threshold).
    assert clocks(at_60["int_task_working_time"], "A") == [
        (60.0, None, 60.0, 1),
        (90.0, 60.0, 90.0, 2),
        (60.0, 990.0, 60.0, 3),
        (30.0, 180.0, 30.0, 4),
    ]
    sessions = sorted(
        pick(default["fct_worker_sessions"], cognito_sub=SUB["A"]),
        key=lambda r: r["worker_session_number"],
    )
    assert [
        (r["started_at"], r["ended_at"], r["span_seconds"], r["working_seconds"], r["tasks_closed"])
        for r in sessions
    ] == [
        (naive(t(9, 0)), naive(t(9, 3, 30)), 210.0, 210.0, 2),
        (naive(t(9, 20)), naive(t(9, 24, 30)), 270.0, 270.0, 2),
    ]
    hour = one(default["throughput_worker_job_hourly"], cognito_sub=SUB["A"])
    assert (hour["closed_hour"], hour["tasks_submitted"], hour["handling_seconds_sum"]) == (
        naive(t(9)),
        4,
        240.0,
    )  # the re-delivered record counts once
    # Handling 30, 60, 60, 90: median 60; p90 at rank 0.9 x 3 = 2.7 -> 60 + 0.7 x 30 = 81.
    assert (hour["handling_seconds_mean"], hour["handling_seconds_median"]) == (60.0, 60.0)
    assert hour["handling_seconds_p90"] == pytest.approx(81.0, abs=1e-9)
    assert (
        hour["working_seconds"],
        hour["submitted_per_working_hour"],
        hour["handling_to_working_ratio"],
    ) == (480.0, 30.0, 0.5)
    assert (
        one(at_60["throughput_worker_job_hourly"], cognito_sub=SUB["A"])["working_seconds"] == 240.0
    )


def a_returned_task_and_a_decline_without_acceptance(marts):
    default, _, _ = marts
    # The decline has no handling; the 60 s before it is working time.
    assert clocks(default["int_task_working_time"], "B") == [
        (300.0, None, 300.0, 1),
        (60.0, 60.0, 120.0, 1),
        (None, 60.0, 60.0, 1),
    ]
    hour = one(default["throughput_worker_job_hourly"], cognito_sub=SUB["B"])
    assert {
        k: hour[k]
        for k in (
            "tasks_closed",
            "tasks_accepted",
            "tasks_submitted",
            "tasks_returned",
            "tasks_declined",
            "handling_seconds_sum",
            "handling_seconds_median",
            "handling_seconds_all_outcomes",
            "working_seconds",
        )
    } == {
        "tasks_closed": 3,
        "tasks_accepted": 2,
        "tasks_submitted": 1,
        "tasks_returned": 1,
        "tasks_declined": 1,
        "handling_seconds_sum": 60.0,
        "handling_seconds_median": 60.0,
        "handling_seconds_all_outcomes": 360.0,
        "working_seconds": 480.0,
    }
    assert hour["return_decline_rate"] == pytest.approx(2 / 3, abs=1e-12)
    assert (hour["submitted_per_working_hour"], hour["handling_to_working_ratio"]) == (7.5, 0.75)


def a_task_crossing_midnight_counts_on_the_day_it_closed(marts):
    default, _, _ = marts
    days = pick(default["throughput_worker_job_daily"], cognito_sub=SUB["C"])
    assert [(r["closed_date"], r["tasks_submitted"], r["handling_seconds_sum"]) for r in days] == [
        (date(2026, 10, 2), 1, 300.0)
    ]
    assert [
        r["closed_hour"]
        for r in pick(default["throughput_worker_job_hourly"], cognito_sub=SUB["C"])
    ] == [naive(t(0, day=2))]


def a_task_accepted_in_one_hour_and_closed_in_the_next_counts_in_the_next(marts):
    default, _, _ = marts
    hours = pick(default["throughput_team_job_hourly"], labeling_job_name="job-b")
    assert [
        (r["closed_hour"], r["tasks_accepted"], r["tasks_submitted"], r["handling_seconds_sum"])
        for r in hours
    ] == [(naive(t(11)), 1, 1, 120.0)]


def overlapping_tasks_add_no_gap_and_keep_their_own_handling(marts):
    default, _, _ = marts
    # The gap before the third task runs from 12:10 (latest close), not 12:07.
    assert clocks(default["int_task_working_time"], "E") == [
        (600.0, None, 600.0, 1),
        (120.0, -300.0, 120.0, 1),
        (60.0, 120.0, 180.0, 1),
    ]


def active_workers_per_job_and_per_team(marts):
    default, _, _ = marts
    day = date(2026, 10, 1)
    got = {
        r["labeling_job_name"]: (r["active_workers"], r["team_active_workers"])
        for r in pick(default["throughput_team_job_daily"], closed_date=day)
    }
    # C's only task closed on Oct 2; team-b has D on job-b and F, G on job-fast.
    assert got == {"job-a": (3, 3), "job-b": (1, 3), "job-fast": (2, 3)}


def fast_tasks_and_workers_are_flagged_relative_to_the_job_median_not_removed(marts):
    default, _, built = marts
    # job-fast handling: 5 5 5 10 100 100 100 100 -> median 55, fast below 0.2 x 55 = 11 s.
    fast = sorted(
        (r["cognito_sub"], r["handling_seconds"])
        for r in default["fct_task_outcomes"]
        if r["is_fast_task"]
    )
    assert fast == [(SUB["F"], 10.0), *[(SUB["G"], 5.0)] * 3]
    assert len(pick(default["fct_task_outcomes"], labeling_job_name="job-fast")) == 8
    flags = {
        r["cognito_sub"]: (r["fast_tasks"], r["handling_seconds_median"], r["is_fast_worker"])
        for r in pick(default["speed_flags_worker_job"], labeling_job_name="job-fast")
    }
    assert flags == {SUB["F"]: (1, 100.0, False), SUB["G"]: (3, 5.0, True)}
    assert not any(
        r["is_fast_worker"]
        for r in default["speed_flags_worker_job"]
        if r["labeling_job_name"] != "job-fast"
    )
    # The two warn-level tests (fast tasks, fast workers) surfaced them without failing the build.
    assert (built.tests_warned, built.tests_failed) == (2, 0)


def learning_curve_by_task_ordinal_within_the_job(marts):
    default, _, _ = marts
    curve = {
        r["job_task_ordinal"]: (r["workers"], r["handling_seconds_median"])
        for r in pick(default["throughput_learning_curve"], labeling_job_name="job-fast")
    }
    assert curve == {1: (2, 52.5), 2: (2, 52.5), 3: (2, 52.5), 4: (1, 100.0), 5: (1, 10.0)}


def console_average_is_reproduced_and_reconciled_with_cloudwatch(marts):
    default, _, _ = marts
    console = {
        (r["labeling_job_name"], r["closed_date"]): r
        for r in default["throughput_console_team_job_daily"]
    }
    oct1 = console[("job-a", date(2026, 10, 1))]
    # Logs: A 4 tasks 240 s, B 1 task 60 s, E 3 tasks 780 s. CloudWatch: 4 tasks, 255.5 s.
    assert {
        k: oct1[k]
        for k in (
            "workteam_name",
            "log_tasks_submitted",
            "log_handling_seconds_sum",
            "log_seconds_per_submitted_task",
            "has_team_metrics",
            "metric_tasks_submitted",
            "metric_time_spent_seconds",
            "metric_seconds_per_submitted_task",
            "tasks_submitted_difference",
            "time_spent_difference_seconds",
            "seconds_per_submitted_task_difference",
        )
    } == {
        "workteam_name": "team-a",
        "log_tasks_submitted": 8,
        "log_handling_seconds_sum": 1080.0,
        "log_seconds_per_submitted_task": 135.0,
        "has_team_metrics": True,
        "metric_tasks_submitted": 4.0,
        "metric_time_spent_seconds": 255.5,
        "metric_seconds_per_submitted_task": 63.875,
        "tasks_submitted_difference": 4.0,
        "time_spent_difference_seconds": 824.5,
        "seconds_per_submitted_task_difference": 71.125,
    }
    # Days and jobs without extracted metrics show NULL, not zero.
    for key in (("job-a", date(2026, 10, 2)), ("job-b", date(2026, 10, 1))):
        assert (console[key]["has_team_metrics"], console[key]["metric_tasks_submitted"]) == (
            False,
            None,
        )


def workers_dimension_and_attribute_history(marts):
    default, _, _ = marts
    a = one(default["dim_workers"], cognito_sub=SUB["A"])
    assert {
        k: a[k]
        for k in (
            "worker_id",
            "user_status",
            "is_enabled",
            "attribute_versions",
            "member_workteams",
            "worked_workteams",
            "first_activity_at",
            "last_activity_at",
            "tasks_closed",
        )
    } == {
        "worker_id": WORKER_ID["A"],
        "user_status": "CONFIRMED",
        "is_enabled": False,
        "attribute_versions": 2,
        "member_workteams": "team-a",
        "worked_workteams": "team-a",
        "first_activity_at": naive(t(9)),
        "last_activity_at": naive(t(9, 24, 30)),
        "tasks_closed": 4,
    }
    h = one(default["dim_workers"], cognito_sub=SUB["H"])
    assert (
        h["member_workteams"],
        h["worked_workteams"],
        h["tasks_closed"],
        h["first_activity_at"],
    ) == ("team-a", None, 0, None)
    assert len(default["dim_workers"]) == 8
    history = sorted(
        pick(default["dim_workers_history"], cognito_sub=SUB["A"]),
        key=lambda r: r["worker_version"],
    )
    assert [
        (r["is_enabled"], r["valid_from"], r["valid_to"], r["is_current"]) for r in history
    ] == [
        (True, datetime(2026, 9, 1, 8), datetime(2026, 10, 5, 12), False),
        (False, datetime(2026, 10, 5, 12), None, True),
    ]
    # B was landed twice unchanged: one version.
    assert len(pick(default["dim_workers_history"], cognito_sub=SUB["B"])) == 1


def no_workforce_table_carries_a_username_or_email(marts):
    default, _, _ = marts
    leaks = {
        (name, k)
        for name, table in default.items()
        for r in table
        for k, v in r.items()
        if isinstance(v, str) and "@" in v
    }
    assert leaks == set()
    assert {"username", "email"}.isdisjoint(
        {k for table in default.values() for r in table for k in r}
    )


SCENARIOS = [
    a_long_break_ends_a_session_and_is_not_working_time,
    a_returned_task_and_a_decline_without_acceptance,
    a_task_crossing_midnight_counts_on_the_day_it_closed,
    a_task_accepted_in_one_hour_and_closed_in_the_next_counts_in_the_next,
    overlapping_tasks_add_no_gap_and_keep_their_own_handling,
    active_workers_per_job_and_per_team,
    fast_tasks_and_workers_are_flagged_relative_to_the_job_median_not_removed,
    learning_curve_by_task_ordinal_within_the_job,
    console_average_is_reproduced_and_reconciled_with_cloudwatch,
    workers_dimension_and_attribute_history,
    no_workforce_table_carries_a_username_or_email,
]


def test_hand_built_scenarios_give_their_known_answers(marts, subtests):
    """One test with a subtest per scenario: pytest-xdist would otherwise build the module
    fixture on both workers."""
    for scenario in SCENARIOS:
        with subtests.test(scenario.__name__.replace("_", " ")):
            scenario(marts)
