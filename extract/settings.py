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

    ``GTWH_DATA_DIR`` (default ``./data``) holds the lake, the simulator's mirror and reports;
    ``GTWH_WAREHOUSE`` (default ``<data>/warehouse.duckdb``) is the DuckDB file dbt builds.
    """

    data_dir: Path
    warehouse: Path
    project_dir: Path = PROJECT_DIR
    dbt_target_dir: Path | None = None  # default: dbt's own (DBT_TARGET_PATH or ./target)

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
            "GTWH_LAKE_DIR": str(self.lake_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }

    @classmethod
    def from_env(cls, *, data_dir: Path | str | None = None) -> Settings:
        base = Path(data_dir or os.environ.get("GTWH_DATA_DIR") or PROJECT_DIR / "data")
        base = base.resolve()
        warehouse = os.environ.get("GTWH_WAREHOUSE") if data_dir is None else None
        return cls(
            data_dir=base,
            warehouse=Path(warehouse).resolve() if warehouse else base / "warehouse.duckdb",
        )
