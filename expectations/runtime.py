"""The Great Expectations runtime: an offline, ephemeral context and a SQL data source on the
DuckDB warehouse, so that every expectation runs as SQL pushed down to DuckDB.

GX 1.24 does not know DuckDB as a dialect. Through SQLAlchemy (``duckdb-engine``) every
expectation then fails with ``MetricResolutionError: list index out of range``: GX returns the
pooled connection before it reads a result, and duckdb-engine drops pending results when a
connection goes back to the pool (GX issues #10738, #11579). GX already keeps one persisted
connection for the dialects that need it (sqlite, mssql, ...). :func:`persist_duckdb_connections`
adds ``duckdb`` to that private list. The workaround depends on a private GX name, so GX is
pinned tightly (pyproject) and ``tests/test_quality_engine.py`` proves that a failing
expectation is detected through it; if a GX upgrade drops the name, this module raises instead
of letting every check fail (or pass) silently.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

DIALECT = "duckdb"
# DuckDB draws a progress bar on long queries; the pipeline's output has its own lines.
QUIET = "set enable_progress_bar = false"


def bounded() -> dict[str, Any]:
    """DuckDB settings of every validation connection: the pipeline's memory limit (beyond it
    DuckDB spills the batch copies to disk), no order to preserve."""
    from extract.settings import duckdb_memory_limit

    return {"memory_limit": duckdb_memory_limit(), "preserve_insertion_order": False}


class GxRuntimeError(RuntimeError):
    """Great Expectations cannot validate on DuckDB here (a GX upgrade changed its internals)."""


class _Dialect(str):
    """A dialect name GX can compare both ways: ``"duckdb" in dialects`` and ``d.value``."""

    @property
    def value(self) -> str:
        return str(self)


def persist_duckdb_connections() -> None:
    """Make GX keep one persisted connection for DuckDB, as it does for sqlite. Idempotent."""
    try:
        from great_expectations.execution_engine import sqlalchemy_execution_engine as engine
    except ImportError as error:  # pragma: no cover - GX is a dependency
        raise GxRuntimeError(f"great_expectations is not importable: {error}") from error
    dialects = getattr(engine, "_PERSISTED_CONNECTION_DIALECTS", None)
    if not isinstance(dialects, tuple) or not hasattr(
        engine, "_dialect_requires_persisted_connection"
    ):
        import great_expectations

        raise GxRuntimeError(
            "great_expectations "
            f"{great_expectations.__version__} no longer has _PERSISTED_CONNECTION_DIALECTS: the "
            "DuckDB workaround in expectations/runtime.py must be revisited before upgrading GX"
        )
    if DIALECT not in dialects:
        engine._PERSISTED_CONNECTION_DIALECTS = (*dialects, _Dialect(DIALECT))


def context():
    """An ephemeral GX context: no files, no analytics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.enable_analytics(False)
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


@contextmanager
def warehouse_source(ctx: Any, warehouse: Path, *, name: str = "warehouse") -> Iterator[Any]:
    """A GX SQL data source on the DuckDB file, read-only; each batch is copied once into a
    temporary table so that a suite's expectations scan only the rows being validated. The
    connection is closed on exit, so that dbt can open the warehouse again in this process."""
    try:
        import duckdb_engine  # noqa: F401 - the SQLAlchemy dialect GX connects through
    except ImportError as error:
        raise GxRuntimeError(
            "duckdb-engine is not installed: it is a dependency in pyproject.toml; refresh the "
            "environment from a requirements.lock that includes it"
        ) from error
    persist_duckdb_connections()
    source = ctx.data_sources.add_or_update_sql(
        name,
        connection_string=f"duckdb:///{warehouse}",
        create_temp_table=True,
        kwargs={"connect_args": {"read_only": True, "config": bounded()}},
    )
    from sqlalchemy import event

    event.listen(
        source.get_execution_engine().engine, "connect", lambda dbapi, _: dbapi.execute(QUIET)
    )
    try:
        yield source
    finally:
        engine = source.get_execution_engine()
        connection = getattr(engine, "_connection", None)
        if connection is not None:
            with suppress(Exception):  # a read-only connection has nothing to roll back
                connection.close()
        engine.close()
        source.get_engine().dispose()
        ctx.data_sources.delete(name)
