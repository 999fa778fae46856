"""`.env.example` lists every setting the code reads, and only those; the Makefile applies `.env`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"\bGTWH_[A-Z0-9_]*[A-Z0-9]\b")
READ_BY = ["extract", "expectations", "models", "macros", "profiles.yml", "dbt_project.yml"]


def _names_in_code() -> set[str]:
    names: set[str] = set()
    for entry in READ_BY:
        path = PROJECT / entry
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for f in files:
            if f.suffix in {".py", ".sql", ".yml", ".yaml"}:
                names |= set(NAME.findall(f.read_text()))
    return names - {"GTWH_AWS"}  # the prefix itself, in docstrings


def _names_listed() -> set[str]:
    text = (PROJECT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*(GTWH_[A-Z0-9_]+)", text, flags=re.M))


def test_every_setting_the_code_reads_is_listed():
    missing = _names_in_code() - _names_listed()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_every_listed_setting_is_read_somewhere():
    stale = _names_listed() - _names_in_code()
    assert not stale, f"no longer read, remove from .env.example: {sorted(stale)}"


def test_the_makefile_exports_the_settings_of_dot_env(tmp_path):
    """`make` reads `.env` from its folder: run the Makefile's own preamble on a copy."""
    (tmp_path / "Makefile").write_text(
        (PROJECT / "Makefile").read_text() + '\nshow:\n\t@echo "[$$GTWH_DUCKDB_MEMORY_LIMIT]"\n'
    )
    (tmp_path / ".env").write_text("GTWH_DUCKDB_MEMORY_LIMIT=3GB\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GTWH_")}
    out = subprocess.run(
        ["make", "-s", "show"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[3GB]", out.stderr
