"""Where things live. Every path comes from the environment, with defaults under ``./data``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit for every connection the pipeline opens (dbt's profile reads the
    same variable): beyond it DuckDB spills to disk, so memory stays flat as history grows."""
    return os.environ.get("GTWH_DUCKDB_MEMORY_LIMIT") or "1GB"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Resolved paths for one pipeline run.

    ``GTWH_DATA_DIR`` (default ``./data``) holds the lake, the simulator's mirror and reports.
    Two DuckDB files, so that readers and the builder never share a lock (extract/publish.py):

    - ``GTWH_WAREHOUSE`` (default ``<data>/warehouse.duckdb``): the **published** warehouse,
      what readers open, always read-only (``make sql``, the reports, ``gtwh docs``). Only
      replaced whole, by an atomic rename.
    - ``GTWH_BUILD_WAREHOUSE`` (default ``build/`` next to it: ``<data>/build/warehouse.duckdb``):
      the **build** file dbt writes (the pipeline and a hand-run ``dbt run``). It persists between
      runs, so incremental models build on the previous state.
    """

    data_dir: Path
    warehouse: Path
    project_dir: Path = PROJECT_DIR
    dbt_target_dir: Path | None = None  # default: dbt's own (DBT_TARGET_PATH or ./target)
    build: Path | None = None  # default: build_warehouse_for(warehouse)

    @property
    def published_warehouse(self) -> Path:
        """The file readers open (read-only): see :func:`published_warehouse`."""
        return self.warehouse

    @property
    def build_warehouse(self) -> Path:
        """The file dbt builds into: see :func:`build_warehouse`."""
        return self.build or build_warehouse_for(self.warehouse)

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / "lake"

    @property
    def simulator_dir(self) -> Path:
        return self.data_dir / "simulator"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    def env(self) -> dict[str, str]:
        """Environment variables that dbt's profile and sources read."""
        return {
            "GTWH_DATA_DIR": str(self.data_dir),
            "GTWH_WAREHOUSE": str(self.warehouse),
            "GTWH_BUILD_WAREHOUSE": str(self.build_warehouse),
            "GTWH_LAKE_DIR": str(self.lake_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }

    @classmethod
    def from_env(cls, *, data_dir: Path | str | None = None) -> Settings:
        base = Path(data_dir or os.environ.get("GTWH_DATA_DIR") or PROJECT_DIR / "data")
        base = base.resolve()
        warehouse = os.environ.get("GTWH_WAREHOUSE") if data_dir is None else None
        build = os.environ.get("GTWH_BUILD_WAREHOUSE") if data_dir is None else None
        return cls(
            data_dir=base,
            warehouse=Path(warehouse).resolve() if warehouse else base / "warehouse.duckdb",
            build=Path(build).resolve() if build else None,
        )


def build_warehouse_for(published: Path) -> Path:
    """The default build file of a published warehouse: ``<its folder>/build/<its name>``
    (profiles.yml derives the same path for a hand-run dbt)."""
    return published.parent / "build" / published.name


def published_warehouse(settings: Settings | None = None) -> Path:
    """The published warehouse: the one path every reader opens, read-only (``make sql``, the
    run summary, the data-quality and operations reports, ``gtwh docs``). Replaced whole by each
    publish; an open reader keeps the snapshot it opened. Open it with
    :func:`extract.publish.connect_published`."""
    return (settings or Settings.from_env()).published_warehouse


def build_warehouse(settings: Settings | None = None) -> Path:
    """The build file dbt writes and the pipeline's validation reads; never opened by readers."""
    return (settings or Settings.from_env()).build_warehouse
