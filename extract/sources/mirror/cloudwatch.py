"""GetMetricData responses: one row per data point, joined to the query that asked for it.

A response says only a query ``Id``; the metric (namespace, name, dimensions) is in the request.
A mirror file may therefore carry ``MetricDataQueries`` beside ``MetricDataResults``; without it
the query column is NULL and the label is all that identifies the series.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from extract.lake import arrow_rows
from extract.runner import Run, SourceFile
from extract.sources.mirror.files import find


class MetricDataReader:
    resource = "metric_data"
    label = "GetMetricData responses"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.mirror / "cloudwatch" / "get-metric-data", "*.json")

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            doc = json.loads(f.path.read_text())
            if not isinstance(doc, dict) or not isinstance(doc.get("MetricDataResults"), list):
                raise KeyError(f"{f.path.name}: no 'MetricDataResults' list")
            queries = {q["Id"]: json.dumps(q) for q in doc.get("MetricDataQueries", [])}
            index = 0
            for result in doc["MetricDataResults"]:
                points = list(
                    zip(result.get("Timestamps", []), result.get("Values", []), strict=True)
                )
                for ts, value in points or [(None, None)]:
                    index += 1
                    out.append(
                        {
                            "query_id": result.get("Id"),
                            "query": queries.get(result.get("Id")),
                            "label": result.get("Label"),
                            "status_code": result.get("StatusCode"),
                            "point_timestamp": ts if ts is None else str(ts),
                            "point_value": value,
                            **run.lineage(f.key, index),
                        }
                    )
        return arrow_rows(self.resource, out)
