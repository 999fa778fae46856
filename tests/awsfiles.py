"""Small, hand-written AWS-shaped inputs for tests (shapes from shared/reference/aws-shapes.md)."""

from __future__ import annotations

import gzip
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

GROUP_DIR = Path("logs/aws/sagemaker/groundtruth/WorkerActivity")
ACCOUNT = "123456789012"
REGION = "us-east-1"
POOL = "us-east-1_TestPool1"
_ids = itertools.count(10**55)


def java_time(t: datetime) -> str:
    return t.strftime("%a %b %d %H:%M:%S UTC %Y")


def iso_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def record(
    *,
    accepted: datetime | None,
    closed: datetime,
    event_type: str = "TasksSubmitted",
    sub: str = "d6947aeb-0650-447a-ab5d-894db61017fd",
    worker_id: str = "cd449a289e129409",
    job: str = "job-a",
    team: str = "team-a",
    layout=java_time,
    drop: tuple[str, ...] = (),
    override: dict[str, object] | None = None,
) -> dict[str, object]:
    """A worker-activity record with 14 string fields; the closing time goes in the field the
    event type names."""
    closing_field = {
        "TasksSubmitted": "task_submitted_time",
        "TasksReturned": "task_returned_time",
        "TasksDeclined": "task_declined_time",
    }.get(event_type, "task_submitted_time")
    rec: dict[str, object] = {
        "worker_id": worker_id,
        "cognito_user_pool_id": POOL,
        "cognito_sub_id": sub,
        "task_accepted_time": layout(accepted) if accepted else "",
        "task_submitted_time": "",
        "task_returned_time": "",
        "task_declined_time": "",
        "workteam_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
        "labeling_job_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{job}",
        "work_requester_account_id": ACCOUNT,
        "job_reference_code": f"{ACCOUNT}AbCdEfGhIjKlMnOp",
        "job_type": "Private",
        "event_type": event_type,
        "event_timestamp": str(int(closed.timestamp())),
    }
    rec[closing_field] = layout(closed)
    for key in drop:
        rec.pop(key, None)
    rec.update(override or {})
    return rec


def event(message: str | dict, *, at: datetime, ingested: datetime | None = None,
          stream: str | None = None) -> dict[str, object]:
    """A FilterLogEvents event around a message (dicts are serialised compactly)."""
    text = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
    ms = int(at.timestamp() * 1000)
    return {
        "logStreamName": stream or f"aws/sagemaker/groundtruth/worker-activity/{ACCOUNT}-{REGION}/2026-10-01",
        "timestamp": ms,
        "message": text,
        "ingestionTime": int((ingested or at + timedelta(seconds=2)).timestamp() * 1000),
        "eventId": str(next(_ids)),
    }


def write_page(mirror: Path, name: str, events: list[dict], *, next_token: str | None = None) -> Path:
    path = mirror / GROUP_DIR / "filter-log-events" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body: dict[str, object] = {"events": events, "searchedLogStreams": []}
    if next_token:
        body["nextToken"] = next_token
    path.write_text(json.dumps(body))
    return path


def write_export(mirror: Path, task_id: str, stream: str, lines: list[str]) -> Path:
    path = mirror / GROUP_DIR / "exports" / task_id / stream / "000000.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def export_line(message: str | dict, at: datetime) -> str:
    text = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z") + " " + text


def t(hour: int, minute: int = 0, second: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, tzinfo=UTC)
