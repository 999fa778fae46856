"""Running dbt in-process (dbt-core's programmatic runner) against the project's profile."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

from extract.faults import maybe_crash
from extract.settings import Settings

# What a dbt build reads besides the lake (see project_fingerprint).
PROJECT_INPUTS = (
    "models",
    "macros",
    "seeds",
    "snapshots",
    "tests/dbt",
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
)


@dataclass
class DbtOutcome:
    success: bool
    models: int = 0
    seeds: int = 0
    tests_passed: int = 0
    tests_warned: int = 0
    tests_failed: int = 0
    failures: list[str] = field(default_factory=list)
    locked: bool = False  # the build file was held by another process (failures says which)


def _release_warehouse() -> None:
    """dbt-duckdb keeps its DuckDB instance open for the life of the process; close it so that
    this process (validation, the summary, tests) can open the warehouse read-only afterwards."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        env.close()
    DuckDBConnectionManager.close_all_connections()


def _crash_point(event) -> None:
    """Fault injection inside a dbt build: ``GTWH_CRASH_AT=during_build:<n>`` kills the process
    when the n-th model or test of the run has finished (the build file half written)."""
    if getattr(getattr(event, "info", None), "name", "") == "NodeFinished":
        maybe_crash("during_build")


def _held_by_another_process(settings: Settings) -> str | None:
    """One sentence when another process holds the build file (a hand-run dbt, a DuckDB shell
    started without -readonly), found by opening it the way dbt will; None when it is free."""
    import duckdb

    from extract.publish import lock_message

    if not settings.build_warehouse.exists():
        return None
    try:
        duckdb.connect(str(settings.build_warehouse)).close()
    except duckdb.IOException as error:
        return lock_message(error)
    return None


def _dbt_versions() -> str:
    from importlib.metadata import version

    return ",".join(f"{p}={version(p)}" for p in ("dbt-core", "dbt-duckdb", "duckdb"))


def project_fingerprint(settings: Settings) -> str:
    """Everything dbt builds from besides the lake: the project's files (models, macros, seeds,
    tests, configuration), the profile's environment and the versions of dbt and DuckDB."""
    root = settings.project_dir
    digest = hashlib.sha256(_dbt_versions().encode())
    digest.update(json.dumps(sorted(settings.env().items())).encode())
    for folder in PROJECT_INPUTS:
        path = root / folder
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.exists() and "__pycache__" not in f.parts:
                digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def dbt(settings: Settings, *args: str, quiet: bool = True) -> DbtOutcome:
    """Invoke ``dbt <args>`` on this project (into the build file) and count what it built and
    tested. The caller publishes (extract/publish.py): the on-run-end hook is off here."""
    from dbt.cli.main import dbtRunner

    os.environ.update(settings.env())
    # The pipeline publishes once, after validation and the marts; the on-run-end publish of a
    # hand-run dbt (macros/publish.sql) stays out of the way.
    os.environ["GTWH_PUBLISH_ON_RUN_END"] = "0"
    settings.build_warehouse.parent.mkdir(parents=True, exist_ok=True)
    # Incremental models rebuild in full when the project changed (macros/incremental.sql).
    os.environ["GTWH_PROJECT_FINGERPRINT"] = project_fingerprint(settings)
    project = str(settings.project_dir)
    argv = [*args, "--project-dir", project, "--profiles-dir", project]
    if settings.dbt_target_dir is not None:
        argv += ["--target-path", str(settings.dbt_target_dir)]
        argv[:0] = ["--log-path", str(settings.dbt_target_dir / "logs")]
    if quiet:
        argv.insert(0, "--quiet")
    if "--target" not in args:  # the build file: say who holds it before dbt prints a traceback
        held = _held_by_another_process(settings)
        if held is not None:
            return DbtOutcome(success=False, failures=[held], locked=True)
    try:
        res = dbtRunner(callbacks=[_crash_point]).invoke(argv)
    finally:
        _release_warehouse()
    outcome = DbtOutcome(success=bool(res.success))
    results = getattr(res.result, "results", None) or []
    for r in results:
        kind = getattr(r.node, "resource_type", "")
        status = str(r.status)
        if kind == "model" and status == "success":
            outcome.models += 1
        elif kind == "seed" and status == "success":
            outcome.seeds += 1
        elif kind in ("test", "unit_test"):
            if status == "pass":
                outcome.tests_passed += 1
            elif status == "warn":
                outcome.tests_warned += 1
            else:
                outcome.tests_failed += 1
        if status in ("error", "fail"):
            outcome.failures.append(f"{kind} {r.node.name}: {status} {r.message or ''}".strip())
    if res.exception is not None:
        outcome.failures.append(str(res.exception))
    # Another process writing the build file (a hand-run dbt, a DuckDB shell without -readonly):
    # say so in one sentence instead of DuckDB's raw IO error.
    from extract.publish import lock_message

    locked = next(filter(None, map(lock_message, outcome.failures)), None)
    if locked is not None:
        outcome.failures = [locked]
        outcome.locked = True
    return outcome
