"""GetMetricData responses: one row per data point, joined to the query that asked for it.

A response says only a query ``Id``; the metric (namespace, name, dimensions) is in the request.
A mirror file may therefore carry ``MetricDataQueries`` beside ``MetricDataResults``; without it
the query column is NULL and the label is all that identifies the series.

One DuckDB scan per batch (no Python loop per data point: at 10 million events a batch holds
about 1.2 million points, which as Python dicts took 1.5 GB, the extract stage's peak).
"""

from __future__ import annotations

from pathlib import Path

from extract.runner import Run, SourceFile, sql_list, sql_str
from extract.sources.mirror.files import find

_DOCS, _RESULTS = "_gtwh_metric_docs", "_gtwh_metric_results"


class MetricDataReader:
    resource = "metric_data"
    label = "GetMetricData responses"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.mirror / "cloudwatch" / "get-metric-data", "*.json")

    def query(self, con, files: list[SourceFile], run: Run) -> str:
        """Parse the batch's files once (a temporary table), refuse a file that is not a
        response (a malformed file is then landed as a rejected_files row by the runner, file
        by file), and return the rows: per result, its points in order (Timestamps and Values
        zipped; a result without points is one row without a point), numbered across the file's
        results from 1, each with its query as JSON text (the last query of that Id)."""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {_DOCS} AS
            SELECT filename, doc,
                   coalesce(json_type(doc) = 'OBJECT'
                            AND json_type(doc, '$.MetricDataResults') = 'ARRAY', false) AS shaped
            FROM (SELECT filename, content::JSON AS doc
                  FROM read_text({sql_list([f.path for f in files])}))
        """)
        bad = con.execute(f"SELECT min(filename) FROM {_DOCS} WHERE NOT shaped").fetchone()[0]
        if bad is not None:
            raise KeyError(f"{Path(bad).name}: no 'MetricDataResults' list")
        # each result's fields taken out once (a JSON value is parsed again at every use)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {_RESULTS} AS
            SELECT filename, r, res->>'$.Id' AS query_id, res->>'$.Label' AS label,
                   res->>'$.StatusCode' AS status_code,
                   coalesce(res->'$.Timestamps[*]', []) AS ts,
                   coalesce(res->'$.Values[*]', []) AS vals
            FROM (SELECT filename, unnest(l) AS res, unnest(range(1, len(l) + 1)) AS r
                  FROM (SELECT filename, doc->'$.MetricDataResults[*]' AS l FROM {_DOCS}))
        """)
        uneven = con.execute(
            f"SELECT min(filename) FROM {_RESULTS} WHERE len(ts) != len(vals)"
        ).fetchone()[0]
        if uneven is not None:
            raise ValueError(f"{Path(uneven).name}: Timestamps and Values differ in length")
        prefix = str(self.mirror) + "/"
        return f"""
        WITH queries AS (
            SELECT filename, q->>'$.Id' AS id, q::VARCHAR AS query
            FROM (SELECT filename, unnest(l) AS q, unnest(range(1, len(l) + 1)) AS n
                  FROM (SELECT filename, coalesce(doc->'$.MetricDataQueries[*]', []) AS l
                        FROM {_DOCS}))
            QUALIFY row_number() OVER (PARTITION BY filename, id ORDER BY n DESC) = 1
        ), numbered AS (
            -- the points before this result's in its file (a result without points counts 1)
            SELECT *, coalesce(sum(greatest(len(ts), 1)) OVER (
                          PARTITION BY filename ORDER BY r
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
            FROM {_RESULTS}
        ), points AS (
            SELECT filename, query_id, label, status_code, before,
                   unnest(CASE WHEN ts = [] THEN [NULL::JSON] ELSE ts END) AS ts,
                   unnest(CASE WHEN ts = [] THEN [NULL::JSON] ELSE vals END) AS value,
                   unnest(CASE WHEN ts = [] THEN [1] ELSE range(1, len(ts) + 1) END) AS p
            FROM numbered
        )
        SELECT points.query_id,
               queries.query,
               points.label,
               points.status_code,
               points.ts->>'$' AS point_timestamp,
               (points.value->>'$')::DOUBLE AS point_value,
               {run.lineage_sql()},
               replace(points.filename, {sql_str(prefix)}, '') AS _gtwh_source,
               points.before + points.p AS _gtwh_record_index
        FROM points
        LEFT JOIN queries ON queries.filename = points.filename AND queries.id = points.query_id
        """
