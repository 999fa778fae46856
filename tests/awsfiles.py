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


def event(
    message: str | dict,
    *,
    at: datetime,
    ingested: datetime | None = None,
    stream: str | None = None,
) -> dict[str, object]:
    """A FilterLogEvents event around a message (dicts are serialised compactly)."""
    text = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
    ms = int(at.timestamp() * 1000)
    return {
        "logStreamName": stream
        or f"aws/sagemaker/groundtruth/worker-activity/{ACCOUNT}-{REGION}/2026-10-01",
        "timestamp": ms,
        "message": text,
        "ingestionTime": int((ingested or at + timedelta(seconds=2)).timestamp() * 1000),
        "eventId": str(next(_ids)),
    }


def write_page(
    mirror: Path, name: str, events: list[dict], *, next_token: str | None = None
) -> Path:
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


# Cognito, SageMaker, S3 and CloudWatch metric files of a mirror (README: the AWS mirror).


def user(
    sub: str | None,
    *,
    username: str | None = None,
    status: str = "CONFIRMED",
    created: datetime | None = None,
    drop: tuple[str, ...] = (),
    override: dict[str, object] | None = None,
) -> dict[str, object]:
    """A ListUsers entry; ``sub=None`` leaves the sub attribute out."""
    attributes = [
        {"Name": "email_verified", "Value": "true"},
        {"Name": "email", "Value": username or f"{sub}@example.com"},
    ]
    if sub is not None:
        attributes.insert(0, {"Name": "sub", "Value": sub})
    at = created or datetime(2026, 9, 1, 10, tzinfo=UTC)
    entry: dict[str, object] = {
        "Username": username or f"{sub}@example.com",
        "Attributes": attributes,
        "UserCreateDate": at.isoformat(),
        "UserLastModifiedDate": (at + timedelta(minutes=5)).isoformat(),
        "Enabled": True,
        "UserStatus": status,
    }
    for key in drop:
        entry.pop(key, None)
    entry.update(override or {})
    return entry


def write_users(
    mirror: Path, users: list[dict], *, pool: str = POOL, page: str = "page-0001.json"
) -> Path:
    path = mirror / "cognito-idp" / pool / "list-users" / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Users": users}))
    return path


def write_group(
    mirror: Path,
    group: str,
    users: list[dict] | None,
    *,
    pool: str = POOL,
    page: str = "page-0001.json",
) -> Path:
    """A ListUsersInGroup page; ``users=None`` deletes the page (a group answered in fewer pages)."""
    path = mirror / "cognito-idp" / pool / "groups" / group / page
    if users is None:
        path.unlink(missing_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Users": users}))
    return path


def labeling_job(
    name: str,
    *,
    status: str = "Completed",
    counters: tuple[object, object, object, object, object] = (100, 60, 40, 0, 0),
    created: datetime | None = None,
    modified: datetime | None = None,
    time_limit: int = 300,
    team: str = "team-a",
    drop: tuple[str, ...] = (),
    override: dict[str, object] | None = None,
) -> dict[str, object]:
    """A DescribeLabelingJob response (aws-shapes.md §3.1); counters are Total, Human, Machine,
    FailedNonRetryableError, Unlabeled."""
    total, human, machine, failed, unlabeled = counters
    start = created or datetime(2026, 9, 30, 8, tzinfo=UTC)
    doc: dict[str, object] = {
        "LabelingJobStatus": status,
        "LabelCounters": {
            "TotalLabeled": total,
            "HumanLabeled": human,
            "MachineLabeled": machine,
            "FailedNonRetryableError": failed,
            "Unlabeled": unlabeled,
        },
        "CreationTime": start.isoformat(),
        "LastModifiedTime": (modified or start + timedelta(days=3)).isoformat(),
        "JobReferenceCode": f"{ACCOUNT}AbCdEfGhIjKlMnOp",
        "LabelingJobName": name,
        "LabelingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{name}",
        "LabelAttributeName": "bounding-box",
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://bkt/{name}/input.manifest"}}
        },
        "OutputConfig": {"S3OutputPath": "s3://bkt/out/", "KmsKeyId": ""},
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole",
        "HumanTaskConfig": {
            "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
            "UiConfig": {"UiTemplateS3Uri": "s3://bkt/template.liquid"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:PRE-BoundingBox",
            "TaskTitle": "Draw a box around each bird",
            "TaskDescription": "Draw a box around each bird",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": time_limit,
            "MaxConcurrentTaskCount": 200,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:ACS-BoundingBox"
            },
        },
    }
    for key in drop:
        doc.pop(key, None)
    doc.update(override or {})
    return doc


def write_labeling_job(mirror: Path, name: str, doc: dict | str) -> Path:
    path = mirror / "sagemaker" / "describe-labeling-job" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def write_workteam(mirror: Path, team: str = "team-a") -> Path:
    path = mirror / "sagemaker" / "describe-workteam" / f"{team}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "Workteam": {
                    "WorkteamName": team,
                    "MemberDefinitions": [
                        {
                            "CognitoMemberDefinition": {
                                "UserPool": POOL,
                                "UserGroup": f"{team}-group",
                                "ClientId": "7cujg3m8o3sh6cqg39lcbc1ool",
                            }
                        }
                    ],
                    "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}",
                    "Description": "Bird annotators",
                    "CreateDate": "2026-09-01T10:00:00+00:00",
                }
            }
        )
    )
    return path


def manifest_line(
    n: int,
    *,
    job: str = "job-a",
    human: str | None = "yes",
    created: str = "2026-10-01T10:00:00.123456",
    failure: str | None = None,
) -> dict[str, object]:
    """An object-detection output-manifest line (aws-shapes.md, fact 8); ``human=None`` leaves
    human-annotated out (as on an object that failed labeling)."""
    meta: dict[str, object] = {
        "objects": [{"confidence": 0.9}],
        "class-map": {"0": "bird"},
        "type": "groundtruth/object-detection",
        "creation-date": created,
        "job-name": f"labeling-job/{job}",
    }
    if human is not None:
        meta["human-annotated"] = human
    if failure is not None:
        meta["failure-reason"] = failure
    return {
        "source-ref": f"s3://bkt/images/IMG_{n:06d}.jpg",
        "bounding-box": {
            "image_size": [{"width": 800, "height": 600, "depth": 3}],
            "annotations": [{"class_id": 0, "left": 1, "top": 2, "width": 3, "height": 4}],
        },
        "bounding-box-metadata": meta,
    }


def write_s3(mirror: Path, key: str, lines: list[dict | str] | str, *, bucket: str = "bkt") -> Path:
    """An S3 object of the mirror: a list is written one JSON (or raw string) per line."""
    path = mirror / "s3" / bucket / key
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(lines, str):
        path.write_text(lines)
    else:
        path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


def write_metric_data(
    mirror: Path, name: str, series: dict[str, list[tuple[datetime, float]]]
) -> Path:
    """A GetMetricData response with its queries: one TasksSubmitted series per job name (an
    empty list gives a series with no data points)."""
    queries, results = [], []
    for i, (job, points) in enumerate(series.items()):
        qid = f"q{i}"
        queries.append(
            {
                "Id": qid,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/SageMaker/Workteam",
                        "MetricName": "TasksSubmitted",
                        "Dimensions": [{"Name": "LabelingJob", "Value": job}],
                    },
                    "Period": 3600,
                    "Stat": "Sum",
                },
            }
        )
        results.append(
            {
                "Id": qid,
                "Label": f"{job} TasksSubmitted",
                "StatusCode": "Complete",
                "Timestamps": [p[0].isoformat() for p in points],
                "Values": [p[1] for p in points],
            }
        )
    path = mirror / "cloudwatch" / "get-metric-data" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"MetricDataQueries": queries, "MetricDataResults": results}))
    return path
