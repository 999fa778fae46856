"""CloudWatch series as real accounts hold them (issue 11, point 9), from hand-built mirror files.

GetMetricData, 2026-10-01, Period 3600, AWS/SageMaker/Workteam, Sum:
  job-a  W1 (LabelingJob = "job-a")                   10:00 TasksSubmitted 3, TimeSpent 30
  job-a  W2 (LabelingJob = the job's ARN)             10:00 TasksSubmitted 4, TimeSpent 50
  job-a  W1 broken down by a dimension the warehouse has no column for (Device = web | mobile):
                                                      10:00 TasksSubmitted 1 and 2
  job-b  W1 (LabelingJob = "labeling-job/job-b")      11:00 TasksSubmitted 2, TimeSpent 20
AWS/Sagemaker/LabelingJobs, LabelingJobName = the ARN of job-b, TotalDatasetObjectsLabeled with
the guide's "Max" (GetMetricData calls it Maximum): 11:00 40.
Worked out by hand: job-a has 7 tasks and 80 s in CloudWatch (the Device breakdown is the same
tasks again, not more), job-b 2 and 20 s.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from extract.pipeline import STAGING
from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import (
    ACCOUNT,
    POOL,
    REGION,
    event,
    labeling_job,
    record,
    t,
    user,
    write_group,
    write_labeling_job,
    write_page,
    write_users,
    write_workteam,
)
from tests.conftest import isolated_settings

WORKFORCE = ["path:models/intermediate/workforce", "path:models/marts/workforce"]
W1 = "0101edb0-79de-4d74-8a77-fc8bb28eb986"
W2 = "170c5eb7-6a95-4369-8ff9-f7662a2bfefd"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/"


def _query(qid: str, metric: str, dims: dict[str, str], *, stat: str = "Sum",
           namespace: str = "AWS/SageMaker/Workteam") -> dict:  # fmt: skip
    return {
        "Id": qid,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": metric,
                "Dimensions": [{"Name": n, "Value": v} for n, v in dims.items()],
            },
            "Period": 3600,
            "Stat": stat,
        },
        "ReturnData": True,
    }


def write_metrics(mirror) -> None:
    series = []
    for job, sub, hour, submitted, spent in (
        ("job-a", W1, 10, 3.0, 30.0),
        (f"{ARN}job-a", W2, 10, 4.0, 50.0),
        ("labeling-job/job-b", W1, 11, 2.0, 20.0),
    ):
        dims = {"CognitoUserPool": POOL, "LabelingJob": job, "WorkerId": sub}
        series += [(_query("", "TasksSubmitted", dims), hour, submitted),
                   (_query("", "TimeSpent", dims), hour, spent)]  # fmt: skip
    for device, value in (("web", 1.0), ("mobile", 2.0)):
        dims = {"CognitoUserPool": POOL, "Device": device, "LabelingJob": "job-a", "WorkerId": W1}
        series.append((_query("", "TasksSubmitted", dims), 10, value))
    series.append(
        (
            _query(
                "",
                "TotalDatasetObjectsLabeled",
                {"LabelingJobName": f"{ARN}job-b"},
                stat="Max",
                namespace="AWS/Sagemaker/LabelingJobs",
            ),
            11,
            40.0,
        )
    )
    queries, results = [], []
    for n, (query, hour, value) in enumerate(series):
        query["Id"] = f"m{n}"
        queries.append(query)
        results.append({"Id": f"m{n}", "Label": f"m{n}", "StatusCode": "Complete",
                        "Timestamps": [t(hour).isoformat()], "Values": [value]})  # fmt: skip
    path = mirror / "cloudwatch" / "get-metric-data" / "workteam.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"MetricDataQueries": queries, "MetricDataResults": results}))


def test_every_form_of_the_job_dimension_joins_and_unknown_dimensions_stay_apart(tmp_path):
    settings = isolated_settings(tmp_path)
    mirror = tmp_path / "mirror"
    write_workteam(mirror)
    write_group(mirror, "team-a-group", [user(W1), user(W2)])
    write_users(mirror, [user(W1), user(W2)])
    for job in ("job-a", "job-b"):
        write_labeling_job(mirror, job, labeling_job(job))
    tasks = [record(accepted=t(10, 0), closed=t(10, 1), sub=W1, job="job-a"),
             record(accepted=t(11, 0), closed=t(11, 2), sub=W1, job="job-b")]  # fmt: skip
    write_page(
        mirror,
        "2026-10-01/page-000001.json",
        [
            event(r, at=datetime.fromtimestamp(int(r["event_timestamp"]), t(0).tzinfo))
            for r in tasks
        ],
    )
    write_metrics(mirror)
    extract_mirror(settings, mirror)
    built = dbt(settings, "build", "--select", *STAGING, *WORKFORCE)
    assert built.success, built.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    staged = con.execute(
        "select labeling_job_name, metric_name, stat, dimension_names, point_value "
        "from stg_cloudwatch__metric_data order by all"
    ).fetchall()
    console = con.execute(
        "select labeling_job_name, closed_date, metric_tasks_submitted, metric_time_spent_seconds, "
        "log_tasks_submitted from throughput_console_team_job_daily order by all"
    ).fetchall()
    con.close()

    worker_dims = "CognitoUserPool,LabelingJob,WorkerId"
    device_dims = "CognitoUserPool,Device,LabelingJob,WorkerId"
    assert staged == sorted(
        [
            ("job-a", "TasksSubmitted", "Sum", device_dims, 1.0),
            ("job-a", "TasksSubmitted", "Sum", device_dims, 2.0),
            ("job-a", "TasksSubmitted", "Sum", worker_dims, 3.0),
            ("job-a", "TasksSubmitted", "Sum", worker_dims, 4.0),
            ("job-a", "TimeSpent", "Sum", worker_dims, 30.0),
            ("job-a", "TimeSpent", "Sum", worker_dims, 50.0),
            ("job-b", "TasksSubmitted", "Sum", worker_dims, 2.0),
            ("job-b", "TimeSpent", "Sum", worker_dims, 20.0),
            ("job-b", "TotalDatasetObjectsLabeled", "Maximum", "LabelingJobName", 40.0),
        ]
    )
    day = t(0).date()
    assert [(j, d, float(s), float(ts), n) for j, d, s, ts, n in console] == [
        ("job-a", day, 7.0, 80.0, 1),
        ("job-b", day, 2.0, 20.0, 1),
    ]


def test_metric_files_land_point_by_point_and_bad_files_are_rejected(tmp_path):
    """The GetMetricData reader (one DuckDB scan per batch): every point of a good file, in
    order across its results, numbered from 1, with its query; a result without points is one
    row without a point; the last query of a repeated Id wins. A file without a
    MetricDataResults list, one with Timestamps and Values of different lengths, and one that is
    not JSON are each a rejected_files row, and the good file in the same batch still lands."""
    settings = isolated_settings(tmp_path)
    mirror = tmp_path / "mirror"
    folder = mirror / "cloudwatch" / "get-metric-data"
    folder.mkdir(parents=True)
    first = _query("a", "TasksSubmitted", {"LabelingJob": "job-a"})
    again = _query("a", "TimeSpent", {"LabelingJob": "job-a"})
    other = _query("b", "TasksSubmitted", {"LabelingJob": "job-b"})
    good = {
        "MetricDataQueries": [first, other, again],
        "MetricDataResults": [
            {"Id": "a", "Label": "A", "StatusCode": "Complete",
             "Timestamps": ["2026-10-01T10:00:00Z", "2026-10-01T11:00:00Z"], "Values": [1, 2.5]},
            {"Id": "b", "Label": "B", "StatusCode": "PartialData", "Timestamps": [], "Values": []},
            {"Id": "c", "Label": "C", "StatusCode": "Complete",
             "Timestamps": ["2026-10-01T12:00:00Z"], "Values": [4.0]},
        ],
    }  # fmt: skip
    (folder / "good.json").write_text(json.dumps(good))
    (folder / "no-results.json").write_text(json.dumps({"Messages": []}))
    uneven = {"MetricDataResults": [{"Id": "a", "Timestamps": ["2026-10-01T10:00:00Z"],
                                     "Values": [1.0, 2.0]}]}  # fmt: skip
    (folder / "uneven.json").write_text(json.dumps(uneven))
    (folder / "cut.json").write_text(json.dumps(good)[:40])

    report = extract_mirror(settings, mirror)

    assert sorted(report.rejected) == [
        ("cloudwatch/get-metric-data/cut.json", "unreadable_file"),
        ("cloudwatch/get-metric-data/no-results.json", "unexpected_shape"),
        ("cloudwatch/get-metric-data/uneven.json", "unreadable_file"),
    ]
    con = duckdb.connect()
    rows = con.execute(
        "select _gtwh_record_index, query_id, label, status_code, point_timestamp, point_value,"
        " query from read_parquet(?) order by 1",
        [str(settings.lake_dir / "metric_data" / "*.parquet")],
    ).fetchall()
    assert [r[:6] for r in rows] == [
        (1, "a", "A", "Complete", "2026-10-01T10:00:00Z", 1.0),
        (2, "a", "A", "Complete", "2026-10-01T11:00:00Z", 2.5),
        (3, "b", "B", "PartialData", None, None),
        (4, "c", "C", "Complete", "2026-10-01T12:00:00Z", 4.0),
    ]
    queries = [json.loads(r[6]) if r[6] else None for r in rows]
    assert queries == [again, again, other, None]
