"""The one runner every source shares: a reader yields pages, the runner commits them.

A page (:class:`Page`) is rows of one resource plus the state they move: the source units they
cover (key -> fingerprint) and the reader's cursor. :meth:`Runner.land` commits each page with
:meth:`extract.lake.Lake.commit` (rows, ledger and cursor in one commit) before the reader is
resumed, so whatever a reader does after ``yield`` happens after its data is durable.

Two kinds of reader use it:

- file readers (:class:`Reader`: the mirror's, and the S3 objects of the AWS source) declare how
  to find their units and how to turn a batch of them into rows; :meth:`Runner.read` skips the
  units the ledger holds, batches the rest and lands a bad file as a ``rejected_files`` row;
- the AWS API readers (``extract.sources.aws``) are generators of pages from their cursor.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb
import pyarrow as pa

from extract.lake import Lake, arrow_rows

# What a failing batch raises while its rows are built or written (a malformed file); AWS and
# programming errors are not among them and stop the run.
ROW_ERRORS = (duckdb.Error, ValueError, KeyError, TypeError)
T = TypeVar("T")


@dataclass(frozen=True)
class SourceFile:
    key: str  # stable name of the unit, e.g. the path relative to the mirror
    path: Path
    size: int
    fingerprint: str

    @classmethod
    def of(cls, path: Path, root: Path) -> SourceFile:
        st = path.stat()
        return cls(
            path.relative_to(root).as_posix(), path, st.st_size, f"{st.st_size}:{st.st_mtime_ns}"
        )


@dataclass(frozen=True)
class Run:
    run_id: str
    extracted_at: datetime

    @classmethod
    def start(cls) -> Run:
        now = datetime.now(UTC).replace(tzinfo=None)
        return cls(now.strftime("%Y%m%dT%H%M%S%fZ"), now)

    def lineage_sql(self) -> str:
        return (
            f"'{self.run_id}' AS _gtwh_run_id, "
            f"TIMESTAMP '{self.extracted_at.isoformat(sep=' ')}' AS _gtwh_extracted_at"
        )

    def lineage(self, source: str, index: int | None) -> dict[str, object]:
        return {
            "_gtwh_run_id": self.run_id,
            "_gtwh_extracted_at": self.extracted_at,
            "_gtwh_source": source,
            "_gtwh_record_index": index,
        }


@dataclass
class ResourceResult:
    resource: str
    label: str
    units_seen: int = 0
    units_new: int = 0
    rows: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    absent: bool = False


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(sql_str(str(p)) for p in paths) + "]"


def _batches(files: list[SourceFile], max_files: int, max_bytes: int) -> Iterator[list[SourceFile]]:
    batch: list[SourceFile] = []
    size = 0
    for f in files:
        if batch and (len(batch) >= max_files or size + f.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(f)
        size += f.size
    if batch:
        yield batch


class Progress:
    """One line per resource on a terminal; silent otherwise (CI, pipes, cron)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def update(
        self,
        resource: str,
        units: int,
        total: int | None,
        rows: int,
        started: float,
        *,
        unit: str = "files",
    ) -> None:
        """``total=None`` when the number of units is not known up front (API pages)."""
        if not self.enabled:
            return
        rate = rows / max(time.monotonic() - started, 1e-6)
        done = f"{units}/{total}" if total is not None else f"{units:,}"
        self.stream.write(
            f"\r  {resource:<24} {done} {unit}  {rows:>12,} rows  {rate:>10,.0f} rows/s"
        )
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Reader(Protocol):
    """A reader of files (source units). It may also define ``query(con, files, run) -> str``
    (used instead of ``rows`` when it needs to look at the files with DuckDB first) and
    ``max_files`` / ``max_bytes`` (its batch size)."""

    resource: str
    label: str  # what the reader reads, for messages ("FilterLogEvents pages")

    def discover(self) -> list[SourceFile]: ...

    def rows(self, files: list[SourceFile], run: Run) -> str | pa.Table: ...


@dataclass(frozen=True)
class Page:
    """One durable step of a reader.

    ``rows``: a DuckDB query, an Arrow table or row dicts of ``resource`` (lineage included);
    empty when only state moves. ``sources``: the source units the page covers (key ->
    fingerprint), recorded in the resource's ledger. ``cursor``: entries of the resource's
    cursor set in the same commit. ``units``: how many units the page counts as in the run
    summary (pages, files, described jobs).
    """

    resource: str
    rows: str | pa.Table | list[dict[str, Any]] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    cursor: Mapping[str, Any] | None = None
    units: int = 1


@dataclass
class Runner:
    lake: Lake
    con: duckdb.DuckDBPyConnection
    run: Run
    progress: Progress

    def commit(self, page: Page) -> int:
        """Write one page; returns the number of rows it landed."""
        rows = page.rows
        if not isinstance(rows, str | pa.Table):
            rows = arrow_rows(page.resource, rows) if rows else None
        return self.lake.commit(
            self.con,
            page.resource,
            rows,
            sources=dict(page.sources),
            run_id=self.run.run_id,
            cursor=dict(page.cursor) if page.cursor is not None else None,
        )

    def land(
        self,
        result: ResourceResult,
        pages: Generator[Page, None, T],
        *,
        total: int | None = None,
        unit: str = "pages",
    ) -> T:
        """Commit every page the reader yields, in order; returns what the reader returns.

        The reader is resumed only after its page is durable. A page whose rows cannot be
        built or written (:data:`ROW_ERRORS`) is raised inside the reader, at its ``yield``:
        the reader may catch it and yield smaller pages (file readers do), or let it stop
        the run. Rows and units of pages of ``result.resource`` are added to ``result``.
        """
        started = time.monotonic()
        failure: Exception | None = None
        try:
            while True:
                try:
                    page = pages.throw(failure) if failure else next(pages)
                except StopIteration as stop:
                    return stop.value
                try:
                    landed, failure = self.commit(page), None
                except ROW_ERRORS as error:
                    failure = error
                    continue
                if page.resource == result.resource:
                    result.rows += landed
                    result.units_new += page.units
                    self.progress.update(
                        result.resource, result.units_new, total, result.rows, started, unit=unit
                    )
        finally:
            if result.units_new:
                self.progress.done()

    def read(
        self, reader: Reader, *, max_files: int = 256, max_bytes: int = 512 * 1024 * 1024
    ) -> ResourceResult:
        """Land every new or changed unit of a file reader."""
        result = ResourceResult(reader.resource, reader.label)
        found = reader.discover()
        result.units_seen = len(found)
        ledger = self.lake.ledger(reader.resource)
        todo = [f for f in found if not ledger.is_current(f.key, f.fingerprint)]
        batches = _batches(
            todo, getattr(reader, "max_files", max_files), getattr(reader, "max_bytes", max_bytes)
        )
        self.land(result, self._file_pages(reader, batches, result), total=len(todo), unit="files")
        return result

    def _file_pages(
        self, reader: Reader, batches: Iterator[list[SourceFile]], result: ResourceResult
    ) -> Generator[Page, None, None]:
        for batch in batches:
            try:
                yield self._file_page(reader, batch)
            except ROW_ERRORS as batch_error:
                if len(batch) == 1:
                    yield from _rejection(reader, batch[0], self.run, batch_error, result)
                    continue
                for unit in batch:  # find the bad unit(s); the good ones land as usual
                    try:
                        yield self._file_page(reader, [unit])
                    except ROW_ERRORS as error:
                        yield from _rejection(reader, unit, self.run, error, result)

    def _file_page(self, reader: Reader, batch: list[SourceFile]) -> Page:
        query = getattr(reader, "query", None)
        rows = query(self.con, batch, self.run) if query else reader.rows(batch, self.run)
        sources = {f.key: f.fingerprint for f in batch}
        return Page(reader.resource, rows, sources, units=len(batch))


def _reason(error: Exception) -> str:
    if isinstance(error, duckdb.Error | ValueError):
        return "unreadable_file"
    return "unexpected_shape"


def _rejection(
    reader: Reader, unit: SourceFile, run: Run, error: Exception, result: ResourceResult
) -> Iterator[Page]:
    """An unreadable unit: a ``rejected_files`` row, then the unit marked read (no rows)."""
    detail = str(error).splitlines()[0][:500] if str(error) else ""
    row = {
        "resource": reader.resource,
        "reason": _reason(error),
        "detail": f"{type(error).__name__}: {detail}",
        "size_bytes": unit.size,
        **run.lineage(unit.key, None),
    }
    yield Page(
        "rejected_files", [row], {f"{reader.resource}:{unit.key}": unit.fingerprint}, units=0
    )
    yield Page(reader.resource, sources={unit.key: unit.fingerprint})
    result.rejected.append((unit.key, _reason(error)))
