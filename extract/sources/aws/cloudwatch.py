"""Ground Truth metrics: ``ListMetrics`` to find them, ``GetMetricData`` to read them.

The work-team metrics live in ``AWS/SageMaker/Workteam``. The labeling-job namespace is
spelled ``AWS/Sagemaker/LabelingJobs`` in some AWS lists and ``AWS/SageMaker/LabelingJobs``
in others (namespaces are case-sensitive), so both spellings are listed and whatever exists is
read. Each metric (namespace, name, dimensions) becomes one query with the statistic AWS
documents for it (Maximum for the dataset-object counts, Sum otherwise; named as GetMetricData
names statistics: the guide's "Max" is ``Maximum``) and ``metric_period``.

Time: ``[start, end)`` aligned to the period; ``start`` is ``since``, or the last end minus
``metric_overlap`` (CloudWatch revises recent periods), or ``metric_lookback`` ago. Queries
go 500 per request (the API's limit), through the ``get_metric_data`` paginator; each batch
commits with the ids it covered, so a resumed run reads only the rest of the window.
Overlapping points land again; staging keeps the newest value per period.

Rows are as the mirror's reader lands a ``{"MetricDataQueries", "MetricDataResults"}`` file:
one per data point, the request's query as JSON, timestamps as the CLI prints them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from extract.resources import RESOURCES
from extract.runner import Page
from extract.sources.aws.context import AwsRun
from extract.sources.aws.options import resource_name
from extract.sources.aws.responses import cli_time, digest

RESOURCE = "metric_data"
WORKTEAM_NAMESPACE = "AWS/SageMaker/Workteam"
LABELING_JOB_NAMESPACES = ("AWS/Sagemaker/LabelingJobs", "AWS/SageMaker/LabelingJobs")
MAXIMUM_METRICS = frozenset(
    {
        "DatasetObjectsAutoAnnotated",
        "DatasetObjectsHumanAnnotated",
        "DatasetObjectsLabelingFailed",
        "TotalDatasetObjectsLabeled",
    }
)
JOB_DIMENSIONS = ("LabelingJobName", "LabelingJob")
QUERIES_PER_CALL = 500


def statistic(metric_name: str) -> str:
    return "Maximum" if metric_name in MAXIMUM_METRICS else "Sum"


def _floor(moment: datetime, period: int) -> datetime:
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % period, UTC)


def discover_metrics(ctx: AwsRun, jobs: set[str] | None = None) -> list[dict[str, Any]]:
    """Every Ground Truth metric ListMetrics shows, once each (moto repeats some).

    With ``jobs`` (the jobs of the selected work teams) or the ``jobs`` option, a metric with
    a job dimension is kept only for those jobs. The dimension may hold the job's name, its
    ARN or ``labeling-job/<name>``: all match the job's name. Series that differ in any
    dimension (known to the warehouse or not) are separate metrics, each read once.
    """
    found: dict[tuple, dict[str, Any]] = {}
    for namespace in (WORKTEAM_NAMESPACE, *LABELING_JOB_NAMESPACES):
        with ctx.problems.guard(RESOURCE, f"namespace {namespace}"):
            for page in ctx.clients.paginate("cloudwatch", "list_metrics", Namespace=namespace):
                for metric in page.get("Metrics", []):
                    dimensions = sorted(
                        (d["Name"], d.get("Value", "")) for d in metric.get("Dimensions", [])
                    )
                    identity = (metric["Namespace"], metric["MetricName"], tuple(dimensions))
                    found.setdefault(
                        identity,
                        {
                            "Namespace": metric["Namespace"],
                            "MetricName": metric["MetricName"],
                            "Dimensions": [{"Name": n, "Value": v} for n, v in dimensions],
                        },
                    )
    restrict = bool(ctx.options.jobs) or jobs is not None
    scope = {resource_name(j).lower() for j in (*ctx.options.jobs, *(jobs or ()))}
    metrics = []
    for identity in sorted(found):
        metric = found[identity]
        job = next((v for n, v in identity[2] if n in JOB_DIMENSIONS), None)
        if restrict and job is not None and resource_name(job).lower() not in scope:
            continue
        metrics.append(metric)
    return metrics


def query_for(metric: dict[str, Any], period: int) -> dict[str, Any]:
    stat = statistic(metric["MetricName"])
    ident = "m" + digest(json.dumps(metric, sort_keys=True), stat, str(period))
    return {"Id": ident, "MetricStat": {"Metric": metric, "Period": period, "Stat": stat}}


def extract_metric_data(ctx: AwsRun, jobs: set[str] | None = None) -> None:
    result = ctx.result(RESOURCE, "GetMetricData responses")
    ctx.land(result, _pages(ctx, jobs, result), unit="requests")


def _pages(ctx: AwsRun, jobs: set[str] | None, result) -> Iterator[Page]:
    """One page per GetMetricData request (all its response pages merged)."""
    opts = ctx.options
    key = RESOURCES[RESOURCE].cursor_key("aws:get_metric_data", ctx.region)
    state = ctx.cursor(RESOURCE, key)
    metrics = discover_metrics(ctx, jobs)
    if not metrics:
        return
    period = opts.metric_period
    window = state.get("window")
    if not window:
        end = _floor(min(opts.until or ctx.now, ctx.now), period)
        if opts.since is not None:
            start = opts.since
        elif state.get("watermark"):
            start = datetime.fromisoformat(state["watermark"]) - opts.metric_overlap
        else:
            start = end - opts.metric_lookback
        start = _floor(start, period)
        if start >= end:
            return
        window = {"start": start.isoformat(), "end": end.isoformat(), "done": [], "batches": 0}
    queries = [query_for(m, period) for m in metrics]
    done = set(window["done"])
    todo = [q for q in queries if q["Id"] not in done]
    name = f"{window['start']}_{window['end']}"
    with ctx.problems.guard(RESOURCE, f"metrics {window['start']} to {window['end']}"):
        for first in range(0, len(todo), QUERIES_PER_CALL) if todo else [0]:
            batch = todo[first : first + QUERIES_PER_CALL]
            window["batches"] += 1
            source = f"aws:cloudwatch/get-metric-data/{name}/batch-{window['batches']:04d}"
            rows = _read(ctx, batch, window, source) if batch else []
            window["done"] = sorted(done.union(q["Id"] for q in batch))
            done = set(window["done"])
            last = first + QUERIES_PER_CALL >= len(todo)
            new_state = (
                {"watermark": window["end"], "window": None}
                if last
                else {**state, "window": window}
            )
            yield Page(
                RESOURCE,
                rows,
                {
                    f"aws:cloudwatch/get-metric-data/{ctx.region}": ctx.unique(
                        source.removeprefix("aws:")
                    )
                },
                cursor={key: new_state},
            )
            result.units_seen += 1
            state = new_state


def _read(ctx: AwsRun, batch: list[dict[str, Any]], window: dict[str, Any], source: str) -> list:
    """Every page of one GetMetricData request, merged per query id, as lake rows."""
    merged: dict[str, dict[str, Any]] = {}
    pages = ctx.clients.paginate(
        "cloudwatch",
        "get_metric_data",
        MetricDataQueries=batch,
        StartTime=datetime.fromisoformat(window["start"]),
        EndTime=datetime.fromisoformat(window["end"]),
        ScanBy="TimestampAscending",
    )
    for page in pages:
        for item in page.get("MetricDataResults", []):
            entry = merged.setdefault(
                item["Id"], {"Label": item.get("Label"), "Timestamps": [], "Values": []}
            )
            entry["StatusCode"] = item.get("StatusCode")
            entry["Timestamps"].extend(item.get("Timestamps", []))
            entry["Values"].extend(item.get("Values", []))
    queries = {q["Id"]: json.dumps(q) for q in batch}
    rows = []
    index = 0
    for ident in sorted(merged):
        entry = merged[ident]
        points = list(zip(entry["Timestamps"], entry["Values"], strict=True))
        for ts, value in points or [(None, None)]:
            index += 1
            rows.append(
                {
                    "query_id": ident,
                    "query": queries.get(ident),
                    "label": entry["Label"],
                    "status_code": entry["StatusCode"],
                    "point_timestamp": None if ts is None else cli_time(ts),
                    "point_value": value,
                    **ctx.run.lineage(source, index),
                }
            )
    return rows
