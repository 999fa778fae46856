"""The lake's datasets: one per AWS resource, declared once here.

The lake is source-shaped: AWS field names, raw JSON kept as received, plus lineage columns.
A resource's name is the one name it has in every layer:

    mirror folder (``mirror_folder``) and AWS API (``aws_api``, from ``cursors``) it is read
    from -> lake folder ``<lake>/<name>/`` -> dbt source ``<source>.<name>``
    -> staging ``stg_<source>__<name>`` (typed in ``base_<source>__<name>`` where it has one)
    -> checks view ``checks_<name>`` -> Great Expectations suite ``<name>``;
    the staging model's grain is ``key``.

Python derives its lists from :data:`RESOURCES`; the SQL and YAML lists are checked against it
by tests/test_resources_declared.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.parsing import (
    AUTO_ANNOTATION_TYPED,
    CONSOLIDATION_TYPED,
    MANIFEST_TYPED,
    WORKER_TYPED,
)

LINEAGE_COLUMNS: dict[str, str] = {
    "_gtwh_run_id": "VARCHAR",
    "_gtwh_extracted_at": "TIMESTAMP",
    "_gtwh_source": "VARCHAR",
    "_gtwh_record_index": "BIGINT",
}


@dataclass(frozen=True)
class Resource:
    name: str
    source: str  # dbt source group
    columns: dict[str, str]
    description: str
    mirror_folder: str = ""  # under the mirror root; "" for rejected_files (written by us)
    aws_api: str = ""  # the AWS call(s) extract/sources/aws reads it with
    # The columns that identify a row of the staging model (its grain; tests check it).
    key: tuple[str, ...] = ()
    # Where the next AWS read starts: the ledger cursor entries the AWS reader keeps, named
    # ``<cursor>:<region>[:<scope>]``. None: the ledger's sources alone (each source unit's
    # content fingerprint) say what is new.
    cursors: tuple[str, ...] = ()
    # Columns typed when a record is landed, beside its raw columns (extract/parsing.py): staging
    # reads them instead of parsing the raw text again.
    typed: dict[str, str] = field(default_factory=dict)

    def cursor_key(self, cursor: str, *scope: str) -> str:
        """The ledger cursor key of one of this resource's declared cursors, for a scope."""
        if cursor not in self.cursors:
            raise KeyError(f"{self.name} declares no cursor {cursor!r}")
        return ":".join((cursor, *scope))

    @property
    def from_aws(self) -> bool:
        """False for rejected_files, which the extraction writes itself (no staging, no suite)."""
        return bool(self.aws_api)

    @property
    def staging_model(self) -> str | None:
        return f"stg_{self.source}__{self.name}" if self.from_aws else None

    @property
    def checks_view(self) -> str | None:
        return f"checks_{self.name}" if self.from_aws else None

    @property
    def suite(self) -> str | None:
        return self.name if self.from_aws else None

    @property
    def landed_columns(self) -> dict[str, str]:
        """What a reader gives the lake: the raw columns and lineage."""
        return {**self.columns, **LINEAGE_COLUMNS}

    @property
    def all_columns(self) -> dict[str, str]:
        """What the lake stores, in file order: raw, typed at landing, lineage."""
        return {**self.columns, **self.typed, **LINEAGE_COLUMNS}


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in [
        Resource(
            "worker_activity",
            "groundtruth",
            {
                "eventId": "VARCHAR",
                "logStreamName": "VARCHAR",
                "timestamp": "BIGINT",
                "ingestionTime": "BIGINT",
                "message": "VARCHAR",
                "event_extra": "VARCHAR",
                "export_line_prefix": "VARCHAR",
                "source_format": "VARCHAR",
            },
            "CloudWatch events of /aws/sagemaker/groundtruth/WorkerActivity, from FilterLogEvents "
            "pages or CreateExportTask files; `message` is the raw record.",
            mirror_folder="logs/aws/sagemaker/groundtruth/WorkerActivity",
            aws_api="logs:FilterLogEvents; s3:GetObject of CreateExportTask files",
            key=("activity_record_id",),
            cursors=("aws:filter_log_events", "aws:create_export_task"),
            typed=WORKER_TYPED,
        ),
        Resource(
            "users",
            "cognito",
            {"user_pool_id": "VARCHAR", "user": "VARCHAR"},
            "Cognito ListUsers entries, one row per user per extraction, raw JSON.",
            mirror_folder="cognito-idp",
            aws_api="cognito-idp:ListUsers",
            key=("cognito_user_pool_id", "cognito_sub", "extracted_at"),
        ),
        Resource(
            "group_members",
            "cognito",
            {"user_pool_id": "VARCHAR", "group_name": "VARCHAR", "user": "VARCHAR"},
            "Cognito ListUsersInGroup entries, raw JSON.",
            mirror_folder="cognito-idp",
            aws_api="cognito-idp:ListUsersInGroup",
            key=("cognito_user_pool_id", "cognito_group_name", "cognito_sub"),
        ),
        Resource(
            "workteams",
            "sagemaker",
            {"workteam_name": "VARCHAR", "response": "VARCHAR"},
            "DescribeWorkteam responses, raw JSON.",
            mirror_folder="sagemaker/describe-workteam",
            aws_api="sagemaker:DescribeWorkteam",
            key=("workteam_name",),
        ),
        Resource(
            "labeling_jobs",
            "sagemaker",
            {"labeling_job_name": "VARCHAR", "response": "VARCHAR"},
            "DescribeLabelingJob responses, raw JSON; one row per job per extraction.",
            mirror_folder="sagemaker/describe-labeling-job",
            aws_api="sagemaker:DescribeLabelingJob",
            key=("labeling_job_name",),
            cursors=("aws:labeling_jobs",),
        ),
        Resource(
            "metric_data",
            "cloudwatch",
            {
                "query_id": "VARCHAR",
                "query": "VARCHAR",
                "label": "VARCHAR",
                "status_code": "VARCHAR",
                "point_timestamp": "VARCHAR",
                "point_value": "DOUBLE",
            },
            "GetMetricData results, one row per data point, with the request query as raw JSON.",
            mirror_folder="cloudwatch/get-metric-data",
            aws_api="cloudwatch:GetMetricData",
            key=(
                "namespace",
                "metric_name",
                "stat",
                "period_seconds",
                "dimensions_key",
                "period_start_at",
            ),
            cursors=("aws:get_metric_data",),
        ),
        Resource(
            "output_manifests",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "line": "VARCHAR"},
            "Lines of <job>/manifests/output/output.manifest objects in S3.",
            mirror_folder="s3",
            aws_api="s3:GetObject of <job>/manifests/output/output.manifest",
            key=("labeling_job_name", "source_ref"),
            cursors=("aws:job_outputs_complete",),
            typed=MANIFEST_TYPED,
        ),
        Resource(
            "consolidation_responses",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "element": "VARCHAR"},
            "Elements of the consolidation-response/iteration-N/*.json arrays in S3.",
            mirror_folder="s3",
            aws_api="s3:GetObject of <job>/annotations/consolidated-annotation/consolidation-response/iteration-<N>/*.json",
            key=("labeling_job_name", "iteration", "dataset_object_id"),
            cursors=("aws:job_outputs_complete",),
            typed=CONSOLIDATION_TYPED,
        ),
        Resource(
            "auto_annotations",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "line": "VARCHAR"},
            "Lines of activelearning/<N>/**/auto_annotator_output.txt objects in S3.",
            mirror_folder="s3",
            aws_api="s3:GetObject of <job>/activelearning/**/auto_annotator_output.txt",
            key=("labeling_job_name", "iteration", "dataset_object_id"),
            cursors=("aws:job_outputs_complete",),
            typed=AUTO_ANNOTATION_TYPED,
        ),
        Resource(
            "rejected_files",
            "extract",
            {
                "resource": "VARCHAR",
                "reason": "VARCHAR",
                "detail": "VARCHAR",
                "size_bytes": "BIGINT",
            },
            "Source files that could not be read at all: counted here, never dropped silently.",
        ),
    ]
}
