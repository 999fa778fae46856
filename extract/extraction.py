"""Landing a source into the lake: every reader, one run id, one DuckDB connection."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extract.lake import Lake
from extract.results import ExtractionReport
from extract.runner import Progress, Reader, Run, Runner
from extract.settings import Settings, duckdb_memory_limit


def connect_scratch(
    *, memory_limit: str | None = None, temp_directory: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for landing data: bounded memory (spilling to ``temp_directory``),
    order not preserved."""
    config = {
        "memory_limit": memory_limit or duckdb_memory_limit(),
        "preserve_insertion_order": False,
    }
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(config=config)
    con.execute("SET TimeZone = 'UTC'")
    # a long landing query would otherwise draw DuckDB's progress bar into the run's output
    con.execute("SET enable_progress_bar = false")
    return con


def land(
    settings: Settings, readers: list[Reader], *, source: str, absent: list[str]
) -> ExtractionReport:
    """Run every reader into the lake under one run id."""
    lake = Lake(settings.lake_dir)
    run = Run.start()
    con = connect_scratch(temp_directory=settings.data_dir / "tmp")
    try:
        orphans = lake.prepare(con)
        report = ExtractionReport(run.run_id, source, absent=absent, orphans_removed=len(orphans))
        runner = Runner(lake, con, run, Progress())
        for reader in readers:
            report.results.append(runner.read(reader))
    finally:
        con.close()
    return report
