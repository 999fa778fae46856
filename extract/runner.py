"""The one loop every source shares: discover -> skip what the ledger has -> batch -> commit.

A reader declares its resource, how to find its source units and how to turn a batch of them
into rows (a DuckDB query or an Arrow table). The runner owns state: a unit is marked consumed
only in the same commit that makes its rows durable (see :mod:`extract.lake`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from extract.lake import Lake, arrow_rows


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


class Reader(Protocol):
    """A reader may also define ``query(con, files, run) -> str`` (used instead of ``rows``
    when it needs to look at the files with DuckDB first) and ``max_files`` / ``max_bytes``
    (its batch size)."""

    resource: str
    label: str  # what the reader reads, for messages ("FilterLogEvents pages")

    def discover(self) -> list[SourceFile]: ...

    def rows(self, files: list[SourceFile], run: Run) -> str | pa.Table: ...


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


def run_reader(
    lake: Lake,
    con: duckdb.DuckDBPyConnection,
    reader: Reader,
    run: Run,
    *,
    progress: Progress | None = None,
    max_files: int = 256,
    max_bytes: int = 512 * 1024 * 1024,
) -> ResourceResult:
    """Land every new or changed unit of ``reader`` into the lake."""
    result = ResourceResult(reader.resource, reader.label)
    found = reader.discover()
    result.units_seen = len(found)
    ledger = lake.ledger(reader.resource)
    todo = [f for f in found if not ledger.is_current(f.key, f.fingerprint)]
    result.units_new = len(todo)
    started = time.monotonic()
    done = 0
    max_files = getattr(reader, "max_files", max_files)
    max_bytes = getattr(reader, "max_bytes", max_bytes)
    for batch in _batches(todo, max_files, max_bytes):
        try:
            result.rows += _commit(lake, con, reader, batch, run)
        except (duckdb.Error, ValueError, KeyError, TypeError) as batch_error:
            if len(batch) == 1:
                _reject(lake, con, reader, batch[0], run, batch_error)
                result.rejected.append((batch[0].key, _reason(batch_error)))
            else:
                for unit in batch:  # find the bad unit(s); the good ones land as usual
                    try:
                        result.rows += _commit(lake, con, reader, [unit], run)
                    except (duckdb.Error, ValueError, KeyError, TypeError) as error:
                        _reject(lake, con, reader, unit, run, error)
                        result.rejected.append((unit.key, _reason(error)))
        done += len(batch)
        if progress:
            progress.update(reader.resource, done, len(todo), result.rows, started)
    if progress and todo:
        progress.done()
    return result


def _commit(lake: Lake, con, reader: Reader, batch: list[SourceFile], run: Run) -> int:
    query = getattr(reader, "query", None)
    rows = query(con, batch, run) if query is not None else reader.rows(batch, run)
    sources = {f.key: f.fingerprint for f in batch}
    if isinstance(rows, pa.Table):
        return lake.commit_arrow(con, reader.resource, rows, sources=sources, run_id=run.run_id)
    return lake.commit(con, reader.resource, rows, sources=sources, run_id=run.run_id)


def _reason(error: Exception) -> str:
    if isinstance(error, duckdb.Error | ValueError):
        return "unreadable_file"
    return "unexpected_shape"


def _reject(lake: Lake, con, reader: Reader, unit: SourceFile, run: Run, error: Exception) -> None:
    """Record an unreadable unit in ``rejected_files`` and mark it consumed for its resource."""
    row = {
        "resource": reader.resource,
        "reason": _reason(error),
        "detail": f"{type(error).__name__}: {str(error).splitlines()[0][:500] if str(error) else ''}",
        "size_bytes": unit.size,
        **run.lineage(unit.key, None),
    }
    key = f"{reader.resource}:{unit.key}"
    lake.commit_arrow(
        con,
        "rejected_files",
        arrow_rows("rejected_files", [row]),
        sources={key: unit.fingerprint},
        run_id=run.run_id,
    )
    lake.mark_consumed(reader.resource, {unit.key: unit.fingerprint})
