"""What the lake types when it lands a record, beside the raw text it keeps (issue 14).

Each record is parsed once, when it is landed; staging reads the typed columns. The raw text
stays in the lake untouched (lossless), and quarantine reasons are still decided in dbt, from
the typed columns and the raw text. Typed at landing: worker events (below) and the S3
labeling output (output-manifest lines, consolidation-response elements, active-learning
lines; see their functions). :data:`TYPERS` maps each resource to its function;
:func:`extract.lake.stored_rows` applies it to every reader's rows.

A worker-activity event is parsed once, when it is landed: its ``message`` (the worker record,
a JSON string with 14 string fields) is kept untouched, and beside it the lake holds the 14
fields, the record's five times as UTC timestamps and whether the message parsed as JSON at
all. Staging reads these columns and parses nothing again; why a row cannot be staged (its
quarantine reason) is still decided in dbt, from these columns and the raw strings.

The time layouts (docs/data-quality.md, "Worker-log times"):

- Java ``Date.toString()``, ``Wed Aug 14 16:00:59 UTC 2019`` (AWS docs,
  sms-workforce-private-tracking), in a zone of the table ``worker_time_zones`` in
  dbt_project.yml (read from there: dbt's quarantine rule uses the same table), or
  ``GMT+05:30`` / ``GMT-0700``;
- ISO-8601 ``2019-08-14T16:01:04``, with or without seconds, 1-9 fraction digits (kept to the
  microsecond), no zone (UTC), ``Z``, ``+00:00``, ``+0000`` or ``+00`` (public code that reads
  real records parses ISO: SonerAbay/AWS-SageMaker-Groundtruth-Tracker-Slack-Bot).

The common layouts go through one strptime; only the rest through the regular expressions.
"""

from __future__ import annotations

from functools import cache

import yaml

from extract.settings import PROJECT_DIR

WORKER_FIELDS = (
    "worker_id",
    "cognito_user_pool_id",
    "cognito_sub_id",
    "task_accepted_time",
    "task_submitted_time",
    "task_returned_time",
    "task_declined_time",
    "workteam_arn",
    "labeling_job_arn",
    "work_requester_account_id",
    "job_reference_code",
    "job_type",
    "event_type",
    "event_timestamp",
)
TASK_TIMES = (
    "task_accepted_time",
    "task_submitted_time",
    "task_returned_time",
    "task_declined_time",
)

# The columns landed beside the raw event (extract/resources.py declares them as ``typed``).
WORKER_TYPED: dict[str, str] = {
    "message_parsed": "BOOLEAN",
    **{f: "VARCHAR" for f in WORKER_FIELDS},
    **{t.removesuffix("_time") + "_at": "TIMESTAMP" for t in TASK_TIMES},
    "event_timestamp_at": "TIMESTAMP",
}

_RECORD = "{" + ", ".join(f'"{f}": "VARCHAR"' for f in WORKER_FIELDS) + "}"
_JAVA_RE = (
    "^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +([0-9]{1,2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}) ([A-Za-z]+)"
    "([+-][0-9]{1,2}(:?[0-9]{2})?)? ([0-9]{4})$"
)
_ISO_RE = (
    "^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})(:([0-9]{2})([.]([0-9]{1,9}))?)?"
    "(Z|([+-])([0-9]{2}):?([0-9]{2})?)?$"
)
_COMMON_LAYOUTS = (
    "%a %b %d %H:%M:%S UTC %Y",
    "%a %b %d %H:%M:%S GMT %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
)


@cache
def worker_time_zones() -> dict[str, int]:
    """Zone abbreviation -> minutes east of UTC: dbt_project.yml's ``worker_time_zones``."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return {str(k): int(v) for k, v in project["vars"]["worker_time_zones"].items()}


def _java_offset_minutes(zone: str, sign_part: str) -> str:
    """Minutes east of UTC of a Java-layout zone plus an optional "+hh[:mm]" (NULL if unknown)."""
    cases = " ".join(f"WHEN '{z}' THEN {m}" for z, m in worker_time_zones().items())
    return (
        f"(CASE {zone} {cases} END + CASE"
        f" WHEN {sign_part} = '' THEN 0"
        f" WHEN {zone} NOT IN ('GMT', 'UTC') THEN NULL"
        f" ELSE (CASE WHEN left({sign_part}, 1) = '-' THEN -1 ELSE 1 END) * ("
        f"CAST(regexp_extract({sign_part}, '^[+-]([0-9]{{1,2}})', 1) AS INT) * 60"
        f" + coalesce(CAST(nullif(regexp_extract({sign_part}, '([0-9]{{2}})$', 1), '') AS INT), 0)"
        f" * (CASE WHEN length({sign_part}) > 3 THEN 1 ELSE 0 END)) END)"
    )


def worker_time_fast_sql(expr: str) -> str:
    """DuckDB SQL: a worker-log time in one of the common layouts, else NULL."""
    layouts = ", ".join(f"'{f}'" for f in _COMMON_LAYOUTS)
    return f"try_strptime(nullif({expr}, ''), [{layouts}])"


def worker_time_rest_sql(expr: str) -> str:
    """DuckDB SQL: a worker-log time in the other layouts (a zone of the table, an offset, a
    fraction, no seconds), as a UTC timestamp, else NULL."""
    x = f"nullif({expr}, '')"
    j = f"regexp_extract({x}, '{_JAVA_RE}', ['mon', 'day', 'hms', 'zone', 'off', 'offm', 'year'])"
    i = (
        f"regexp_extract({x}, '{_ISO_RE}', "
        "['d', 'hm', 'ss', 's', 'fs', 'f', 'z', 'sign', 'oh', 'om'])"
    )
    return (
        f"coalesce(try_strptime({j}.mon || ' ' || {j}.day || ' ' || {j}.year || ' ' || {j}.hms, "
        f"'%b %d %Y %H:%M:%S') - to_minutes({_java_offset_minutes(j + '.zone', j + '.off')}), "
        f"try_cast({i}.d || ' ' || {i}.hm || ':' || coalesce(nullif({i}.s, ''), '00')"
        f" || CASE WHEN {i}.f != '' THEN '.' || left({i}.f, 6) ELSE '' END AS TIMESTAMP)"
        f" - to_minutes(CASE WHEN {i}.d = '' THEN NULL WHEN {i}.sign = '' THEN 0"
        f" ELSE (CASE WHEN {i}.sign = '-' THEN -1 ELSE 1 END)"
        f" * (CAST({i}.oh AS INT) * 60 + coalesce(CAST(nullif({i}.om, '') AS INT), 0)) END))"
    )


def worker_activity_typed(relation: str, raw_columns: list[str]) -> str:
    """The landed rows of ``relation`` (raw columns) with the typed columns beside them: the
    message is parsed once, into a struct, and every typed column is read from it. A time is
    tried in the common layouts first; only a time none of them reads goes through the regular
    expressions (a CASE branch, evaluated for those rows alone: most times never reach it)."""
    raw = ", ".join(f'"{c}"' for c in raw_columns)
    fields = ", ".join(f"_r.{f} AS {f}" for f in WORKER_FIELDS)
    fast = ", ".join(f"{worker_time_fast_sql('_r.' + t)} AS _fast_{t}" for t in TASK_TIMES)
    times = ", ".join(
        f"CASE WHEN _fast_{t} IS NOT NULL OR coalesce(_r.{t}, '') = '' THEN _fast_{t}"
        f" ELSE {worker_time_rest_sql('_r.' + t)} END AS {t.removesuffix('_time')}_at"
        for t in TASK_TIMES
    )
    return f"""
        SELECT {raw}, _r IS NOT NULL AS message_parsed, {fields}, {times},
               make_timestamp((try_cast(_r.event_timestamp AS BIGINT) * 1000)::BIGINT * 1000)
                   AS event_timestamp_at
        FROM (SELECT *, {fast}
              FROM (SELECT *, try(from_json(message, '{_RECORD}')) AS _r FROM ({relation})))
    """


# The S3 labeling output (shapes: https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html,
# sms-reusing-data.html, sms-data-verify-manifest.html; active learning as the AWS notebooks
# read it, aws/amazon-sagemaker-examples ground_truth_object_detection_tutorial): the job name
# and iteration from the object key, and from each line or element what staging reads.
_NOT_LABELS = "('source-metadata', 'source-ref-metadata')"
_LABEL = (
    "STRUCT(label_attribute_name VARCHAR, is_metadata_object BOOLEAN, human_annotated VARCHAR, "
    "creation_date_raw VARCHAR, labeled_at TIMESTAMP WITH TIME ZONE, metadata_job_name VARCHAR, "
    "label_type VARCHAR, failure_reason VARCHAR, adjustment_status VARCHAR)[]"
)
MANIFEST_TYPED: dict[str, str] = {
    "labeling_job_name": "VARCHAR",
    "line_is_object": "BOOLEAN",
    "names_object": "BOOLEAN",
    "source_ref": "VARCHAR",
    "labels": _LABEL,
}
CONSOLIDATION_TYPED: dict[str, str] = {
    "labeling_job_name": "VARCHAR",
    "iteration": "INTEGER",
    "consolidated_at": "TIMESTAMP",
    "dataset_object_id": "VARCHAR",
}
AUTO_ANNOTATION_TYPED: dict[str, str] = {
    "labeling_job_name": "VARCHAR",
    "iteration": "INTEGER",
    "dataset_object_id": "VARCHAR",
    "annotation": "VARCHAR",
    "annotation_is_object": "BOOLEAN",
    "labeled_at": "TIMESTAMP",
    "human_annotated": "VARCHAR",
}


def _is_object(expr: str) -> str:
    return f"coalesce(try(json_type({expr})) = 'OBJECT', false)"


def output_manifest_typed(relation: str, raw_columns: list[str]) -> str:
    """A manifest line: whether it is a JSON object, names its data object (``source-ref`` or
    ``source``), and every label of the line (one ``<attribute>`` + ``<attribute>-metadata`` pair
    per job that wrote it, in line order; ``source-ref-metadata`` describes a 3D frame, not a
    label) with its metadata's fields."""
    raw = ", ".join(f'"{c}"' for c in raw_columns)
    return f"""
        SELECT {raw},
               lower(regexp_extract(key, '([^/]+)/manifests/output/output\\.manifest$', 1))
                   AS labeling_job_name,
               _doc IS NOT NULL AS line_is_object,
               json_extract(_doc, '$."source-ref"') IS NOT NULL
                   OR json_extract(_doc, '$.source') IS NOT NULL AS names_object,
               coalesce(json_extract_string(_doc, '$."source-ref"'),
                        json_extract_string(_doc, '$.source')) AS source_ref,
               list_transform(_raw_labels, l -> {{
                   'label_attribute_name': l.label_attribute_name,
                   'is_metadata_object': coalesce(json_type(l.meta) = 'OBJECT', false),
                   'human_annotated': json_extract_string(l.meta, '$."human-annotated"'),
                   'creation_date_raw': json_extract_string(l.meta, '$."creation-date"'),
                   'labeled_at': try_strptime(
                       json_extract_string(l.meta, '$."creation-date"'),
                       ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S%z']),
                   'metadata_job_name': regexp_replace(
                       json_extract_string(l.meta, '$."job-name"'), '^labeling-job/', ''),
                   'label_type': json_extract_string(l.meta, '$.type'),
                   'failure_reason': json_extract_string(l.meta, '$."failure-reason"'),
                   'adjustment_status': json_extract_string(l.meta, '$."adjustment-status"')
               }}) AS labels
        FROM (
            SELECT *,
                   list_transform(
                       list_filter(json_keys(_doc),
                                   k -> k LIKE '%-metadata' AND k NOT IN {_NOT_LABELS}),
                       k -> {{'label_attribute_name': k[:-10],
                              'meta': json_extract(_doc, '$."' || replace(k, '"', '\\"') || '"')}}
                   ) AS _raw_labels
            FROM (SELECT *, CASE WHEN {_is_object("line")} THEN line END AS _doc
                  FROM ({relation}))
        )
    """


def consolidation_response_typed(relation: str, raw_columns: list[str]) -> str:
    """A consolidation-response element: job, iteration and time from the key, the object id."""
    raw = ", ".join(f'"{c}"' for c in raw_columns)
    return f"""
        SELECT {raw},
               lower(regexp_extract(key, '([^/]+)/annotations/consolidated-annotation/', 1))
                   AS labeling_job_name,
               CAST(regexp_extract(key, '/iteration-([0-9]+)/', 1) AS INTEGER) AS iteration,
               try_strptime(regexp_extract(key, '/([^/]+)\\.json$', 1),
                            ['%Y-%m-%d_%H:%M:%S', '%Y-%m-%d_%H_%M_%S']) AS consolidated_at,
               json_extract_string(element, '$.datasetObjectId') AS dataset_object_id
        FROM ({relation})
    """


def auto_annotation_typed(relation: str, raw_columns: list[str]) -> str:
    """An active-learning line: the object id, then any whitespace, then the JSON (the AWS
    notebooks split on any whitespace); its first label's creation date and human-annotated."""
    raw = ", ".join(f'"{c}"' for c in raw_columns)
    return f"""
        SELECT {raw},
               lower(regexp_extract(key, '([^/]+)/activelearning/', 1)) AS labeling_job_name,
               try_cast(nullif(regexp_extract(key, '/activelearning/([0-9]+)/', 1), '')
                        AS INTEGER) AS iteration,
               _first AS dataset_object_id,
               _rest AS annotation,
               _doc IS NOT NULL AS annotation_is_object,
               try_strptime(json_extract_string(_meta, '$."creation-date"'),
                            ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']) AS labeled_at,
               json_extract_string(_meta, '$."human-annotated"') AS human_annotated
        FROM (
            SELECT *,
                   json_extract(_doc, '$."' || list_filter(json_keys(_doc),
                       k -> k LIKE '%-metadata' AND k NOT IN {_NOT_LABELS})[1] || '"') AS _meta
            FROM (
                SELECT *, CASE WHEN {_is_object("_rest")} THEN _rest END AS _doc
                FROM (SELECT *, regexp_extract(line, '^\\s*(\\S+)', 1) AS _first,
                             nullif(regexp_extract(line, '^\\s*\\S+\\s+(.*\\S)\\s*$', 1), '')
                                 AS _rest
                      FROM ({relation}))
            )
        )
    """


# resource -> the function adding its typed columns at landing (extract/lake.py applies it).
TYPERS = {
    "worker_activity": worker_activity_typed,
    "output_manifests": output_manifest_typed,
    "consolidation_responses": consolidation_response_typed,
    "auto_annotations": auto_annotation_typed,
}
