"""Worker activity from CloudWatch Logs (/aws/sagemaker/groundtruth/WorkerActivity).

Live path, ``FilterLogEvents`` on the whole log group, read as time windows:

- a window is ``[start, end)`` in event time (ms); ``end`` is ``--until`` or now, ``start`` is
  ``--since``, or the previous window's end minus the overlap (``log_overlap``, default 15 min,
  which catches events that arrive late), or the start of retention on a first run;
- every page is committed on its own, together with the cursor (window, ``nextToken``, pages
  done). A run that dies between pages resumes the window from the stored token; if the token
  has expired (AWS keeps them 24 h) the window restarts from its start;
- an event whose ``eventId`` the lake already holds (overlap, resumed window) is not landed
  again: the ids of the window are read from the lake itself, so they are exactly what is
  durable. An event with a new eventId is another event, even with an identical message
  (docs/data-quality.md, "Re-deliveries"); copies that land anyway are quarantined in staging;
- rows are the event envelope as AWS returns it, as the mirror's FilterLogEvents reader lands
  them (botocore keeps only modelled keys, so ``event_extra`` is always NULL here).

History path: CreateExportTask output in S3 (``export_s3``; optionally the export task itself
with ``create_export``), read incrementally by object, landed by the mirror's export reader.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from botocore.paginate import TokenEncoder

from extract.faults import maybe_crash
from extract.resources import RESOURCES
from extract.runner import Page
from extract.sources.aws.context import AwsRun
from extract.sources.aws.errors import AwsProblem

RESOURCE = "worker_activity"
PAGE_COMMITTED = "aws_page_committed"  # fault point (extract.faults) after each durable page


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _stamp(ms: int | None) -> str:
    if ms is None:
        return "start"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y%m%dT%H%M%S.") + f"{ms % 1000:03d}Z"


def cursor_key(region: str, group: str) -> str:
    return RESOURCES[RESOURCE].cursor_key("aws:filter_log_events", region, group)


def _landed_event_ids(ctx: AwsRun, start: int | None, end: int) -> set[str]:
    rows = ctx.lake_query(
        RESOURCE,
        'SELECT DISTINCT "eventId" FROM {lake} WHERE "eventId" IS NOT NULL '
        'AND "timestamp" >= ? AND "timestamp" < ?',
        [start if start is not None else -(2**62), end],
    )
    return {r[0] for r in rows}


def extract_worker_activity(ctx: AwsRun) -> None:
    """Land new worker-activity events from FilterLogEvents (see the module docstring)."""
    result = ctx.result(RESOURCE, "FilterLogEvents pages")
    ctx.land(result, _pages(ctx, result))


def _pages(ctx: AwsRun, result) -> Iterator[Page]:
    opts = ctx.options
    group = opts.log_group
    key = cursor_key(ctx.region, group)
    state = ctx.cursor(RESOURCE, key)
    with ctx.problems.guard(RESOURCE, f"log group {group}", operation="FilterLogEvents"):
        try:
            if state.get("window"):  # an interrupted run left this window unfinished
                yield from _scan(ctx, key, state, result)
            end = _ms(min(opts.until or ctx.now, ctx.now))
            if opts.since is not None:
                start: int | None = _ms(opts.since)
            elif state.get("watermark_ms") is not None:
                start = state["watermark_ms"] - int(opts.log_overlap.total_seconds() * 1000)
            else:
                start = None
            if start is None or start < end:
                state["window"] = {"start": start, "end": end, "token": None, "pages": 0}
                yield from _scan(ctx, key, state, result)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            ctx.report.absent.append(f"log group {group} ({ctx.region})")


def _scan(ctx: AwsRun, key: str, state: dict[str, Any], result) -> Iterator[Page]:
    """Read one window to its end, a page per response; ``state`` moves as each is durable."""
    opts = ctx.options
    window = state["window"]
    start, end = window["start"], window["end"]
    name = f"{_stamp(start)}_{_stamp(end)}"
    seen = _landed_event_ids(ctx, start, end)
    kwargs: dict[str, Any] = {"logGroupName": opts.log_group, "endTime": end - 1}
    if start is not None:
        kwargs["startTime"] = start
    config: dict[str, Any] = {}
    if opts.log_page_size:
        config["PageSize"] = opts.log_page_size
    if window.get("token"):
        config["StartingToken"] = TokenEncoder().encode({"nextToken": window["token"]})
    pages = ctx.clients.paginate("logs", "filter_log_events", **kwargs, PaginationConfig=config)
    resuming, first = bool(window.get("token")), True
    try:
        for response in pages:
            first = False
            page, new_state = _page(ctx, key, state, response, name, seen)
            yield page
            state.clear()
            state.update(new_state)
            result.units_seen += 1
            maybe_crash(PAGE_COMMITTED)
    except ClientError as error:
        rejected = error.response.get("Error", {}).get("Code") == "InvalidParameterException"
        if not (resuming and first and rejected):
            raise
        window["token"] = None  # the stored token expired: read the window again (ids dedupe)
        yield from _scan(ctx, key, state, result)


def _page(
    ctx: AwsRun,
    key: str,
    state: dict[str, Any],
    response: dict[str, Any],
    name: str,
    seen: set[str],
) -> tuple[Page, dict[str, Any]]:
    """One FilterLogEvents response as a page, and the module's state once it is durable."""
    window = state["window"]
    window["pages"] += 1
    source = f"aws:logs/filter_log_events/{name}/page-{window['pages']:04d}"
    rows = []
    for index, event in enumerate(response.get("events", []), start=1):
        event_id = event.get("eventId")
        if event_id is not None:
            if event_id in seen:
                continue
            seen.add(event_id)
        rows.append(
            {
                "eventId": event_id,
                "logStreamName": event.get("logStreamName"),
                "timestamp": event.get("timestamp"),
                "ingestionTime": event.get("ingestionTime"),
                "message": event.get("message"),
                "event_extra": None,
                "export_line_prefix": None,
                "source_format": "filter_log_events",
                **ctx.run.lineage(source, index),
            }
        )
    token = response.get("nextToken")
    if token:
        window["token"] = token
        new_state = {**state, "window": window}
    else:
        previous = state.get("watermark_ms")
        new_state = {
            "watermark_ms": max(previous, window["end"]) if previous is not None else window["end"],
            "window": None,
        }
    unit = f"aws:logs/filter_log_events/{ctx.region}{ctx.options.log_group}"
    page = Page(
        RESOURCE,
        rows,
        {unit: ctx.unique(source.removeprefix("aws:"))},
        cursor={key: new_state},
    )
    return page, new_state


def create_export(ctx: AwsRun, bucket: str, prefix: str) -> None:
    """Run CreateExportTask for [since, until) into the export location, once per range.

    AWS runs one export per account at a time and may queue it; this waits (polling
    DescribeExportTasks, which has no botocore waiter) up to ``export_timeout``.
    """
    opts = ctx.options
    assert opts.since is not None
    start, end = _ms(opts.since), _ms(opts.until or ctx.now)
    key = RESOURCES[RESOURCE].cursor_key("aws:create_export_task", ctx.region, opts.log_group)
    state = ctx.cursor(RESOURCE, key)
    logs = ctx.clients.client("logs")
    task = state.get("task")
    if not task or (task["from"], task["to"], task["destination"]) != (
        start,
        end,
        f"{bucket}/{prefix}",
    ):
        response = logs.create_export_task(
            taskName=f"gtwh-{ctx.run.run_id}",
            logGroupName=opts.log_group,
            fromTime=start,
            to=end,
            destination=bucket,
            destinationPrefix=prefix,
        )
        task = {
            "id": response["taskId"],
            "from": start,
            "to": end,
            "destination": f"{bucket}/{prefix}",
        }
        ctx.save_state(RESOURCE, key, {"task": task})
    deadline = time.monotonic() + opts.export_timeout.total_seconds()
    while True:
        described = logs.describe_export_tasks(taskId=task["id"]).get("exportTasks", [])
        status = described[0]["status"]["code"] if described else "UNKNOWN"
        if status == "COMPLETED":
            return
        if status in {"CANCELLED", "FAILED", "UNKNOWN"} or time.monotonic() > deadline:
            ctx.problems.add(
                AwsProblem(
                    RESOURCE,
                    "CreateExportTask",
                    f"export task {task['id']} of {opts.log_group}",
                    "logs:CreateExportTask",
                    "error",
                    status,
                    "the export did not complete; files already in S3 are still read",
                )
            )
            return
        time.sleep(5)
