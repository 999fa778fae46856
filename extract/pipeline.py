"""``gtwh etl``: extract -> dbt staging -> Great Expectations -> dbt marts -> publish -> summary.

dbt builds into the build file (``Settings.build_warehouse``); only a build whose staging, checks
and marts all passed is published onto the file readers open (``Settings.published_warehouse``,
see extract/publish.py), so readers never wait for a run and a run never fails for a reader."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from extract.build_state import Fingerprints, forget_built, record_built, up_to_date
from extract.faults import maybe_crash
from extract.publish import (
    Published,
    WarehouseLocked,
    is_published,
    lock_message,
    publish,
    seed_build,
)
from extract.results import EtlResult, ExtractionReport, NothingToValidate
from extract.run_summary import summary as run_summary
from extract.settings import Settings
from extract.transform import DbtOutcome, dbt

if TYPE_CHECKING:
    from extract.sources.aws.options import AwsOptions

STAGING = ["path:models/staging", "path:models/quality"]


class PipelineError(RuntimeError):
    """A stage failed; the message says which and why."""


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


def extract_source(
    settings: Settings, source: str, *, aws_options: AwsOptions | None = None
) -> ExtractionReport:
    """Land ``source``; ``aws_options`` (the CLI's flags) reach extract_aws, default: the
    GTWH_AWS_* variables."""
    from extract.sources.mirror import extract_mirror

    if source == "simulator":
        return extract_mirror(settings, ensure_simulation(settings))
    if source.startswith("mirror:"):
        return extract_mirror(settings, Path(source.removeprefix("mirror:")).expanduser().resolve())
    if source == "aws":
        from extract.sources.aws import extract_aws

        return extract_aws(settings, options=aws_options)
    raise PipelineError(f"unknown source {source!r}: use 'simulator', 'mirror:<folder>' or 'aws'")


# The stages of `gtwh etl`, callable one by one (the benchmark runs each in its own process).


def stage_extract(
    settings: Settings, source: str, *, aws_options: AwsOptions | None = None
) -> ExtractionReport:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return extract_source(settings, source, aws_options=aws_options)


def stage_staging(
    settings: Settings, fingerprints: Fingerprints | None = None
) -> DbtOutcome | None:
    """dbt build of staging and quarantine; None when the warehouse is already up to date.
    ``fingerprints`` (here and in the stages below): this run's, see extract/build_state.py."""
    if up_to_date(settings, fingerprints):
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


def stage_validate(settings: Settings, fingerprints: Fingerprints | None = None):
    if up_to_date(settings, fingerprints):
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


def stage_marts(settings: Settings, fingerprints: Fingerprints | None = None) -> DbtOutcome | None:
    if up_to_date(settings, fingerprints):
        return None
    marts = dbt(settings, "build", "--exclude", *STAGING)
    if marts.success:
        record_built(settings, fingerprints)
    return marts


def stage_report(settings: Settings, warehouse: Path | None = None) -> None:
    """The operations report over the published warehouse (read-only), beside the data-quality one."""
    from extract.report import ReportError, write_operations_report

    try:
        write_operations_report(settings, warehouse=warehouse or settings.published_warehouse)
    except ReportError as error:
        raise PipelineError(f"the operations report failed: {error}") from error


def stage_publish(settings: Settings, fingerprints: Fingerprints | None = None) -> Published | None:
    """Publish the build onto the file readers open; None when that file already is this build.
    Only a build recorded as complete (staging, validation, marts passed) is published."""
    if is_published(settings.build_warehouse, settings.published_warehouse):
        return None
    if not up_to_date(settings, fingerprints):
        raise PipelineError(
            f"the build warehouse {settings.build_warehouse} is not a complete, validated build "
            "of the lake: run `gtwh etl` (the published warehouse was left as it was)"
        )
    try:
        return publish(settings)
    except WarehouseLocked as error:
        raise PipelineError(str(error)) from None


def run_etl(
    settings: Settings, source: str, *, out=None, aws_options: AwsOptions | None = None
) -> EtlResult:
    out = out or sys.stdout
    print(f"[1/5] extract from {source}", file=out)
    extraction = stage_extract(settings, source, aws_options=aws_options)
    maybe_crash("after_extract")
    fingerprints = Fingerprints.of(settings)  # once: the lake and the project stay as they are now
    fresh = up_to_date(settings, fingerprints)
    if fresh:
        print(
            "      nothing new landed and the dbt project is unchanged: the warehouse is "
            "up to date",
            file=out,
        )
    print("[2/5] dbt build: staging and quarantine" + (" (skipped)" if fresh else ""), file=out)
    staging = stage_staging(settings, fingerprints) or DbtOutcome(success=True)
    maybe_crash("after_staging")
    print("[3/5] Great Expectations on new data" + (" (skipped)" if fresh else ""), file=out)
    validation = stage_validate(settings, fingerprints)
    maybe_crash("after_validation")
    print("[4/5] dbt build: marts" + (" (skipped)" if fresh else ""), file=out)
    marts = stage_marts(settings, fingerprints) or DbtOutcome(success=True)
    result = EtlResult(extraction, staging, validation, marts)
    if not marts.success:
        print(summary(settings, result, warehouse=settings.build_warehouse), file=out)
        raise PipelineError(
            "dbt marts failed (the published warehouse was left as it was):\n  "
            + "\n  ".join(marts.failures)
        )
    maybe_crash("before_publish")
    published = stage_publish(settings, fingerprints)
    result.published = published
    print(
        f"[5/5] publish to {settings.published_warehouse}"
        + (
            f" ({published.bytes / 2**20:,.0f} MB in {published.seconds:.1f} s)"
            if published
            else " (skipped: already the published warehouse)"
        ),
        file=out,
    )
    stage_report(settings)
    print(summary(settings, result), file=out)
    return result


def summary(settings: Settings, result: EtlResult, *, warehouse: Path | None = None) -> str:
    """The run summary (extract/run_summary.py); a locked warehouse is a :class:`PipelineError`."""
    try:
        return run_summary(settings, result, warehouse=warehouse)
    except WarehouseLocked as error:
        raise PipelineError(str(error)) from None
