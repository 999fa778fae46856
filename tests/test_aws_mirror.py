"""The AWS path lands the same lake as the mirror path, for the same simulated operation.

The simulator writes an operation as a mirror folder; ``populate_moto`` loads it into moto
(CloudWatch Logs, export files in S3, Cognito, S3 labeling output, CloudWatch metrics) and a
SageMaker Stubber; then the lake from ``extract_aws`` is compared with the lake from
``extract_mirror``, row for row, lineage columns excepted.

Known differences, all on the emulator's side, are normalised and listed here:
- moto's ListUsers/ListUsersInGroup add ``"MFAOptions": []`` to every user;
- the mirror keeps DescribeWorkteam/DescribeLabelingJob files as printed (indented), so those
  are compared as parsed JSON;
- metric rows are compared by what they mean (namespace, metric, dimensions, statistic,
  period, time, value): the request's ids and labels are the requester's choice, and moto's
  GetMetricData (queries x periods x points) only affords one job's metrics here;
- the mirror lands a NULL row for a query with no points; ListMetrics never offers one.

Both paths land an empty ListUsersInGroup answer (the simulator's emptied group) as the same
placeholder row (user NULL).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import Stubber

from extract.lake import Lake
from extract.resources import RESOURCES
from extract.simulator import simulate
from extract.sources.aws import extract_aws
from extract.sources.mirror import extract_mirror
from tests.aws_populate import SageMakerResponses, populate_moto
from tests.conftest import isolated_settings
from tests.test_aws_support import clients, lake_rows, moto_account, options

TEXT_JSON = {"workteams": "response", "labeling_jobs": "response"}


def _rows(settings, resource: str) -> Counter:
    columns = list(RESOURCES[resource].columns)
    out = Counter()
    for row in lake_rows(settings.lake_dir, resource, ", ".join(f'"{c}"' for c in columns)):
        values = dict(zip(columns, row, strict=True))
        if resource in TEXT_JSON:
            values[TEXT_JSON[resource]] = json.loads(values[TEXT_JSON[resource]])
        if resource in ("users", "group_members") and values["user"] is not None:
            values["user"] = values["user"].replace(', "MFAOptions": []', "")
        out[json.dumps(values, sort_keys=True)] += 1
    return out


def _metric_points(settings, job: str) -> Counter:
    out = Counter()
    for query, ts, value in lake_rows(
        settings.lake_dir,
        "metric_data",
        "query, point_timestamp, point_value",
        "point_timestamp is not null",
    ):
        stat = json.loads(query)["MetricStat"]
        metric = stat["Metric"]
        dims = tuple(sorted((d["Name"], d["Value"]) for d in metric.get("Dimensions", [])))
        if job in {v for _, v in dims}:
            out[
                (
                    metric["Namespace"],
                    metric["MetricName"],
                    dims,
                    stat["Stat"],
                    stat["Period"],
                    datetime.fromisoformat(ts),
                    value,
                )
            ] += 1
    return out


def _smallest_job_metrics(mirror) -> tuple[str, datetime, datetime]:
    """The job with the fewest metric points, and the hours they span."""
    points: dict[str, list[str]] = {}
    for path in (mirror / "cloudwatch" / "get-metric-data").glob("*.json"):
        doc = json.loads(path.read_text())
        queries = {q["Id"]: q for q in doc["MetricDataQueries"]}
        for result in doc["MetricDataResults"]:
            dims = queries[result["Id"]]["MetricStat"]["Metric"]["Dimensions"]
            job = next(
                (d["Value"] for d in dims if d["Name"] in ("LabelingJob", "LabelingJobName")), None
            )
            if job is not None:  # JobsSucceeded & co. are account-level series
                points.setdefault(job, []).extend(result["Timestamps"])
    job = min((j for j in points if points[j]), key=lambda j: (len(points[j]), j))
    times = sorted(datetime.fromisoformat(t) for t in points[job])
    return job, times[0], times[-1] + timedelta(hours=1)


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        yield session


def test_the_aws_lake_equals_the_mirror_lake_of_the_same_operation(aws, tmp_path):
    start = (datetime.now(UTC) - timedelta(days=30)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    mirror = tmp_path / "mirror"
    summary = simulate(mirror, seed=11, events=6000, start=start, labeling_output="scenario")
    from_mirror = isolated_settings(tmp_path / "from-mirror")
    extract_mirror(from_mirror, mirror)

    job, first, last = _smallest_job_metrics(mirror)
    loaded = populate_moto(
        mirror,
        session=aws,
        metrics=lambda q: (
            job in {d["Value"] for d in q["MetricStat"]["Metric"].get("Dimensions", [])}
        ),
    )
    assert loaded.log_events > 0 and loaded.export_objects > 0 and loaded.users == summary.users
    from_aws = isolated_settings(tmp_path / "from-aws")
    c = clients(aws)
    stub = Stubber(c.client("sagemaker"))
    SageMakerResponses.from_mirror(mirror).queue(stub, page_size=4)
    with stub:
        report = extract_aws(
            from_aws,
            options=options(
                export_s3=loaded.export_s3,
                resources=tuple(r for r in RESOURCES if r not in ("metric_data", "rejected_files")),
            ),
            clients=c,
        )
        stub.assert_no_pending_responses()
    assert report.problems == []
    metrics = extract_aws(
        from_aws,
        options=options(
            resources=("metric_data",), jobs=(job,), metric_period=3600, since=first, until=last
        ),
        clients=c,
    )
    assert metrics.problems == []
    for resource in RESOURCES.values():  # every cursor a run keeps is declared by its resource
        kept = Lake(from_aws.lake_dir).ledger(resource.name).cursor
        assert all(k.startswith(tuple(c + ":" for c in resource.cursors)) for k in kept), kept
        assert bool(kept) == bool(resource.cursors), (resource.name, kept)

    reread = 0
    for resource in RESOURCES:
        if resource == "metric_data":
            continue
        got, want = _rows(from_aws, resource), _rows(from_mirror, resource)
        if resource == "worker_activity":
            # CloudWatch holds an event once: a page event the mirror holds twice (a later,
            # overlapping pull re-read it, same eventId) is read once from AWS
            again = Counter(
                {r: n - 1 for r, n in want.items() if n > 1 and '"eventId": null' not in r}
            )
            reread = sum(again.values())
            want -= again
        assert got == want, (
            resource,
            list((got - want).elements())[:2],
            list((want - got).elements())[:2],
        )
    assert reread > 0
    assert sum(_rows(from_aws, "worker_activity").values()) == summary.events_written - reread
    assert _metric_points(from_aws, job) == _metric_points(from_mirror, job)
    assert _metric_points(from_aws, job)  # the comparison saw data
