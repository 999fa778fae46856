"""The lake's datasets: one per AWS resource, each with a fixed column list.

The lake is source-shaped: AWS field names, raw JSON kept as received, plus lineage columns.
Every name here is also the dbt source table name and the lake folder name.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def all_columns(self) -> dict[str, str]:
        return {**self.columns, **LINEAGE_COLUMNS}


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
        ),
        Resource(
            "users",
            "cognito",
            {"user_pool_id": "VARCHAR", "user": "VARCHAR"},
            "Cognito ListUsers entries, one row per user per extraction, raw JSON.",
        ),
        Resource(
            "group_members",
            "cognito",
            {"user_pool_id": "VARCHAR", "group_name": "VARCHAR", "user": "VARCHAR"},
            "Cognito ListUsersInGroup entries, raw JSON.",
        ),
        Resource(
            "workteams",
            "sagemaker",
            {"workteam_name": "VARCHAR", "response": "VARCHAR"},
            "DescribeWorkteam responses, raw JSON.",
        ),
        Resource(
            "labeling_jobs",
            "sagemaker",
            {"labeling_job_name": "VARCHAR", "response": "VARCHAR"},
            "DescribeLabelingJob responses, raw JSON; one row per job per extraction.",
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
        ),
        Resource(
            "output_manifests",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "line": "VARCHAR"},
            "Lines of <job>/manifests/output/output.manifest objects in S3.",
        ),
        Resource(
            "consolidation_responses",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "element": "VARCHAR"},
            "Elements of the consolidation-response/iteration-N/*.json arrays in S3.",
        ),
        Resource(
            "auto_annotations",
            "groundtruth",
            {"bucket": "VARCHAR", "key": "VARCHAR", "line": "VARCHAR"},
            "Lines of activelearning/<N>/**/auto_annotator_output.txt objects in S3.",
        ),
        Resource(
            "rejected_files",
            "extract",
            {"resource": "VARCHAR", "reason": "VARCHAR", "detail": "VARCHAR", "size_bytes": "BIGINT"},
            "Source files that could not be read at all: counted here, never dropped silently.",
        ),
    ]
}
