"""What an AWS extraction reads: region, scope, time range, identity handling, tuning.

Every option has an environment variable (``GTWH_AWS_*``, read by :meth:`AwsOptions.from_env`);
``gtwh extract --source aws`` flags override them. Credentials are deliberately not an option:
they come only from the standard boto3 chain (environment, shared config and profile, SSO,
container or instance role) and are never read, logged or stored by this package.

>>> AwsOptions(workteams=("team-a",), since=parse_time("2024-05-01")).since.isoformat()
'2024-05-01T00:00:00+00:00'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from extract.resources import RESOURCES

WORKER_ACTIVITY_LOG_GROUP = "/aws/sagemaker/groundtruth/WorkerActivity"
IDENTITY_MODES = ("keep", "hash", "drop")
IdentityMode = Literal["keep", "hash", "drop"]
# Resources an AWS run can fill (rejected_files is written as a side effect, never selected).
AWS_RESOURCES = tuple(name for name, r in RESOURCES.items() if r.from_aws)

_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_time(value: str | datetime | None, *, now: datetime | None = None) -> datetime | None:
    """An ISO-8601 date or time (UTC when it has no offset), or an age such as ``7d`` or ``12h``.

    >>> parse_time("2024-05-01T10:00:00+02:00").isoformat()
    '2024-05-01T08:00:00+00:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        relative = _RELATIVE.match(text)
        if relative:
            delta = timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
            return (now or datetime.now(UTC)) - delta
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"time {value!r} is neither ISO-8601 (2024-05-01, 2024-05-01T10:00:00Z) "
                "nor an age like 7d, 12h, 30m"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def resource_name(value: str) -> str:
    """A labeling job or work team given as its name, its ARN or the ARN's resource part
    (``labeling-job/<name>``, ``workteam/private-crowd/<name>``): the name after the last
    ``/``. CloudWatch's ``LabelingJob`` dimension arrives in all three forms; public code that
    reads it takes the part after ``/`` (gmherond/Cosmos, CosmosScript.user.js).

    >>> resource_name("arn:aws:sagemaker:us-east-1:123456789012:labeling-job/birds-od-001")
    'birds-od-001'
    >>> resource_name("labeling-job/birds-od-001"), resource_name("birds-od-001")
    ('birds-od-001', 'birds-od-001')
    """
    return value.strip().rsplit("/", 1)[-1]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, kw_only=True)
class AwsOptions:
    """Scope and tuning of one extraction from an AWS account (all keyword-only).

    ``workteams``/``jobs``/``user_pools`` narrow discovery (empty = everything the account
    shows; a job or team may be given by name, ARN or ``labeling-job/<name>``); ``since``/``until`` bound the time range; ``full_refresh`` ignores watermarks and
    change checks (data the lake already holds is still not landed twice).
    """

    region: str | None = None
    workteams: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    user_pools: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()  # subset of AWS_RESOURCES; empty = all
    since: datetime | None = None
    until: datetime | None = None
    full_refresh: bool = False
    identity: IdentityMode = "keep"
    log_group: str = WORKER_ACTIVITY_LOG_GROUP
    log_overlap: timedelta = timedelta(minutes=15)
    log_page_size: int | None = None  # FilterLogEvents `limit` (AWS default and max 10,000)
    export_s3: str | None = None  # s3://bucket/prefix holding CreateExportTask output
    create_export: bool = False  # run CreateExportTask for [since, until) into export_s3 first
    export_timeout: timedelta = timedelta(hours=2)
    metric_period: int = 300
    metric_lookback: timedelta = timedelta(days=14)
    metric_overlap: timedelta = timedelta(hours=1)
    max_attempts: int = 10

    def __post_init__(self) -> None:
        # --job / --workteam take a name, an ARN or labeling-job/<name>: filters compare names
        for option in ("jobs", "workteams"):
            names = tuple(resource_name(v) for v in getattr(self, option))
            if any(not n for n in names):
                raise ValueError(f"{option}={getattr(self, option)!r}: a value has no name")
            object.__setattr__(self, option, names)
        if self.identity not in IDENTITY_MODES:
            raise ValueError(f"identity={self.identity!r}: use one of {', '.join(IDENTITY_MODES)}")
        unknown = sorted(set(self.resources) - set(AWS_RESOURCES))
        if unknown:
            raise ValueError(
                f"resources={unknown!r} unknown: choose from {', '.join(AWS_RESOURCES)}"
            )
        if self.since and self.until and self.since >= self.until:
            raise ValueError(
                f"since={self.since.isoformat()} is not before until={self.until.isoformat()}"
            )
        if self.metric_period <= 0 or self.metric_period % 60:
            raise ValueError(
                f"metric_period={self.metric_period}: must be a positive multiple of 60"
            )
        if self.log_page_size is not None and not 1 <= self.log_page_size <= 10_000:
            raise ValueError(f"log_page_size={self.log_page_size}: must be between 1 and 10000")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts={self.max_attempts}: must be at least 1")
        if self.create_export and not (self.export_s3 and self.since):
            raise ValueError("create_export needs export_s3 (s3://bucket/prefix) and since")
        if self.export_s3 and not self.export_s3.startswith("s3://"):
            raise ValueError(f"export_s3={self.export_s3!r}: expected s3://bucket/prefix")

    def wants(self, resource: str) -> bool:
        return not self.resources or resource in self.resources

    def with_overrides(self, **changes: Any) -> AwsOptions:
        """A copy with the non-None ``changes`` applied (how CLI flags override the environment)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AwsOptions:
        """Options from ``GTWH_AWS_*`` variables (see docs/aws.md for the list)."""
        e = os.environ if env is None else env

        def number(name: str) -> int | None:
            raw = e.get(name)
            if raw in (None, ""):
                return None
            try:
                return int(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r}: expected a whole number") from None

        kwargs: dict[str, Any] = {
            "region": e.get("GTWH_AWS_REGION") or None,
            "workteams": _split(e.get("GTWH_AWS_WORKTEAMS")),
            "jobs": _split(e.get("GTWH_AWS_JOBS")),
            "user_pools": _split(e.get("GTWH_AWS_USER_POOLS")),
            "resources": _split(e.get("GTWH_AWS_RESOURCES")),
            "since": parse_time(e.get("GTWH_AWS_SINCE")),
            "until": parse_time(e.get("GTWH_AWS_UNTIL")),
            "full_refresh": _flag(e.get("GTWH_AWS_FULL_REFRESH")),
            "identity": (e.get("GTWH_IDENTITY") or "keep").strip().lower(),
            "export_s3": e.get("GTWH_AWS_EXPORT_S3") or None,
            "create_export": _flag(e.get("GTWH_AWS_CREATE_EXPORT")),
        }
        if e.get("GTWH_AWS_LOG_GROUP"):
            kwargs["log_group"] = e["GTWH_AWS_LOG_GROUP"]
        for name, key, unit in [
            ("GTWH_AWS_LOG_OVERLAP_MINUTES", "log_overlap", "minutes"),
            ("GTWH_AWS_METRIC_LOOKBACK_DAYS", "metric_lookback", "days"),
            ("GTWH_AWS_METRIC_OVERLAP_MINUTES", "metric_overlap", "minutes"),
        ]:
            value = number(name)
            if value is not None:
                kwargs[key] = timedelta(**{unit: value})
        for name, key in [
            ("GTWH_AWS_LOG_PAGE_SIZE", "log_page_size"),
            ("GTWH_AWS_METRIC_PERIOD", "metric_period"),
            ("GTWH_AWS_MAX_ATTEMPTS", "max_attempts"),
        ]:
            value = number(name)
            if value is not None:
                kwargs[key] = value
        return cls(**kwargs)
