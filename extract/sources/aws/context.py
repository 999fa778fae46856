"""What every AWS extractor module shares during one run: clients, lake, state, report.

Each module is a generator of :class:`extract.runner.Page` from its cursor, landed by
:meth:`AwsRun.land` (the shared :class:`extract.runner.Runner`). State lives in the lake's
ledgers (``extract.lake``): a module keeps its watermarks and skip-lists in ``ledger.cursor``
under a key that names the account scope (region, log group), and a page carries the new cursor
into the same commit that makes the page's rows durable.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from extract.lake import Lake
from extract.results import ExtractionReport
from extract.runner import Page, Progress, Reader, ResourceResult, Run, Runner
from extract.sources.aws.errors import AwsProblem, Problems
from extract.sources.aws.options import AwsOptions
from extract.sources.aws.session import Clients

T = TypeVar("T")


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

    @property
    def runner(self) -> Runner:
        return Runner(self.lake, self.con, self.run, self.progress)

    def land(
        self, result: ResourceResult, pages: Generator[Page, None, T], unit: str = "pages"
    ) -> T:
        """Commit the pages of an API reader (see :meth:`extract.runner.Runner.land`)."""
        return self.runner.land(result, pages, unit=unit)

    def save_state(self, resource: str, key: str, value: dict[str, Any]) -> None:
        """Set cursor state that covers no new rows (e.g. "this job's output is complete")."""
        self.runner.commit(Page(resource, cursor={key: value}, units=0))

    def read(self, reader: Reader) -> ResourceResult:
        """Land a file reader's new units (S3 objects)."""
        return self.runner.read(reader)

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
