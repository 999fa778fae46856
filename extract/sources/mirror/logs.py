"""Worker activity: FilterLogEvents pages (JSON) and CreateExportTask files (gzip lines).

Both land in ``worker_activity`` unchanged: the event envelope as AWS gives it, the ``message``
string untouched, and any envelope key AWS does not document in ``event_extra``. The lake adds
the message's fields and times, typed, beside it (extract/parsing.py, applied by
:func:`extract.lake.stored_rows` to every reader's rows), in the same DuckDB scan.
"""

from __future__ import annotations

from pathlib import Path

from extract.runner import Run, SourceFile, sql_list, sql_str
from extract.sources.mirror.files import find, json_buffer_size

ENVELOPE_KEYS = ("eventId", "logStreamName", "timestamp", "ingestionTime", "message")
_NO_ENVELOPE = "{" + ",".join(f'"{k}":null' for k in ENVELOPE_KEYS) + "}"


# A page whose events hold only the documented envelope keys, with the documented JSON types, is
# read by the fast path: parsed once into typed columns. Any other page (an unknown key, a
# non-object event, a number as a string, no "events" array) takes the general path, which keeps
# every key. json_structure() merges the keys and types of all of a page's events.
_PLAIN_PAGE = """coalesce(json_type(s, '$.events') = 'ARRAY' and (
    (s->'$.events[0]')::varchar = '"NULL"'
    or (json_type(s, '$.events[0]') = 'OBJECT' and len(list_filter(json_keys(s, '$.events[0]'),
        k -> not ((k in ('eventId', 'logStreamName', 'message')
                   and (s->'$.events[0]'->>k) in ('VARCHAR', 'NULL'))
               or (k in ('timestamp', 'ingestionTime')
                   and (s->'$.events[0]'->>k) in ('UBIGINT', 'BIGINT', 'NULL'))))) = 0)), false)"""
_ENVELOPE = (
    '{"events": [{"eventId": "VARCHAR", "logStreamName": "VARCHAR", '
    '"timestamp": "BIGINT", "ingestionTime": "BIGINT", "message": "VARCHAR"}]}'
)


class FilterLogEventsReader:
    resource = "worker_activity"
    label = "FilterLogEvents pages"
    # A batch's parsed pages are held in memory while they are written: keep batches small.
    max_bytes = 96 * 1024 * 1024

    def __init__(self, mirror: Path, group_dir: Path) -> None:
        self.mirror, self.group_dir = mirror, group_dir

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.group_dir, "*.json")

    def query(self, con, files: list[SourceFile], run: Run) -> str:
        """Parse the batch's pages once (kept in a temporary table: unnesting straight from the
        parse would parse a page again for every vector of its events), sorting out the pages
        the fast path cannot read exactly."""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _gtwh_pages AS
            SELECT filename, plain, CASE WHEN plain THEN from_json(content, '{_ENVELOPE}').events
                                    END AS events
            FROM (SELECT filename, content, {_PLAIN_PAGE} AS plain
                  FROM (SELECT filename, content, json_structure(content) AS s
                        FROM read_text({sql_list([f.path for f in files])})))
        """)
        general = [
            r[0]
            for r in con.execute(
                "SELECT filename FROM _gtwh_pages WHERE NOT plain ORDER BY 1"
            ).fetchall()
        ]
        prefix = str(self.mirror) + "/"
        # The events are unnested into a table of their own first: a batch is a few hundred
        # pages, one row group, which one thread reads; parsing the messages and writing
        # Parquet straight from it would run on that one thread too.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _gtwh_events AS
            SELECT "eventId", "logStreamName", "timestamp", "ingestionTime", message,
                   NULL AS event_extra, NULL AS export_line_prefix,
                   'filter_log_events' AS source_format, {run.lineage_sql()},
                   replace(filename, {sql_str(prefix)}, '') AS _gtwh_source,
                   i AS _gtwh_record_index
            FROM (SELECT filename, unnest(events, recursive := true),
                         unnest(range(1, len(events) + 1)) AS i
                  FROM _gtwh_pages WHERE plain)
        """)
        con.execute("DROP TABLE _gtwh_pages")
        fast = "SELECT * FROM _gtwh_events"
        if not general:
            return fast
        return f"({fast}) UNION ALL ({self.rows([Path(f) for f in general], run)})"

    def rows(self, files: list[SourceFile] | list[Path], run: Run) -> str:
        """The general path: every event as JSON, undocumented keys kept in ``event_extra``."""
        paths = [f if isinstance(f, Path) else f.path for f in files]
        prefix = str(self.mirror) + "/"
        buffer = json_buffer_size([SourceFile.of(p, self.mirror) for p in paths])
        # A page without an "events" array yields one marker row (message NULL, event_extra
        # naming the problem) so that staging quarantines it instead of it vanishing.
        return f"""
        WITH pages AS (
            SELECT filename, events
            FROM read_json({sql_list(paths)}, columns={{'events': 'JSON[]'}},
                           format='auto', filename=true,
                           maximum_object_size={buffer})
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
    # A batch's lines are held in a table while they are typed and written (about 8x their
    # gzip size): keep batches small.
    max_bytes = 64 * 1024 * 1024

    def __init__(self, mirror: Path, group_dir: Path) -> None:
        self.mirror, self.group_dir = mirror, group_dir

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.group_dir, "*.gz")

    def query(self, con, files: list[SourceFile], run: Run) -> str:
        """The batch's lines, read into a table first: the line numbers need one ordered pass
        (below), and what follows it (parsing the messages, writing Parquet) would otherwise
        run on that one thread."""
        con.execute(f"CREATE OR REPLACE TEMP TABLE _gtwh_lines AS {self.rows(files, run)}")
        return "SELECT * FROM _gtwh_lines"

    def rows(self, files: list[SourceFile], run: Run) -> str:
        prefix = str(self.mirror) + "/"
        # Lines are "<ISO timestamp> <message>": split on the first space only. The stream name
        # is the folder path from "aws/sagemaker/..." down, or the parent folder (moto flattens).
        # The stream name and source key are worked out once per file, not once per line.
        # A line's number in its file is its position, the identity of an event without an
        # eventId (docs/data-quality.md, "Re-deliveries"): the scan keeps file order (one reader
        # per gzip file, insertion order preserved), so row_number() over () minus the file's
        # first row number is the line number. Blank lines are counted, then dropped.
        return f"""
        WITH files AS (
            SELECT filename,
                   coalesce(nullif(regexp_extract(filename,
                                '(aws/sagemaker/groundtruth/worker-activity/.+)/[^/]+$', 1), ''),
                            regexp_extract(filename, '([^/]+)/[^/]+$', 1)) AS stream,
                   replace(filename, {sql_str(prefix)}, '') AS source_key
            FROM (SELECT unnest({sql_list([f.path for f in files])}) AS filename)
        ), scanned AS (
            SELECT filename, line, row_number() OVER () AS n
            FROM read_csv({sql_list([f.path for f in files])}, columns={{'line': 'VARCHAR'}},
                          header=false, delim='\x01', quote='', escape='', compression='gzip',
                          filename=true, auto_detect=false)
        ), firsts AS (
            SELECT filename, min(n) AS n0 FROM scanned GROUP BY filename
        ), lines AS (
            SELECT filename, line, strpos(line, ' ') AS sp, n - n0 + 1 AS line_number
            FROM scanned JOIN firsts USING (filename)
            WHERE line IS NOT NULL AND line != ''
        )
        SELECT NULL AS "eventId",
               files.stream AS "logStreamName",
               epoch_ms(try_strptime(CASE WHEN sp > 0 THEN line[:sp - 1] ELSE line END,
                                     ['%Y-%m-%dT%H:%M:%S.%fZ', '%Y-%m-%dT%H:%M:%SZ'])) AS "timestamp",
               NULL AS "ingestionTime",
               CASE WHEN sp > 0 THEN line[sp + 1:] END AS message,
               NULL AS event_extra,
               CASE WHEN sp > 0 THEN line[:sp - 1] ELSE line END AS export_line_prefix,
               'export' AS source_format,
               {run.lineage_sql()},
               files.source_key AS _gtwh_source,
               line_number AS _gtwh_record_index
        FROM lines JOIN files USING (filename)
        """
