"""Shared fixtures: isolated data folders and dbt target paths, so tests run in parallel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extract.settings import Settings

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.pop("GTWH_WAREHOUSE", None)
os.environ.pop("GTWH_DATA_DIR", None)


def isolated_settings(root: Path) -> Settings:
    """Settings whose data, warehouse and dbt target all live under ``root``."""
    base = Settings.from_env(data_dir=root / "data")
    return Settings(
        data_dir=base.data_dir, warehouse=base.warehouse, dbt_target_dir=root / "dbt-target"
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return isolated_settings(tmp_path)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    path = tmp_path / "mirror"
    path.mkdir()
    return path
