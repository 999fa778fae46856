"""Builders for the labeling-job tests (no tests here): hand-written DescribeLabelingJob
responses and S3 labeling output in the mirror layout (shapes: aws-shapes.md §3.1 and §6), and
a private copy of the dbt project so a test can use its own price book and pairings."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from extract.settings import PROJECT_DIR, Settings
from tests.awsfiles import ACCOUNT, REGION

BUCKET = "gt-test-bucket"
OUTPUT_PREFIX = "out"
PRICE_BOOK_HEADER = (
    "price_id,cost_component,workteam_name,effective_from,effective_to,unit,unit_price_usd,note"
)
PAIRINGS_HEADER = "treated_job_name,control_job_name,note"


def project_copy(root: Path, *, price_book: list[str], pairings: list[str] = ()) -> Path:
    """The dbt project copied under ``root`` with the given seed rows (CSV lines, no header)."""
    dest = root / "project"
    for name in ("models", "macros", "seeds", "snapshots"):
        if (PROJECT_DIR / name).exists():
            shutil.copytree(PROJECT_DIR / name, dest / name)
    (dest / "tests").mkdir(parents=True)
    if (PROJECT_DIR / "tests" / "dbt").exists():
        shutil.copytree(PROJECT_DIR / "tests" / "dbt", dest / "tests" / "dbt")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_DIR / name, dest / name)
    (dest / "seeds" / "price_book.csv").write_text(
        "\n".join([PRICE_BOOK_HEADER, *price_book]) + "\n"
    )
    (dest / "seeds" / "job_pairings.csv").write_text("\n".join([PAIRINGS_HEADER, *pairings]) + "\n")
    return dest


def settings_for(root: Path, project: Path) -> Settings:
    data = root / "data"
    return Settings(
        data_dir=data.resolve(),
        warehouse=(data / "warehouse.duckdb").resolve(),
        project_dir=project,
        dbt_target_dir=root / "dbt-target",
    )


def cli_time(t: datetime) -> str:
    """A time as AWS CLI v2 prints it (ISO-8601 with an offset)."""
    return t.isoformat(timespec="milliseconds")


def team_arn(team: str, *, public: bool = False) -> str:
    if public:
        return f"arn:aws:sagemaker:{REGION}:394669845002:workteam/public-crowd/default"
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/{team}"


def model_arn(name: str) -> str:
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/{name}"


def manifest_uri(name: str) -> str:
    return f"s3://{BUCKET}/input/{name}.manifest"


def output_manifest_uri(job: str) -> str:
    return f"s3://{BUCKET}/{OUTPUT_PREFIX}/{job}/manifests/output/output.manifest"


@dataclass
class Job:
    """One labeling job as DescribeLabelingJob describes it."""

    name: str
    created: datetime
    modified: datetime
    team: str = "team-a"
    public: bool = False
    workers: int = 1
    price: tuple[int, int, int] | None = None  # Dollars, Cents, TenthFractionsOfACent
    automated: bool = False
    initial_model: str | None = None
    final_model: str | None = None
    input_manifest: str = ""
    status: str = "Completed"
    counters: tuple[int, int, int, int] = (0, 0, 0, 0)  # human, machine, failed, unlabeled
    failure_reason: str | None = None
    total_labeled: int | None = None  # TotalLabeled; default human + machine, as AWS counts
    label_attribute: str = "bounding-box"  # LabelAttributeName

    def response(self) -> dict:
        human, machine, failed, unlabeled = self.counters
        doc: dict = {
            "LabelingJobStatus": self.status,
            "LabelCounters": {
                "TotalLabeled": human + machine
                if self.total_labeled is None
                else self.total_labeled,
                "HumanLabeled": human,
                "MachineLabeled": machine,
                "FailedNonRetryableError": failed,
                "Unlabeled": unlabeled,
            },
            "CreationTime": cli_time(self.created),
            "LastModifiedTime": cli_time(self.modified),
            "JobReferenceCode": f"{ACCOUNT}{self.name[:16]:x<16}",
            "LabelingJobName": self.name,
            "LabelingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:labeling-job/{self.name}",
            "LabelAttributeName": self.label_attribute,
            "InputConfig": {
                "DataSource": {
                    "S3DataSource": {
                        "ManifestS3Uri": self.input_manifest or manifest_uri(self.name)
                    }
                }
            },
            "OutputConfig": {"S3OutputPath": f"s3://{BUCKET}/{OUTPUT_PREFIX}/", "KmsKeyId": ""},
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-test",
            "HumanTaskConfig": {
                "WorkteamArn": team_arn(self.team, public=self.public),
                "UiConfig": {"UiTemplateS3Uri": f"s3://{BUCKET}/input/template.html"},
                "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
                "TaskTitle": "Draw a box around each bird",
                "TaskDescription": "Boxes around birds",
                "NumberOfHumanWorkersPerDataObject": self.workers,
                "TaskTimeLimitInSeconds": 300,
                "MaxConcurrentTaskCount": 200,
                "AnnotationConsolidationConfig": {
                    "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"
                },
            },
        }
        if self.price is not None:
            dollars, cents, tenths = self.price
            doc["HumanTaskConfig"]["PublicWorkforceTaskPrice"] = {
                "AmountInUsd": {"Dollars": dollars, "Cents": cents, "TenthFractionsOfACent": tenths}
            }
        if self.automated or self.initial_model:
            algo: dict = {
                "LabelingJobAlgorithmSpecificationArn": f"arn:aws:sagemaker:{REGION}:027400017018:"
                "labeling-job-algorithm-specification/object-detection"
            }
            if self.initial_model:
                algo["InitialActiveLearningModelArn"] = self.initial_model
            doc["LabelingJobAlgorithmsConfig"] = algo
        if self.status in ("Completed", "Stopped") or self.final_model:
            out: dict = {"OutputDatasetS3Uri": output_manifest_uri(self.name)}
            if self.final_model:
                out["FinalActiveLearningModelArn"] = self.final_model
            doc["LabelingJobOutput"] = out
        if self.failure_reason:
            doc["FailureReason"] = self.failure_reason
        return doc


def write_job(mirror: Path, job: Job) -> None:
    path = mirror / "sagemaker" / "describe-labeling-job" / f"{job.name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(job.response(), indent=2))


def _job_dir(mirror: Path, job: str) -> Path:
    return mirror / "s3" / BUCKET / OUTPUT_PREFIX / job


def _label(job: str, when: datetime, *, human: bool) -> dict:
    return {
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [{"class_id": 0, "left": 10, "top": 20, "width": 30, "height": 40}],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 0.9}],
            "class-map": {"0": "bird"},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes" if human else "no",
            "creation-date": when.strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "job-name": f"labeling-job/{job}",
        },
    }


def write_consolidation(
    mirror: Path, job: str, iteration: int, at: datetime, object_ids: list[int]
) -> None:
    """One consolidation-response file: the file name is the consolidation time."""
    path = (
        _job_dir(mirror, job)
        / "annotations/consolidated-annotation/consolidation-response"
        / f"iteration-{iteration}"
        / f"{at.strftime('%Y-%m-%d_%H:%M:%S')}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [
        {
            "datasetObjectId": str(i),
            "consolidatedAnnotation": {"content": _label(job, at, human=True)},
        }
        for i in object_ids
    ]
    path.write_text(json.dumps(body))


def write_auto_annotations(
    mirror: Path, job: str, iteration: int, labels: list[tuple[int, datetime]]
) -> None:
    """activelearning/<N>/auto_annotator_output/auto_annotator_output.txt: ``<id> <json>`` lines."""
    path = (
        _job_dir(mirror, job)
        / f"activelearning/{iteration}/auto_annotator_output/auto_annotator_output.txt"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{i} {json.dumps(_label(job, at, human=False))}" for i, at in labels]
    path.write_text("\n".join(lines) + "\n")


def write_output_manifest(
    mirror: Path, job: str, *, human: int, machine: int, failed: int = 0
) -> None:
    path = _job_dir(mirror, job) / "manifests/output/output.manifest"
    path.parent.mkdir(parents=True, exist_ok=True)
    at = datetime(2026, 10, 1)
    lines = []
    for i in range(human + machine):
        line = {
            "source-ref": f"s3://{BUCKET}/images/{job}-{i}.jpg",
            **_label(job, at, human=i < human),
        }
        lines.append(json.dumps(line))
    for i in range(failed):
        meta = {
            "failure-reason": "ClientError: object not accessible",
            "job-name": f"labeling-job/{job}",
        }
        lines.append(
            json.dumps(
                {
                    "source-ref": f"s3://{BUCKET}/images/{job}-f{i}.jpg",
                    "bounding-box-metadata": meta,
                }
            )
        )
    path.write_text("\n".join(lines) + "\n")
