"""Helpers shared by the tests/test_aws_*.py files (moto accounts, fault injection); no tests.

Everything is offline: moto in-process (``mock_aws``) or a ``ThreadedMotoServer`` on
127.0.0.1, and ``botocore.stub.Stubber`` for SageMaker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import duckdb
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from extract.sources.aws import AwsOptions, Clients
from extract.sources.aws.options import WORKER_ACTIVITY_LOG_GROUP

REGION = "us-east-1"
ACCOUNT = "123456789012"
GROUP = WORKER_ACTIVITY_LOG_GROUP
STREAM = f"aws/sagemaker/groundtruth/worker-activity/{ACCOUNT}-{REGION}/"
# Distinctive fake credentials: tests assert they never reach the lake or the logs.
FAKE_KEY_ID = "AKIAGTWHTESTKEY00042"
FAKE_SECRET = "gtwh-test-secret-never-logged-7f3a9c"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
    "AWS_SESSION_TOKEN": "gtwh-test-session-token-9d2e",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
AWS_UNSET = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


@contextmanager
def moto_account(monkeypatch) -> Iterator[boto3.Session]:
    """A fresh moto account in this process, reachable through the standard credential chain."""
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    for name in AWS_UNSET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/gtwh-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/gtwh-aws-credentials")
    for name in list(__import__("os").environ):
        if name.startswith("GTWH_AWS_") or name in ("GTWH_IDENTITY", "GTWH_IDENTITY_KEY"):
            monkeypatch.delenv(name)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def clients(session: boto3.Session, *, max_attempts: int = 5) -> Clients:
    return Clients(region=REGION, session=session, max_attempts=max_attempts)


def options(**kwargs: Any) -> AwsOptions:
    return AwsOptions(region=REGION, **kwargs)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def recent(hours_ago: float) -> datetime:
    """A time moto's CloudWatch Logs accepts (less than 14 days old), to the millisecond."""
    moment = datetime.now(UTC) - timedelta(hours=hours_ago)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def message(i: int, *, sub: str = "d6947aeb-0650-447a-ab5d-894db61017fd") -> str:
    """A worker-activity record (14 string fields, compact JSON) numbered ``i``."""
    return json.dumps(
        {
            "worker_id": f"{i % 4096:016x}",
            "cognito_user_pool_id": f"{REGION}_TestPool1",
            "cognito_sub_id": sub,
            "task_accepted_time": "",
            "task_submitted_time": "",
            "task_returned_time": "",
            "task_declined_time": "",
            "workteam_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/team-a",
            "labeling_job_arn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/job-a",
            "work_requester_account_id": ACCOUNT,
            "job_reference_code": f"{ACCOUNT}AbCd",
            "job_type": "Private",
            "event_type": "TasksSubmitted",
            "event_timestamp": str(i),
        },
        separators=(",", ":"),
    )


def put_events(session: boto3.Session, stream: str, events: list[tuple[int, str]]) -> None:
    """PutLogEvents (creating group and stream as needed), in chronological batches."""
    logs = session.client("logs", region_name=REGION)
    if not logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"]:
        logs.create_log_group(logGroupName=GROUP)
    existing = {
        s["logStreamName"]
        for s in logs.describe_log_streams(logGroupName=GROUP, logStreamNamePrefix=stream)[
            "logStreams"
        ]
    }
    if stream not in existing:
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    ordered = sorted(events)
    for start in range(0, len(ordered), 10_000):
        batch = ordered[start : start + 10_000]
        response = logs.put_log_events(
            logGroupName=GROUP,
            logStreamName=stream,
            logEvents=[{"timestamp": t, "message": m} for t, m in batch],
        )
        assert not response.get("rejectedLogEventsInfo"), response


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        yield self.body


def inject_errors(
    client: Any,
    operation: str,
    code: str,
    *,
    times: int,
    status: int = 400,
    text: str = "injected by the test",
) -> list[int]:
    """The next ``times`` HTTP sends of ``operation`` answer with a JSON-protocol error.

    Registered before moto's own handler, so botocore parses and retries the error as it
    would AWS's. Returns a one-element list counting the sends that reached the hook.
    """
    seen = [0]

    def hook(request: Any, **_kwargs: Any) -> AWSResponse | None:
        seen[0] += 1
        if seen[0] > times:
            return None
        body = json.dumps({"__type": code, "message": text}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "test"}
        return AWSResponse(request.url, status, headers, _Raw(body))

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"before-send.{service}.{operation}", hook)
    return seen


def count_calls(client: Any, operation: str) -> list[dict[str, Any]]:
    """Record the parameters of every ``operation`` call made through ``client``."""
    calls: list[dict[str, Any]] = []

    def hook(params: dict[str, Any], **_kwargs: Any) -> None:
        calls.append(dict(params))

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"provide-client-params.{service}.{operation}", hook)
    return calls


def lake_rows(lake_dir: Path, resource: str, columns: str, where: str = "true") -> list[tuple]:
    files = sorted(str(p) for p in (lake_dir / resource).glob("*.parquet"))
    if not files:
        return []
    return duckdb.sql(
        f"select {columns} from read_parquet({files!r}, union_by_name=true) where {where} "
        "order by all"
    ).fetchall()
