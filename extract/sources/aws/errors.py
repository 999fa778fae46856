"""Failures of AWS calls, said plainly: which call, on what, which IAM permission, what next.

Throttling and transient errors never get here while botocore's retries (adaptive mode) can
still absorb them. What is left is sorted into:

- ``access_denied`` / ``not_found``: that part of the account is skipped and reported, the rest
  of the extraction goes on (its state is untouched, so a later run picks the part up);
- ``throttled`` / ``error``: retries ran out or the network failed; reported the same way;
- missing or rejected credentials, or no region: :class:`AwsSetupError`, which stops the run,
  because every further call would fail the same way.

Messages never contain credentials: nothing here reads them, and anything shaped like an
access key id in an AWS error message is masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

log = logging.getLogger("gtwh.aws")

# The IAM action behind every call the extraction makes (docs/aws.md lists the same set).
PERMISSIONS: dict[str, str] = {
    "ListWorkteams": "sagemaker:ListWorkteams",
    "DescribeWorkteam": "sagemaker:DescribeWorkteam",
    "ListLabelingJobs": "sagemaker:ListLabelingJobs",
    "ListLabelingJobsForWorkteam": "sagemaker:ListLabelingJobsForWorkteam",
    "DescribeLabelingJob": "sagemaker:DescribeLabelingJob",
    "ListUsers": "cognito-idp:ListUsers",
    "ListUsersInGroup": "cognito-idp:ListUsersInGroup",
    "FilterLogEvents": "logs:FilterLogEvents",
    "ListMetrics": "cloudwatch:ListMetrics",
    "GetMetricData": "cloudwatch:GetMetricData",
    "ListObjectsV2": "s3:ListBucket",
    "GetObject": "s3:GetObject",
    # Only with --create-export (not read-only):
    "CreateExportTask": "logs:CreateExportTask",
    "DescribeExportTasks": "logs:DescribeExportTasks",
}
OPTIONAL_PERMISSIONS = ("CreateExportTask", "DescribeExportTasks")

ACCESS_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "NotAuthorizedException",
        "AllAccessDisabled",
        "AuthorizationError",
        "Forbidden",
        "403",
    }
)
MISSING_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "ResourceNotFound",
        "NoSuchBucket",
        "NoSuchKey",
        "UserPoolNotFoundException",
        "NotFound",
        "404",
    }
)
THROTTLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "LimitExceededException",
        "ProvisionedThroughputExceededException",
    }
)
CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "MissingAuthenticationToken",
    }
)
_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b")

Kind = Literal["access_denied", "not_found", "throttled", "error"]


class AwsSetupError(RuntimeError):
    """The run cannot talk to AWS at all (no or rejected credentials, no region)."""


def _mask(text: str) -> str:
    return _ACCESS_KEY.sub("<access-key-id>", text)


@dataclass(frozen=True)
class AwsProblem:
    """One part of the account that could not be read."""

    resource: str  # the lake resource (or step) that misses data
    operation: str  # the API call, e.g. "ListUsers"
    target: str  # what it was called on, e.g. "user pool us-east-1_AbC"
    permission: str  # the IAM action the call needs
    kind: Kind
    code: str  # AWS error code
    detail: str  # AWS's message, masked

    def describe(self) -> str:
        where = f"{self.operation} on {self.target}"
        if self.kind == "access_denied":
            return (
                f"{where} was denied ({self.code}): the credentials need {self.permission}. "
                f"{self.resource} skipped this part; the rest of the extraction went on."
            )
        if self.kind == "not_found":
            return (
                f"{where} failed: it does not exist or is not visible in this account and region "
                f"({self.code}: {self.detail}). {self.resource} skipped it."
            )
        if self.kind == "throttled":
            return (
                f"{where} was still throttled after the configured retries ({self.code}); "
                f"{self.resource} stopped here and the next run resumes. Raise "
                "GTWH_AWS_MAX_ATTEMPTS or run later."
            )
        return f"{where} failed ({self.code}: {self.detail}); {self.resource} stopped here."


def _kind(code: str, status: int | None) -> Kind:
    if code in ACCESS_CODES or status == 403:
        return "access_denied"
    if code in MISSING_CODES or status == 404:
        return "not_found"
    if code in THROTTLE_CODES or status == 429:
        return "throttled"
    return "error"


def problem_from(error: ClientError, *, resource: str, target: str) -> AwsProblem:
    """Classify a ClientError; raises :class:`AwsSetupError` for credential failures."""
    info = error.response.get("Error", {})
    code = str(info.get("Code") or "Unknown")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    operation = error.operation_name or "unknown call"
    message = _mask(str(info.get("Message") or ""))[:300]
    if code in CREDENTIAL_CODES:
        raise AwsSetupError(
            f"AWS rejected the credentials on {operation} ({code}). Check the standard credential "
            "chain: AWS_PROFILE / AWS_ACCESS_KEY_ID, `aws sso login`, or the instance role."
        ) from None
    kind = _kind(code, status)
    if (
        kind == "error"
        and code == "ValidationException"
        and re.search(r"(?i)not (be )?found|does not exist", message)
    ):
        kind = "not_found"
    permission = PERMISSIONS.get(operation, f"the IAM action for {operation}")
    return AwsProblem(resource, operation, target, permission, kind, code, message)


@dataclass
class Problems:
    """Collects problems of a run; :meth:`guard` turns a failed block into one report line."""

    items: list[AwsProblem] = field(default_factory=list)

    def add(self, problem: AwsProblem) -> None:
        self.items.append(problem)
        log.warning("%s", problem.describe())

    @contextmanager
    def guard(self, resource: str, target: str, *, operation: str = "") -> Iterator[None]:
        """Run a block; an AWS failure inside it is recorded and the block is abandoned."""
        try:
            yield
        except ClientError as error:
            self.add(problem_from(error, resource=resource, target=target))
        except (NoCredentialsError, PartialCredentialsError):
            raise AwsSetupError(
                "no usable AWS credentials in the standard boto3 chain (environment variables, "
                "shared config and AWS_PROFILE, SSO, container or instance role)"
            ) from None
        except NoRegionError:
            raise AwsSetupError(
                "no AWS region: pass --region, set GTWH_AWS_REGION or AWS_REGION, "
                "or configure one in the AWS profile"
            ) from None
        except BotoCoreError as error:
            op = operation or "an AWS call"
            self.add(
                AwsProblem(
                    resource,
                    op,
                    target,
                    PERMISSIONS.get(op, "-"),
                    "error",
                    type(error).__name__,
                    _mask(str(error))[:300],
                )
            )
