"""Worker activity: FilterLogEvents pages (JSON) and CreateExportTask files (gzip lines).

Both land in ``worker_activity`` unchanged: the event envelope as AWS gives it, the ``message``
string untouched, and any envelope key AWS does not document in ``event_extra``. Parsing the
message is dbt's job (staging), so the bulk path here is one DuckDB scan per batch.
"""

from __future__ import annotations

from pathlib import Path

from extract.runner import Run, SourceFile, sql_list, sql_str
from extract.sources.mirror.files import find, json_buffer_size

ENVELOPE_KEYS = ("eventId", "logStreamName", "timestamp", "ingestionTime", "message")
_NO_ENVELOPE = "{" + ",".join(f'"{k}":null' for k in ENVELOPE_KEYS) + "}"


class FilterLogEventsReader:
    resource = "worker_activity"
    label = "FilterLogEvents pages"

    def __init__(self, mirror: Path, group_dir: Path) -> None:
        self.mirror, self.group_dir = mirror, group_dir

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.group_dir, "*.json")

    def rows(self, files: list[SourceFile], run: Run) -> str:
        prefix = str(self.mirror) + "/"
        # A page without an "events" array yields one marker row (message NULL, event_extra
        # naming the problem) so that staging quarantines it instead of it vanishing.
        return f"""
        WITH pages AS (
            SELECT filename, events
            FROM read_json({sql_list([f.path for f in files])}, columns={{'events': 'JSON[]'}},
                           format='auto', filename=true,
                           maximum_object_size={json_buffer_size(files)})
        ), events AS (
            SELECT filename,
                   unnest(CASE WHEN events IS NULL THEN [NULL::JSON] ELSE events END) AS e,
                   unnest(CASE WHEN events IS NULL THEN [0] ELSE range(1, len(events) + 1) END) AS i
            FROM pages
        )
        SELECT e->>'eventId' AS "eventId",
               e->>'logStreamName' AS "logStreamName",
               (e->>'timestamp')::BIGINT AS "timestamp",
               (e->>'ingestionTime')::BIGINT AS "ingestionTime",
               e->>'message' AS message,
               CASE WHEN e IS NULL THEN '{{"_gtwh_error": "page has no events array"}}'
                    ELSE nullif(json_merge_patch(e, '{_NO_ENVELOPE}')::VARCHAR, '{{}}') END
                   AS event_extra,
               NULL AS export_line_prefix,
               'filter_log_events' AS source_format,
               {run.lineage_sql()},
               replace(filename, {sql_str(prefix)}, '') AS _gtwh_source,
               i AS _gtwh_record_index
        FROM events
        """


class ExportFileReader:
    resource = "worker_activity"
    label = "CloudWatch Logs export files"

    def __init__(self, mirror: Path, group_dir: Path) -> None:
        self.mirror, self.group_dir = mirror, group_dir

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.group_dir, "*.gz")

    def rows(self, files: list[SourceFile], run: Run) -> str:
        prefix = str(self.mirror) + "/"
        # Lines are "<ISO timestamp> <message>": split on the first space only. The stream name
        # is the folder path from "aws/sagemaker/..." down, or the parent folder (moto flattens).
        return f"""
        WITH lines AS (
            SELECT filename, line, strpos(line, ' ') AS sp
            FROM read_csv({sql_list([f.path for f in files])}, columns={{'line': 'VARCHAR'}},
                          header=false, delim='\x01', quote='', escape='', compression='gzip',
                          filename=true, auto_detect=false)
            WHERE line IS NOT NULL
        )
        SELECT NULL AS "eventId",
               coalesce(nullif(regexp_extract(filename,
                            '(aws/sagemaker/groundtruth/worker-activity/.+)/[^/]+$', 1), ''),
                        regexp_extract(filename, '([^/]+)/[^/]+$', 1)) AS "logStreamName",
               epoch_ms(try_strptime(CASE WHEN sp > 0 THEN line[:sp - 1] ELSE line END,
                                     ['%Y-%m-%dT%H:%M:%S.%fZ', '%Y-%m-%dT%H:%M:%SZ'])) AS "timestamp",
               NULL AS "ingestionTime",
               CASE WHEN sp > 0 THEN line[sp + 1:] END AS message,
               NULL AS event_extra,
               CASE WHEN sp > 0 THEN line[:sp - 1] ELSE line END AS export_line_prefix,
               'export' AS source_format,
               {run.lineage_sql()},
               replace(filename, {sql_str(prefix)}, '') AS _gtwh_source,
               NULL AS _gtwh_record_index
        FROM lines
        """
