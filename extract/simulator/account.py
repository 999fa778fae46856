"""The simulated AWS account: identifiers, ARNs and the way the AWS CLI prints timestamps."""

from __future__ import annotations

import datetime as dt

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
USER_POOL_ID = f"{REGION}_Gt5imPool"
WORKFORCE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:workforce/default"
BUCKET = f"gt-labeling-{ACCOUNT_ID}"
ROLE_ARN = (
    f"arn:aws:iam::{ACCOUNT_ID}:role/service-role/AmazonSageMaker-ExecutionRole-20260901T101500"
)
LOG_GROUP = "/aws/sagemaker/groundtruth/WorkerActivity"
LOG_STREAM_PREFIX = f"aws/sagemaker/groundtruth/worker-activity/{ACCOUNT_ID}-{REGION}/"
WORKTEAM_NAMESPACE = "AWS/SageMaker/Workteam"
LABELING_JOBS_NAMESPACE = "AWS/Sagemaker/LabelingJobs"
ALGORITHM_ACCOUNT = "027400017018"
LAMBDA_ACCOUNT = "432418664414"

_UTC = dt.UTC


def workteam_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:workteam/private-crowd/{name}"


def labeling_job_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:labeling-job/{name.lower()}"


def model_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:model/{name}"


def algorithm_arn(kind: str) -> str:
    return (
        f"arn:aws:sagemaker:{REGION}:{ALGORITHM_ACCOUNT}:"
        f"labeling-job-algorithm-specification/{kind}"
    )


def lambda_arn(function: str) -> str:
    return f"arn:aws:lambda:{REGION}:{LAMBDA_ACCOUNT}:function:{function}"


def to_datetime(ms: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=_UTC) + dt.timedelta(milliseconds=int(ms))


def cli_time(ms: int) -> str:
    """A timestamp as AWS CLI v2 prints it: ``2026-10-01T09:00:00.123000+00:00``."""
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def iso_micro(ms: int, extra_us: int = 0) -> str:
    """``creation-date`` in output manifests: ISO-8601, microseconds, no zone (UTC)."""
    t = to_datetime(ms) + dt.timedelta(microseconds=int(extra_us))
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")


def day_label(ms: int) -> str:
    return to_datetime(ms).strftime("%Y-%m-%d")
