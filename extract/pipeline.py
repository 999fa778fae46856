"""``gtwh etl``: extract -> dbt staging -> Great Expectations -> dbt marts -> publish -> summary.

dbt builds into the build file (``Settings.build_warehouse``); only a build whose staging, checks
and marts all passed is published onto the file readers open (``Settings.published_warehouse``,
see extract/publish.py), so readers never wait for a run and a run never fails for a reader."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.extraction import ExtractionReport, extract_mirror
from extract.faults import maybe_crash
from extract.lake import write_json_atomic
from extract.publish import (
    Published,
    WarehouseLocked,
    connect_file,
    is_published,
    lock_message,
    publish,
    seed_build,
)
from extract.settings import Settings
from extract.transform import DbtOutcome, dbt, project_fingerprint

STAGING = ["path:models/staging", "path:models/quality"]


class PipelineError(RuntimeError):
    """A stage failed; the message says which and why."""


@dataclass
class EtlResult:
    extraction: ExtractionReport
    staging: DbtOutcome
    validation: object
    marts: DbtOutcome | None
    published: Published | None = None


def ensure_simulation(settings: Settings, *, seed: int = 7, events: int | None = None) -> Path:
    """The built-in simulated operation's mirror, generated once per parameters."""
    from extract.simulator import simulate

    out = settings.simulator_dir
    marker = out / "_simulation.json"
    if marker.exists():
        meta = json.loads(marker.read_text())
        if meta.get("seed") == seed and meta.get("requested_events") == events:
            return out
    simulate(out, seed=seed, events=events)
    meta = json.loads(marker.read_text())
    meta["requested_events"] = events
    marker.write_text(json.dumps(meta, indent=1, sort_keys=True))
    return out


def extract_source(settings: Settings, source: str) -> ExtractionReport:
    if source == "simulator":
        return extract_mirror(settings, ensure_simulation(settings))
    if source.startswith("mirror:"):
        return extract_mirror(settings, Path(source.removeprefix("mirror:")).expanduser().resolve())
    if source == "aws":
        from extract.sources.aws import extract_aws

        return extract_aws(settings)
    raise PipelineError(
        f"unknown source {source!r}: use 'simulator', 'mirror:<folder>' or 'aws'"
    )


def lake_fingerprint(settings: Settings) -> str:
    """What the lake holds: the ledgers name every committed file and every consumed source."""
    digest = hashlib.sha256()
    state = settings.lake_dir / "_state"
    for f in sorted(state.glob("*.json")) if state.is_dir() else []:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def _build_state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "built.json"


def _warehouse_stamp(settings: Settings) -> list[int] | None:
    try:
        st = settings.build_warehouse.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def up_to_date(settings: Settings) -> bool:
    """True when the build warehouse was last built, validated and tested successfully from exactly
    this lake with exactly this project, and nothing has written to it since: building again
    would reproduce it, so the dbt builds and the validation can be skipped."""
    path = _build_state_path(settings)
    if not path.exists():
        return False
    state = json.loads(path.read_text())
    return (
        state.get("lake") == lake_fingerprint(settings)
        and state.get("project") == project_fingerprint(settings)
        and state.get("warehouse") == _warehouse_stamp(settings)
    )


def record_built(settings: Settings) -> None:
    """Remember the lake and project the warehouse now reflects (after a successful build)."""
    write_json_atomic(
        _build_state_path(settings),
        {
            "lake": lake_fingerprint(settings),
            "project": project_fingerprint(settings),
            "warehouse": _warehouse_stamp(settings),
        },
    )


def forget_built(settings: Settings) -> None:
    _build_state_path(settings).unlink(missing_ok=True)


# The stages of `gtwh etl`, callable one by one (the benchmark runs each in its own process).


def stage_extract(settings: Settings, source: str) -> ExtractionReport:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return extract_source(settings, source)


def stage_staging(settings: Settings) -> DbtOutcome | None:
    """dbt build of staging and quarantine; None when the warehouse is already up to date."""
    if up_to_date(settings):
        return None
    seed_build(settings)
    forget_built(settings)  # from here on the warehouse no longer matches the recorded lake
    # "cautious": only tests whose every parent is staging; mart tests wait for the marts.
    staging = dbt(settings, "build", "--select", *STAGING, "--indirect-selection", "cautious")
    if not staging.success:
        if staging.locked:  # one sentence: who holds the build file, what to do
            raise PipelineError(staging.failures[0])
        raise PipelineError("dbt staging failed:\n  " + "\n  ".join(staging.failures))
    return staging


@dataclass
class NothingToValidate:
    """What :func:`stage_validate` returns when the warehouse is up to date: every run in the
    lake passed validation before the warehouse was built (Great Expectations is not loaded)."""

    run_ids: tuple = ()
    checks: tuple = ()
    errors: tuple = ()
    warnings: tuple = ()
    passed: int = 0

    @property
    def rows_validated(self) -> dict[str, int]:
        return {}


def stage_validate(settings: Settings):
    if up_to_date(settings):
        return NothingToValidate()
    from expectations.validation import describe_failures, validate_new

    try:
        validation = validate_new(settings)
    except duckdb.Error as error:
        message = lock_message(error)
        if message is None:
            raise
        raise PipelineError(message) from None
    if validation.errors:
        raise PipelineError(
            "validation failed; the new data was not published to the marts "
            f"(report: {settings.reports_dir / 'data-quality.html'}):\n"
            + describe_failures(validation)
        )
    return validation


def stage_marts(settings: Settings) -> DbtOutcome | None:
    if up_to_date(settings):
        return None
    marts = dbt(settings, "build", "--exclude", *STAGING)
    if marts.success:
        record_built(settings)
    return marts


def stage_report(settings: Settings, warehouse: Path | None = None) -> None:
    """The operations report over the published warehouse (read-only), beside the data-quality one."""
    from extract.report import ReportError, write_operations_report

    try:
        write_operations_report(settings, warehouse=warehouse or settings.published_warehouse)
    except ReportError as error:
        raise PipelineError(f"the operations report failed: {error}") from error


def stage_publish(settings: Settings) -> Published | None:
    """Publish the build onto the file readers open; None when that file already is this build.
    Only a build recorded as complete (staging, validation, marts passed) is published."""
    if is_published(settings.build_warehouse, settings.published_warehouse):
        return None
    if not up_to_date(settings):
        raise PipelineError(
            f"the build warehouse {settings.build_warehouse} is not a complete, validated build "
            "of the lake: run `gtwh etl` (the published warehouse was left as it was)"
        )
    try:
        return publish(settings)
    except WarehouseLocked as error:
        raise PipelineError(str(error)) from None


def run_etl(settings: Settings, source: str, *, out=None) -> EtlResult:
    out = out or sys.stdout
    print(f"[1/5] extract from {source}", file=out)
    extraction = stage_extract(settings, source)
    maybe_crash("after_extract")
    fresh = up_to_date(settings)
    if fresh:
        print("      nothing new landed and the dbt project is unchanged: the warehouse is "
              "up to date", file=out)
    print("[2/5] dbt build: staging and quarantine" + (" (skipped)" if fresh else ""), file=out)
    staging = stage_staging(settings) or DbtOutcome(success=True)
    maybe_crash("after_staging")
    print("[3/5] Great Expectations on new data" + (" (skipped)" if fresh else ""), file=out)
    validation = stage_validate(settings)
    maybe_crash("after_validation")
    print("[4/5] dbt build: marts" + (" (skipped)" if fresh else ""), file=out)
    marts = stage_marts(settings) or DbtOutcome(success=True)
    result = EtlResult(extraction, staging, validation, marts)
    if not marts.success:
        print(summary(settings, result, warehouse=settings.build_warehouse), file=out)
        raise PipelineError(
            "dbt marts failed (the published warehouse was left as it was):\n  "
            + "\n  ".join(marts.failures)
        )
    maybe_crash("before_publish")
    published = stage_publish(settings)
    result.published = published
    print(f"[5/5] publish to {settings.published_warehouse}"
          + (f" ({published.bytes / 2**20:,.0f} MB in {published.seconds:.1f} s)" if published
             else " (skipped: already the published warehouse)"), file=out)
    stage_report(settings)
    print(summary(settings, result), file=out)
    return result


def summary(settings: Settings, result: EtlResult, *, warehouse: Path | None = None) -> str:
    """What landed, what was quarantined and why, what was built and checked, where to look.
    Reads the published warehouse read-only (or ``warehouse``, the build, when nothing was
    published because the marts failed)."""
    ex = result.extraction
    try:
        con = connect_file(warehouse or settings.published_warehouse, read_only=True)
    except WarehouseLocked as error:
        raise PipelineError(str(error)) from None
    try:
        totals = dict(con.execute("select resource, raw_records from reconciliation").fetchall())
        quarantined = con.execute(
            "select resource, reason, count(*) from quarantine group by all order by 1, 3 desc"
        ).fetchall()
    finally:
        con.close()
    lines = ["", "Summary", f"  run {ex.run_id} from {ex.source}"]
    lines.append("  rows landed this run (total in lake):")
    from extract.lake import Lake

    lake_totals = Lake(settings.lake_dir).counts()
    for resource, rows in ex.rows_by_resource().items():
        lines.append(f"    {resource:<26}{rows:>12,}  ({lake_totals.get(resource, 0):,})")
    if ex.absent:
        lines.append("  absent from the source (nothing to read): " + ", ".join(ex.absent))
    for problem in getattr(ex, "problems", []):
        lines.append(f"  not extracted: {problem.describe()}")
    if ex.rejected:
        lines.append(f"  files rejected this run: {len(ex.rejected)}")
        lines.extend(f"    {key}: {reason}" for key, reason in ex.rejected[:10])
    lines.append("  rows quarantined, by reason (all runs):")
    lines.extend(f"    {res:<16}{reason:<26}{n:>10,}" for res, reason, n in quarantined)
    if not quarantined:
        lines.append("    none")
    del totals
    v = result.validation
    s, m = result.staging, result.marts
    models = s.models + (m.models if m else 0)
    tests_ok = s.tests_passed + (m.tests_passed if m else 0)
    tests_warn = s.tests_warned + (m.tests_warned if m else 0)
    tests_bad = s.tests_failed + (m.tests_failed if m else 0)
    lines.append(f"  dbt: {models} models built; tests {tests_ok} passed, {tests_warn} warned, {tests_bad} failed")
    lines.append(
        f"  Great Expectations: {v.passed} checks passed, {len(v.warnings)} warnings, "
        f"{len(v.errors)} errors on {sum(v.rows_validated.values()):,} new rows"
        f" in {getattr(v, 'seconds', 0.0):.1f} s"
    )
    if v.warnings:
        from expectations.validation import describe_failures

        lines.append(describe_failures(v))
    report = settings.reports_dir / "data-quality.html"
    if report.exists():
        lines.append(f"  data-quality report (checks, counts, sample rows; opens offline): {report}")
    operations = settings.reports_dir / "operations.html"
    if operations.exists():
        lines.append(f"  operations report (jobs, iterations, pairs, chains, workforce; offline): {operations}")
    lines.append(f"  reports: {settings.reports_dir}")
    lines.append(f"  warehouse (published, what readers open): {settings.published_warehouse}")
    lines.append("  try: make sql, then")
    lines.append(
        "    select labeling_job_name, sum(tasks_submitted) as tasks, "
        "median(handling_seconds_median) from throughput_worker_job_daily group by 1 order by 2 desc;"
    )
    return "\n".join(lines)
