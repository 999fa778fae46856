"""What every AWS extractor module shares during one run: clients, lake, state, report.

State lives in the lake's ledgers (``extract.lake``): each module keeps its watermarks and
skip-lists in ``ledger.cursor`` under a key that names the account scope (region, log group),
and passes the new cursor to the same ``Lake.commit`` that makes the covered rows durable.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from extract.lake import Lake, arrow_rows
from extract.results import ExtractionReport
from extract.runner import Progress, ResourceResult, Run
from extract.sources.aws.errors import AwsProblem, Problems
from extract.sources.aws.options import AwsOptions
from extract.sources.aws.session import Clients


@dataclass
class AwsExtractionReport(ExtractionReport):
    """An :class:`ExtractionReport` plus the parts of the account that could not be read."""

    problems: list[AwsProblem] = field(default_factory=list)


@dataclass
class AwsRun:
    options: AwsOptions
    clients: Clients
    lake: Lake
    con: duckdb.DuckDBPyConnection
    run: Run
    report: AwsExtractionReport
    spool_dir: Path
    progress: Progress
    problems: Problems = field(default_factory=Problems)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def region(self) -> str:
        return self.clients.region

    def result(self, resource: str, label: str) -> ResourceResult:
        result = ResourceResult(resource, label)
        self.report.results.append(result)
        return result

    def cursor(self, resource: str, key: str) -> dict[str, Any]:
        """A copy of this module's cursor ({} on a full refresh or a first run)."""
        if self.options.full_refresh:
            return {}
        return copy.deepcopy(self.lake.ledger(resource).cursor.get(key, {}))

    def save_cursor(self, resource: str, key: str, value: dict[str, Any]) -> None:
        """Record state that covers no new rows (e.g. "this job's output is complete")."""
        ledger = self.lake.ledger(resource)
        ledger.cursor[key] = value
        ledger.save()

    def commit(
        self,
        resource: str,
        rows: list[dict[str, Any]],
        *,
        sources: dict[str, str],
        cursor: dict[str, Any] | None = None,
    ) -> int:
        """Land rows built in memory, recording ``sources`` and ``cursor`` in the same commit."""
        return self.lake.commit_arrow(
            self.con,
            resource,
            arrow_rows(resource, rows),
            sources=sources,
            run_id=self.run.run_id,
            cursor=cursor,
        )

    def landed_fingerprint(self, resource: str, key: str) -> str | None:
        """The content part of a source's fingerprint (``<content>@<run id>``), if landed."""
        if self.options.full_refresh:
            return None
        entry = self.lake.ledger(resource).sources.get(key)
        return entry["fingerprint"].split("@")[0] if entry else None

    def unique(self, content: str) -> str:
        """A fingerprint that is new for every run, so that a commit never reuses a file name."""
        return f"{content}@{self.run.run_id}"

    def lake_query(self, resource: str, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Run ``sql`` with ``{lake}`` standing for the resource's committed Parquet files."""
        files = sorted(str(p) for p in self.lake.dataset_dir(resource).glob("*.parquet"))
        if not files:
            return []
        listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
        query = sql.replace("{lake}", f"read_parquet({listing}, union_by_name=true)")
        return self.con.execute(query, params or []).fetchall()

    def clear_spool(self) -> Path:
        shutil.rmtree(self.spool_dir, ignore_errors=True)
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        return self.spool_dir
