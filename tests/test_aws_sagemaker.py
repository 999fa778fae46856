"""SageMaker (botocore Stubber, validated against the service model) and job output in S3 (moto)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.stub import Stubber

from extract.sources.aws import extract_aws
from tests.aws_populate import SageMakerResponses
from tests.test_aws_support import (
    ACCOUNT,
    REGION,
    clients,
    count_calls,
    lake_rows,
    moto_account,
    options,
)

BUCKET = "gt-output"
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
TEAM_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/team-a"
JOB_RESOURCES = ("workteams", "labeling_jobs")
OUTPUTS = ("output_manifests", "consolidation_responses", "auto_annotations")


def _team() -> dict:
    return {
        "Workteam": {
            "WorkteamName": "team-a",
            "MemberDefinitions": [
                {
                    "CognitoMemberDefinition": {
                        "UserPool": f"{REGION}_AbCdEfGhI",
                        "UserGroup": "team-a-group",
                        "ClientId": "7cujg3m8o3sh6cqg39lcbc1ool",
                    }
                }
            ],
            "WorkteamArn": TEAM_ARN,
            "Description": "Bird annotators",
            "CreateDate": T0 - timedelta(days=30),
            "LastUpdatedDate": T0 - timedelta(days=29),
        }
    }


def _job(name: str, status: str, *, modified_hours: float = 5) -> dict:
    job = {
        "LabelingJobStatus": status,
        "LabelCounters": {
            "TotalLabeled": 10,
            "HumanLabeled": 8,
            "MachineLabeled": 2,
            "FailedNonRetryableError": 0,
            "Unlabeled": 0,
        },
        "CreationTime": T0,
        "LastModifiedTime": T0 + timedelta(hours=modified_hours),
        "JobReferenceCode": f"{ACCOUNT}AbCdEfGh{name[-1]}",
        "LabelingJobName": name,
        "LabelingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{name}",
        "LabelAttributeName": "bounding-box",
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://{BUCKET}/in.manifest"}}
        },
        "OutputConfig": {"S3OutputPath": f"s3://{BUCKET}/out/", "KmsKeyId": ""},
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole",
        "HumanTaskConfig": {
            "WorkteamArn": TEAM_ARN,
            "UiConfig": {"UiTemplateS3Uri": f"s3://{BUCKET}/instructions.template"},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:PRE-BoundingBox",
            "TaskTitle": "Draw a box around each bird",
            "TaskDescription": "Boxes, please",
            "NumberOfHumanWorkersPerDataObject": 3,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:432418664414:function:ACS-BoundingBox"
            },
        },
    }
    if status == "Failed":
        job["FailureReason"] = "ClientError: the input manifest has no valid line"
    return job


def _account(done_modified: float = 5) -> SageMakerResponses:
    return SageMakerResponses(
        workteams={"team-a": _team()},
        jobs={
            "job-done": _job("job-done", "Completed", modified_hours=done_modified),
            "job-running": _job("job-running", "InProgress"),
            "job-failed": _job("job-failed", "Failed"),
        },
    )


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        yield session


def _run(
    session,
    settings,
    account: SageMakerResponses,
    *,
    describe=None,
    resources=JOB_RESOURCES,
    errors=(),
):
    c = clients(session)
    stub = Stubber(c.client("sagemaker"))
    account.queue(stub, describe=describe, page_size=2, denied=errors)
    with stub:
        report = extract_aws(settings, options=options(resources=resources), clients=c)
        stub.assert_no_pending_responses()
    return report


def test_discovery_pages_every_list_and_lands_cli_shaped_descriptions(aws, settings):
    report = _run(aws, settings, _account())
    assert report.problems == []
    assert report.rows_by_resource() == {"workteams": 1, "labeling_jobs": 3}
    jobs = dict(lake_rows(settings.lake_dir, "labeling_jobs", "labeling_job_name, response"))
    done = json.loads(jobs["job-done"])
    assert done["CreationTime"] == "2026-10-01T09:00:00+00:00"
    assert done["LastModifiedTime"] == "2026-10-01T14:00:00+00:00"
    assert json.loads(jobs["job-failed"])["FailureReason"].startswith("ClientError")
    [(name, team)] = lake_rows(settings.lake_dir, "workteams", "workteam_name, response")
    assert (
        name == "team-a"
        and json.loads(team)["Workteam"]["CreateDate"] == "2026-09-01T09:00:00+00:00"
    )


def test_a_second_run_describes_only_new_changed_or_unfinished_jobs(aws, settings):
    _run(aws, settings, _account())
    # Nothing changed: only the unfinished job is described again, and it did not change.
    second = _run(aws, settings, _account(), describe=["job-running"])
    assert second.rows_by_resource() == {"workteams": 0, "labeling_jobs": 0}
    # A new job appears and a finished one is modified (e.g. tags): both are described.
    account = _account(done_modified=7)
    account.jobs["job-new"] = _job("job-new", "InProgress")
    third = _run(aws, settings, account, describe=["job-done", "job-new", "job-running"])
    assert third.rows_by_resource() == {"workteams": 0, "labeling_jobs": 2}
    versions = lake_rows(
        settings.lake_dir, "labeling_jobs", "labeling_job_name, count(*)", "true group by 1"
    )
    assert versions == [("job-done", 2), ("job-failed", 1), ("job-new", 1), ("job-running", 1)]


def test_access_denied_on_one_job_names_the_permission_and_the_others_land(aws, settings):
    report = _run(aws, settings, _account(), errors=["job-failed"])
    [problem] = report.problems
    assert (problem.operation, problem.target, problem.permission) == (
        "DescribeLabelingJob",
        "labeling job job-failed",
        "sagemaker:DescribeLabelingJob",
    )
    assert "the credentials need sagemaker:DescribeLabelingJob" in problem.describe()
    names = [r[0] for r in lake_rows(settings.lake_dir, "labeling_jobs", "labeling_job_name")]
    assert names == ["job-done", "job-running"]
    # Not described means not known: the next run tries that job again.
    retry = _run(aws, settings, _account(), describe=["job-failed", "job-running"])
    assert retry.problems == [] and retry.rows_by_resource()["labeling_jobs"] == 1


def _put(s3, key: str, body: str) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())


def test_job_output_is_read_incrementally_and_finished_jobs_are_not_listed_again(aws, settings):
    s3 = aws.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    for job in ("job-done", "job-running"):
        base = f"out/{job}"
        _put(
            s3,
            f"{base}/manifests/output/output.manifest",
            "\n".join(
                json.dumps({"source-ref": f"s3://{BUCKET}/img/{job}-{i}.jpg"}) for i in range(4)
            ),
        )
        _put(
            s3,
            f"{base}/annotations/consolidated-annotation/consolidation-response/iteration-1/"
            "2026-10-01_10:00:00.json",
            json.dumps(
                [
                    {"datasetObjectId": str(i), "consolidatedAnnotation": {"content": {}}}
                    for i in range(3)
                ]
            ),
        )
        _put(s3, f"{base}/activelearning/2/run-1/auto_annotator_output.txt", f'7 {{"{job}": 1}}\n')
        _put(s3, f"{base}/annotations/worker-response/iteration-1/0/2026-10-01_10:00:00.json", "{}")
    resources = (*JOB_RESOURCES, *OUTPUTS)
    first = _run(aws, settings, _account(), resources=resources)
    assert first.problems == []
    assert {k: v for k, v in first.rows_by_resource().items() if k in OUTPUTS} == {
        "output_manifests": 8,
        "consolidation_responses": 6,
        "auto_annotations": 2,
    }
    element = lake_rows(
        settings.lake_dir,
        "consolidation_responses",
        "bucket, key, element",
        "key like 'out/job-done/%' and element like '%\"0\"%'",
    )
    assert element == [
        (
            BUCKET,
            "out/job-done/annotations/consolidated-annotation/"
            "consolidation-response/iteration-1/2026-10-01_10:00:00.json",
            '{"datasetObjectId": "0", "consolidatedAnnotation": {"content": {}}}',
        )
    ]
    _put(
        s3,
        "out/job-running/annotations/consolidated-annotation/consolidation-response/"
        "iteration-2/2026-10-02_10:00:00.json",
        json.dumps([{"datasetObjectId": "9"}]),
    )
    c2 = clients(aws)
    listings = count_calls(c2.client("s3"), "ListObjectsV2")
    stub = Stubber(c2.client("sagemaker"))
    _account().queue(stub, describe=["job-running"], page_size=2)
    with stub:
        second = extract_aws(settings, options=options(resources=resources), clients=c2)
    assert {k: v for k, v in second.rows_by_resource().items() if k in OUTPUTS} == {
        "output_manifests": 0,
        "consolidation_responses": 1,
        "auto_annotations": 0,
    }
    listed = {call["Prefix"].split("/")[1] for call in listings}
    assert listed == {"job-running"}  # the finished job's output was complete


def test_options_narrow_discovery_to_one_work_team(aws, settings):
    team_b = _team()
    team_b["Workteam"].update(
        WorkteamName="team-b", WorkteamArn=TEAM_ARN.replace("team-a", "team-b")
    )
    other = _job("job-b1", "Completed")
    other["HumanTaskConfig"]["WorkteamArn"] = team_b["Workteam"]["WorkteamArn"]
    account = SageMakerResponses(
        workteams={"team-a": _team(), "team-b": team_b},
        jobs={"job-done": _job("job-done", "Completed"), "job-b1": other},
    )
    c = clients(aws)
    with Stubber(c.client("sagemaker")) as stub:  # no ListWorkteams: the team is named
        stub.add_response("describe_workteam", _team(), {"WorkteamName": "team-a"})
        stub.add_response(
            "list_labeling_jobs",
            {
                "LabelingJobSummaryList": [
                    account.job_summary("job-b1"),
                    account.job_summary("job-done"),
                ]
            },
            {},
        )
        stub.add_response(
            "list_labeling_jobs_for_workteam",
            {
                "LabelingJobSummaryList": [
                    {
                        "LabelingJobName": "job-done",
                        "JobReferenceCode": "x",
                        "WorkRequesterAccountId": ACCOUNT,
                        "CreationTime": T0,
                    }
                ]
            },
            {"WorkteamArn": TEAM_ARN},
        )
        stub.add_response(
            "describe_labeling_job", account.jobs["job-done"], {"LabelingJobName": "job-done"}
        )
        report = extract_aws(
            settings, options=options(resources=JOB_RESOURCES, workteams=("team-a",)), clients=c
        )
        stub.assert_no_pending_responses()
    assert report.rows_by_resource() == {"workteams": 1, "labeling_jobs": 1}


def test_a_job_that_does_not_exist_is_reported_as_not_found(aws, settings):
    c = clients(aws)
    with Stubber(c.client("sagemaker")) as stub:
        _account().queue(stub, describe=[], page_size=10)
        stub.add_client_error(
            "describe_labeling_job",
            "ResourceNotFound",
            "Could not find labeling job 'ghost'",
            400,
            expected_params={"LabelingJobName": "ghost"},
        )
        report = extract_aws(
            settings, options=options(resources=JOB_RESOURCES, jobs=("ghost",)), clients=c
        )
        stub.assert_no_pending_responses()
    [problem] = report.problems
    assert (problem.kind, problem.target) == ("not_found", "labeling job ghost")
    assert "does not exist or is not visible in this account and region" in problem.describe()
    assert report.rows_by_resource() == {"workteams": 1, "labeling_jobs": 0}
