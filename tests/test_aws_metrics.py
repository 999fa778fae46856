"""CloudWatch metrics (moto): discovery across namespace spellings, data points, watermark."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from extract.sources.aws import extract_aws
from tests.test_aws_support import clients, count_calls, lake_rows, moto_account, options

POOL = "us-east-1_AbCdEfGhI"
SUBS = ("0101edb0-79de-4d74-8a77-fc8bb28eb986", "170c5eb7-6a95-4369-8ff9-f7662a2bfefd")


def _hour(hours_ago: int) -> datetime:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return now - timedelta(hours=hours_ago)


def _put(session, hours: range) -> list[tuple]:
    """Work-team and job metrics, one point per hour; returns the expected (metric, ts, value)."""
    cw = session.client("cloudwatch")
    expected = []
    for h in hours:
        at = _hour(h)
        for w, sub in enumerate(SUBS):
            dims = [
                {"Name": "CognitoUserPool", "Value": POOL},
                {"Name": "LabelingJob", "Value": "job-a"},
                {"Name": "WorkerId", "Value": sub},
            ]
            for name, value, unit in (
                ("TasksSubmitted", 3 + w + h, "None"),
                ("TimeSpent", 60.5 * (w + 1), "Seconds"),
            ):
                cw.put_metric_data(
                    Namespace="AWS/SageMaker/Workteam",
                    MetricData=[
                        {
                            "MetricName": name,
                            "Dimensions": dims,
                            "Timestamp": at,
                            "Value": value,
                            "Unit": unit,
                        }
                    ],
                )
                expected.append(("AWS/SageMaker/Workteam", name, sub, "Sum", at, value))
        for namespace, job in (
            ("AWS/Sagemaker/LabelingJobs", "job-a"),
            ("AWS/SageMaker/LabelingJobs", "job-b"),
        ):
            cw.put_metric_data(
                Namespace=namespace,
                MetricData=[
                    {
                        "MetricName": "TotalDatasetObjectsLabeled",
                        "Timestamp": at,
                        "Value": 100.0 - h,
                        "Dimensions": [{"Name": "LabelingJobName", "Value": job}],
                    }
                ],
            )
            expected.append(
                (namespace, "TotalDatasetObjectsLabeled", job, "Maximum", at, 100.0 - h)
            )
        cw.put_metric_data(
            Namespace="Other/App",
            MetricData=[{"MetricName": "TasksSubmitted", "Timestamp": at, "Value": 1.0}],
        )
    return expected


def _landed(settings) -> list[tuple]:
    out = []
    for query, ts, value in lake_rows(
        settings.lake_dir,
        "metric_data",
        "query, point_timestamp, point_value",
        "point_timestamp is not null",
    ):
        q = json.loads(query)["MetricStat"]
        dims = {d["Name"]: d["Value"] for d in q["Metric"]["Dimensions"]}
        who = dims.get("WorkerId") or dims.get("LabelingJobName")
        out.append(
            (
                q["Metric"]["Namespace"],
                q["Metric"]["MetricName"],
                who,
                q["Stat"],
                datetime.fromisoformat(ts),
                value,
            )
        )
    return sorted(out)


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        yield session


def test_metrics_are_discovered_in_both_namespace_spellings_and_read_point_by_point(aws, settings):
    expected = _put(aws, range(6, 1, -1))
    c = clients(aws)
    calls = count_calls(c.client("cloudwatch"), "GetMetricData")
    namespaces = count_calls(c.client("cloudwatch"), "ListMetrics")
    report = extract_aws(
        settings,
        options=options(
            resources=("metric_data",), metric_period=3600, since=_hour(8), until=_hour(0)
        ),
        clients=c,
    )
    assert report.problems == []
    assert {n["Namespace"] for n in namespaces} == {
        "AWS/SageMaker/Workteam",
        "AWS/Sagemaker/LabelingJobs",
        "AWS/SageMaker/LabelingJobs",
    }
    [call] = calls
    assert len(call["MetricDataQueries"]) == 6  # 2 workers x 2 metrics + 2 jobs, once each
    assert call["StartTime"] == _hour(8) and call["EndTime"] == _hour(0)
    assert _landed(settings) == sorted(expected)


def test_a_second_run_starts_at_the_watermark_minus_the_overlap(aws, settings):
    _put(aws, range(6, 3, -1))
    c = clients(aws)
    calls = count_calls(c.client("cloudwatch"), "GetMetricData")
    extract_aws(
        settings,
        options=options(
            resources=("metric_data",), metric_period=3600, since=_hour(8), until=_hour(3)
        ),
        clients=c,
    )
    later = _put(aws, range(2, 0, -1))
    second = extract_aws(
        settings,
        options=options(resources=("metric_data",), metric_period=3600, until=_hour(0)),
        clients=c,
    )
    assert second.problems == []
    assert calls[-1]["StartTime"] == _hour(4)  # watermark (3 h ago) minus the 1 h overlap
    in_second_run = [r for r in _landed(settings) if r[4] >= _hour(2)]
    assert in_second_run == sorted(later)


def test_the_job_filter_matches_every_form_of_the_job_dimension(aws, settings):
    """LabelingJob may hold the name, labeling-job/<name> or the ARN: --job given in any form
    reads all of job-a's series and none of job-z's."""
    arn = "arn:aws:sagemaker:us-east-1:123456789012:labeling-job/"
    cw = aws.client("cloudwatch")
    at = _hour(3)
    for n, job in enumerate(("job-a", "labeling-job/job-a", f"{arn}job-a", f"{arn}job-z")):
        cw.put_metric_data(
            Namespace="AWS/SageMaker/Workteam",
            MetricData=[
                {
                    "MetricName": "TasksSubmitted",
                    "Dimensions": [{"Name": "LabelingJob", "Value": job}],
                    "Timestamp": at,
                    "Value": float(n + 1),
                }
            ],
        )
    for given in ("job-a", f"{arn}job-a", "labeling-job/JOB-A"):
        c = clients(aws)
        calls = count_calls(c.client("cloudwatch"), "GetMetricData")
        report = extract_aws(
            settings,
            options=options(
                resources=("metric_data",),
                jobs=(given,),
                metric_period=3600,
                since=_hour(5),
                until=_hour(0),
                full_refresh=True,
            ),
            clients=c,
        )
        assert report.problems == []
        [call] = calls
        asked = sorted(
            d["Value"]
            for q in call["MetricDataQueries"]
            for d in q["MetricStat"]["Metric"]["Dimensions"]
        )
        assert asked == sorted(["job-a", "labeling-job/job-a", f"{arn}job-a"]), given


def test_job_and_workteam_options_take_a_name_an_arn_or_the_arn_resource_part():
    arn = "arn:aws:sagemaker:us-east-1:123456789012"
    opts = options(
        jobs=(f"{arn}:labeling-job/job-a", "labeling-job/job-b", "job-c"),
        workteams=(f"{arn}:workteam/private-crowd/team-a", "team-b"),
    )
    assert opts.jobs == ("job-a", "job-b", "job-c")
    assert opts.workteams == ("team-a", "team-b")
    with pytest.raises(ValueError, match="jobs="):
        options(jobs=("labeling-job/",))
