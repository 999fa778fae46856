"""Load an AWS mirror folder (e.g. the simulator's) into moto and a SageMaker ``Stubber``.

For tests and demos of the AWS path: the same simulated operation can then be extracted twice,
once from the mirror and once through boto3, and the two lakes compared.

- CloudWatch Logs: every distinct event of the FilterLogEvents pages goes back into its log
  stream with ``PutLogEvents`` (chronological batches, at most 10,000 events, 1 MB and 24 h
  each); export files (``exports/**.gz``) are copied to ``s3://<export bucket>/<prefix>/``;
- Cognito: the user pool, its users (``AdminCreateUser``) and groups
  (``CreateGroup``/``AdminAddUserToGroup``);
- S3: every object under ``s3/<bucket>/``;
- CloudWatch metrics: every data point of the GetMetricData files with ``PutMetricData``;
- SageMaker (not emulated by moto): :class:`SageMakerResponses` queues the DescribeWorkteam /
  DescribeLabelingJob files, and list responses built from them, on a ``Stubber``, which
  validates them against the service model.

moto generates what AWS generates (eventIds, ingestion times, user pool ids, ``sub``s, user
dates) and refuses log events older than 14 days by its wall clock. To make a faithful
replica, :func:`populate_moto` sets those values to the mirror's through moto's in-process
backend (moto 5.x; it raises if that changes): the PutLogEvents calls run with moto's clock at
the batch's time, then stored events get the mirror's ``eventId``/``ingestionTime``; the pool
is re-keyed to the mirror's id; users get the mirror's ``sub``, attributes, dates and status.
This needs moto in the same process (``mock_aws`` or ``ThreadedMotoServer``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import botocore.session
from botocore.stub import Stubber

from extract.sources.aws.options import WORKER_ACTIVITY_LOG_GROUP

EXPORT_BUCKET = "gtwh-log-exports"
EXPORT_PREFIX = "exportedlogs"
LOG_DIR = Path("logs") / WORKER_ACTIVITY_LOG_GROUP.lstrip("/")
_MAX_BATCH_EVENTS = 10_000
_MAX_BATCH_BYTES = 1_048_576
_DAY_MS = 86_400_000


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _naive_utc(value: str) -> datetime:
    return _parse(value).astimezone(UTC).replace(tzinfo=None)


@dataclass
class Populated:
    """What :func:`populate_moto` loaded."""

    log_events: int = 0
    export_objects: int = 0
    export_s3: str = ""
    user_pools: list[str] = field(default_factory=list)
    users: int = 0
    groups: int = 0
    s3_objects: int = 0
    metric_points: int = 0


# ---------------------------------------------------------------------------------- moto


def _backend(module: str, name: str, account: str, region: str) -> Any:
    try:
        backends = getattr(__import__(f"moto.{module}.models", fromlist=[name]), name)
        return backends[account][region]
    except (ImportError, AttributeError, KeyError) as error:  # pragma: no cover
        raise RuntimeError(
            f"populate_moto needs moto 5's in-process {module} backend: {error}"
        ) from error


@contextmanager
def _moto_logs_clock(at_ms: int) -> Iterator[None]:
    """moto's wall clock (for PutLogEvents' 14-day check and ingestion time) at ``at_ms``."""
    moment = datetime.fromtimestamp(at_ms / 1000, UTC).replace(tzinfo=None)
    with mock.patch("moto.logs.models.utcnow", return_value=moment):
        yield


def _log_batches(events: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for event in events:
        event_size = len(event["message"].encode()) + 26
        if batch and (
            len(batch) >= _MAX_BATCH_EVENTS
            or size + event_size > _MAX_BATCH_BYTES
            or event["timestamp"] - batch[0]["timestamp"] >= _DAY_MS
        ):
            yield batch
            batch, size = [], 0
        batch.append(event)
        size += event_size
    if batch:
        yield batch


def load_log_events(mirror: Path) -> list[dict[str, Any]]:
    """Every distinct (by eventId) complete event of the mirror's FilterLogEvents pages."""
    events: dict[str, dict[str, Any]] = {}
    for path in sorted((mirror / LOG_DIR).rglob("*.json")):
        try:
            page = json.loads(path.read_text())
        except ValueError:
            continue  # an unreadable page cannot be replayed; the mirror reader rejects it
        for event in page.get("events") or [] if isinstance(page, dict) else []:
            if isinstance(event, dict) and all(
                isinstance(event.get(k), t)
                for k, t in [
                    ("eventId", str),
                    ("logStreamName", str),
                    ("timestamp", int),
                    ("message", str),
                ]
            ):
                events.setdefault(event["eventId"], event)
    return list(events.values())


def _populate_logs(
    session: boto3.Session, mirror: Path, account: str, region: str, result: Populated
) -> None:
    events = load_log_events(mirror)
    logs = session.client("logs", region_name=region)
    backend = _backend("logs", "logs_backends", account, region)
    group = WORKER_ACTIVITY_LOG_GROUP
    if group not in backend.groups:
        logs.create_log_group(logGroupName=group)
    by_stream: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_stream.setdefault(event["logStreamName"], []).append(event)
    for stream, stream_events in sorted(by_stream.items()):
        if stream not in backend.groups[group].streams:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        stored = backend.groups[group].streams[stream]
        stream_events.sort(key=lambda e: (e["timestamp"], e["eventId"]))
        for batch in _log_batches(stream_events):
            with _moto_logs_clock(batch[-1]["timestamp"]):
                response = logs.put_log_events(
                    logGroupName=group,
                    logStreamName=stream,
                    logEvents=[
                        {"timestamp": e["timestamp"], "message": e["message"]} for e in batch
                    ],
                )
            if response.get("rejectedLogEventsInfo"):
                raise RuntimeError(
                    f"moto rejected events of {stream}: {response['rejectedLogEventsInfo']}"
                )
            for kept, event in zip(stored.events[-len(batch) :], batch, strict=True):
                kept.event_id = event["eventId"]
                kept.ingestion_time = event.get("ingestionTime", kept.ingestion_time)
            result.log_events += len(batch)


def _populate_exports(
    session: boto3.Session, mirror: Path, region: str, bucket: str, prefix: str, result: Populated
) -> None:
    root = mirror / LOG_DIR / "exports"
    files = sorted(p for p in root.rglob("*.gz") if p.is_file()) if root.is_dir() else []
    s3 = session.client("s3", region_name=region)
    _ensure_bucket(s3, bucket, region)
    for path in files:
        key = f"{prefix.strip('/')}/{path.relative_to(root).as_posix()}"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        result.export_objects += 1
    result.export_s3 = f"s3://{bucket}/{prefix.strip('/')}"


def _ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def _users_of(folder: Path) -> list[dict[str, Any]]:
    users = []
    for path in sorted(folder.glob("*.json")):
        page = json.loads(path.read_text())
        users.extend(u for u in page.get("Users", []) if isinstance(u, dict) and "Username" in u)
    return users


def _populate_cognito(
    session: boto3.Session, mirror: Path, account: str, region: str, result: Populated
) -> None:
    root = mirror / "cognito-idp"
    if not root.is_dir():
        return
    cognito = session.client("cognito-idp", region_name=region)
    backend = _backend("cognitoidp", "cognitoidp_backends", account, region)
    for pool_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        pool_id = pool_dir.name
        created = cognito.create_user_pool(PoolName=pool_id)["UserPool"]["Id"]
        pool = backend.user_pools.pop(created)  # re-key to the mirror's id
        pool.id = pool_id
        pool.arn = pool.arn.rsplit("/", 1)[0] + "/" + pool_id
        backend.user_pools[pool_id] = pool
        result.user_pools.append(pool_id)
        users = {u["Username"]: u for u in _users_of(pool_dir / "list-users")}
        groups = (
            {g.name: _users_of(g) for g in sorted((pool_dir / "groups").glob("*")) if g.is_dir()}
            if (pool_dir / "groups").is_dir()
            else {}
        )
        for members in groups.values():
            for user in members:
                users.setdefault(user["Username"], user)
        for username, user in users.items():
            cognito.admin_create_user(
                UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS"
            )
            stored = pool.users[username]
            sub = next(
                (a["Value"] for a in user.get("Attributes", []) if a.get("Name") == "sub"), None
            )
            if sub:
                stored.id = sub
            stored.attributes = [dict(a) for a in user.get("Attributes", [])]
            stored.attribute_lookup = {a["Name"]: a.get("Value") for a in stored.attributes}
            stored.status = user.get("UserStatus", stored.status)
            stored.enabled = user.get("Enabled", True)
            if user.get("UserCreateDate"):
                stored.create_date = _naive_utc(user["UserCreateDate"])
            if user.get("UserLastModifiedDate"):
                stored.last_modified_date = _naive_utc(user["UserLastModifiedDate"])
            result.users += 1
        for group, members in groups.items():
            cognito.create_group(GroupName=group, UserPoolId=pool_id)
            result.groups += 1
            for user in members:
                cognito.admin_add_user_to_group(
                    UserPoolId=pool_id, Username=user["Username"], GroupName=group
                )


def _populate_s3(session: boto3.Session, mirror: Path, region: str, result: Populated) -> None:
    root = mirror / "s3"
    if not root.is_dir():
        return
    s3 = session.client("s3", region_name=region)
    for bucket_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        _ensure_bucket(s3, bucket_dir.name, region)
        for path in sorted(p for p in bucket_dir.rglob("*") if p.is_file()):
            s3.put_object(
                Bucket=bucket_dir.name,
                Key=path.relative_to(bucket_dir).as_posix(),
                Body=path.read_bytes(),
            )
            result.s3_objects += 1


def _populate_metrics(
    session: boto3.Session,
    mirror: Path,
    region: str,
    wanted: Callable[[dict[str, Any]], bool],
    result: Populated,
) -> None:
    root = mirror / "cloudwatch" / "get-metric-data"
    if not root.is_dir():
        return
    cloudwatch = session.client("cloudwatch", region_name=region)
    data: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(root.glob("*.json")):
        doc = json.loads(path.read_text())
        queries = {q["Id"]: q for q in doc.get("MetricDataQueries", []) if "MetricStat" in q}
        for item in doc.get("MetricDataResults", []):
            query = queries.get(item.get("Id"))
            if query is None or not wanted(query):
                continue
            stat = query["MetricStat"]
            metric = stat["Metric"]
            for ts, value in zip(item.get("Timestamps", []), item.get("Values", []), strict=True):
                datum: dict[str, Any] = {
                    "MetricName": metric["MetricName"],
                    "Dimensions": metric.get("Dimensions", []),
                    "Timestamp": _parse(ts),
                    "Value": value,
                }
                if stat.get("Unit"):
                    datum["Unit"] = stat["Unit"]
                data.setdefault(metric["Namespace"], []).append(datum)
    for namespace, points in sorted(data.items()):
        for start in range(0, len(points), 1000):
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=points[start : start + 1000])
        result.metric_points += len(points)


def populate_moto(
    mirror: Path,
    *,
    session: boto3.Session | None = None,
    region: str = "us-east-1",
    metrics: Callable[[dict[str, Any]], bool] | None = None,
    export_bucket: str = EXPORT_BUCKET,
    export_prefix: str = EXPORT_PREFIX,
) -> Populated:
    """Load ``mirror`` into the moto account of ``session`` (see the module docstring).

    ``metrics`` picks the GetMetricData queries whose points are loaded (moto's GetMetricData
    costs queries x periods x points, so tests load a slice).
    """
    session = session or boto3.Session(region_name=region)
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    result = Populated()
    _populate_logs(session, mirror, account, region, result)
    _populate_exports(session, mirror, region, export_bucket, export_prefix, result)
    _populate_cognito(session, mirror, account, region, result)
    _populate_s3(session, mirror, region, result)
    _populate_metrics(session, mirror, region, metrics or (lambda _q: True), result)
    return result


# ----------------------------------------------------------------------------- SageMaker


def _typed(value: Any, shape: Any) -> Any:
    """A JSON value as boto3 would hand it over: timestamps as aware datetimes."""
    if value is None or shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _typed(v, shape.members.get(k)) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [_typed(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _typed(v, shape.value) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, str):
        return _parse(value)
    return value


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


@dataclass
class SageMakerResponses:
    """DescribeWorkteam / DescribeLabelingJob responses of a mirror, typed like boto3's."""

    workteams: dict[str, dict[str, Any]]
    jobs: dict[str, dict[str, Any]]

    @classmethod
    def from_mirror(cls, mirror: Path) -> SageMakerResponses:
        model = botocore.session.get_session().get_service_model("sagemaker")
        team_shape = model.operation_model("DescribeWorkteam").output_shape
        job_shape = model.operation_model("DescribeLabelingJob").output_shape
        teams, jobs = {}, {}
        for path in sorted((mirror / "sagemaker" / "describe-workteam").glob("*.json")):
            doc = _typed(json.loads(path.read_text()), team_shape)
            teams[doc["Workteam"]["WorkteamName"]] = doc
        for path in sorted((mirror / "sagemaker" / "describe-labeling-job").glob("*.json")):
            doc = _typed(json.loads(path.read_text()), job_shape)
            jobs[doc["LabelingJobName"]] = doc
        return cls(teams, jobs)

    def job_summary(self, name: str) -> dict[str, Any]:
        job = self.jobs[name]
        summary = {
            "LabelingJobName": name,
            "LabelingJobArn": job["LabelingJobArn"],
            "CreationTime": job["CreationTime"],
            "LastModifiedTime": job["LastModifiedTime"],
            "LabelingJobStatus": job["LabelingJobStatus"],
            "LabelCounters": job["LabelCounters"],
            "WorkteamArn": job["HumanTaskConfig"]["WorkteamArn"],
            "InputConfig": job["InputConfig"],
        }
        for key in ("FailureReason", "LabelingJobOutput"):
            if key in job:
                summary[key] = job[key]
        return summary

    def queue(
        self,
        stubber: Stubber,
        *,
        describe: Iterable[str] | None = None,
        page_size: int = 100,
        list_params: dict[str, Any] | None = None,
        denied: Iterable[str] = (),
    ) -> None:
        """Queue one extraction's SageMaker calls, in the order the extractor makes them
        (see :mod:`extract.sources.aws.sagemaker`); ``describe`` = jobs expected to be
        described (default: all), ``page_size`` = items per list page (to exercise paging),
        ``denied`` = jobs whose DescribeLabelingJob answers AccessDeniedException."""
        names = sorted(self.workteams)
        self._pages(
            stubber,
            "list_workteams",
            "Workteams",
            [self.workteams[n]["Workteam"] for n in names],
            page_size,
            {},
        )
        for name in names:
            stubber.add_response("describe_workteam", self.workteams[name], {"WorkteamName": name})
        self._pages(
            stubber,
            "list_labeling_jobs",
            "LabelingJobSummaryList",
            [self.job_summary(n) for n in sorted(self.jobs)],
            page_size,
            list_params or {},
        )
        for arn in sorted(t["Workteam"]["WorkteamArn"] for t in self.workteams.values()):
            team_jobs = [
                {
                    "LabelingJobName": n,
                    "JobReferenceCode": j["JobReferenceCode"],
                    "WorkRequesterAccountId": arn.split(":")[4],
                    "CreationTime": j["CreationTime"],
                }
                for n, j in sorted(self.jobs.items())
                if j["HumanTaskConfig"]["WorkteamArn"] == arn
            ]
            self._pages(
                stubber,
                "list_labeling_jobs_for_workteam",
                "LabelingJobSummaryList",
                team_jobs,
                page_size,
                {"WorkteamArn": arn},
            )
        refused = set(denied)
        for name in sorted(self.jobs if describe is None else describe):
            if name in refused:
                stubber.add_client_error(
                    "describe_labeling_job",
                    "AccessDeniedException",
                    f"User: arn:aws:iam::123456789012:user/reader is not authorized to perform: "
                    f"sagemaker:DescribeLabelingJob on resource: labeling-job/{name}",
                    400,
                    expected_params={"LabelingJobName": name},
                )
                continue
            stubber.add_response(
                "describe_labeling_job", self.jobs[name], {"LabelingJobName": name}
            )

    @staticmethod
    def _pages(
        stubber: Stubber,
        operation: str,
        key: str,
        items: list[Any],
        size: int,
        params: dict[str, Any],
    ) -> None:
        chunks = _chunks(items, size)
        for number, chunk in enumerate(chunks):
            response: dict[str, Any] = {key: chunk}
            expected = dict(params)
            if number:
                expected["NextToken"] = f"{operation}-page-{number + 1}"
            if number < len(chunks) - 1:
                response["NextToken"] = f"{operation}-page-{number + 2}"
            stubber.add_response(operation, response, expected)
