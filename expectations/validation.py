"""Run the suites on data not yet validated, and say what failed in words a person can act on.

"New data" is every extraction run whose records have not passed validation yet: a run that
failed validation stays new, so re-running ``make etl`` validates it again instead of letting it
through.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from expectations.suites import SUITES, Suite
from extract.lake import write_json_atomic
from extract.settings import Settings

# What each suite validates: the columns of its dataset, plus derived checks, for new runs only.
_QUERIES = {
    "worker_activity": """
        select
            event_id, event_type, worker_id, cognito_sub, task_accepted_at, closed_at,
            coalesce(quarantine_reason not in ('unparsable_timestamp', 'missing_closing_time'), true)
                as timestamps_parse,
            source_file, source_record_index, extract_run_id
        from base_groundtruth__worker_activity
        where quarantine_reason is distinct from 'duplicate_delivery'
          and quarantine_reason is distinct from 'malformed_json'
          and quarantine_reason is distinct from 'no_message'
          and extract_run_id not in (select unnest(?::varchar[]))
    """,
}


@dataclass
class CheckResult:
    suite: str
    expectation: str
    column: str
    severity: str
    why: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_percent: float
    sample: list[Any] = field(default_factory=list)


@dataclass
class ValidationOutcome:
    run_ids: list[str]
    checks: list[CheckResult]
    rows_validated: dict[str, int]

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warning"]

    @property
    def passed(self) -> int:
        return sum(c.success for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "run_ids": self.run_ids,
            "rows_validated": self.rows_validated,
            "checks": [asdict(c) for c in self.checks],
        }


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "validated_runs.json"


def validated_runs(settings: Settings) -> list[str]:
    path = _state_path(settings)
    return json.loads(path.read_text()) if path.exists() else []


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _run_suite(context, suite: Suite, frame) -> list[CheckResult]:
    import great_expectations as gx

    source = context.data_sources.add_or_update_pandas(f"new_{suite.name}")
    asset = source.add_dataframe_asset(suite.name)
    batch = asset.add_batch_definition_whole_dataframe("new").get_batch(
        batch_parameters={"dataframe": frame}
    )
    gx_suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=suite.name, expectations=[e.copy() for e in suite.expectations])
    )
    result = batch.validate(
        gx_suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}
    )
    checks = []
    for r in result.results:
        cfg = r.expectation_config
        kwargs = cfg.kwargs
        stats = r.result or {}
        checks.append(
            CheckResult(
                suite=suite.name,
                expectation=cfg.type,
                column=kwargs.get("column") or f"{kwargs.get('column_A')} >= {kwargs.get('column_B')}",
                severity=(cfg.meta or {}).get("severity", "error"),
                why=(cfg.meta or {}).get("why", ""),
                success=bool(r.success),
                element_count=int(stats.get("element_count") or 0),
                unexpected_count=int(stats.get("unexpected_count") or 0),
                unexpected_percent=float(stats.get("unexpected_percent") or 0.0),
                sample=[str(v) for v in stats.get("partial_unexpected_list") or []],
            )
        )
    return checks


def validate_new(settings: Settings, *, record: bool = True) -> ValidationOutcome:
    """Validate every run not yet validated; remember them only if no error-level check failed."""
    done = validated_runs(settings)
    con = duckdb.connect(str(settings.warehouse))
    try:
        run_ids = [
            r[0]
            for r in con.execute(
                "select distinct extract_run_id from base_groundtruth__worker_activity "
                "where extract_run_id not in (select unnest(?::varchar[])) order by 1",
                [done],
            ).fetchall()
        ]
        frames = {s().name: con.execute(_QUERIES[s().name], [done]).df() for s in SUITES}
    finally:
        con.close()
    outcome = ValidationOutcome(run_ids, [], {k: len(v) for k, v in frames.items()})
    if any(len(f) for f in frames.values()):
        context = _context()
        for make_suite in SUITES:
            suite = make_suite()
            if len(frames[suite.name]):
                outcome.checks.extend(_run_suite(context, suite, frames[suite.name]))
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(settings.reports_dir / "validation.json", outcome.to_json())
    if record and not outcome.errors:
        write_json_atomic(_state_path(settings), sorted(set(done) | set(run_ids)))
    return outcome


def describe_failures(outcome: ValidationOutcome) -> str:
    """A readable list of failed checks with sample values."""
    lines = []
    for label, items in (("ERROR", outcome.errors), ("WARNING", outcome.warnings)):
        for c in items:
            lines.append(
                f"  {label} {c.suite}.{c.column}: {c.expectation} - {c.unexpected_count:,} of "
                f"{c.element_count:,} rows ({c.unexpected_percent:.2f}%) unexpected. {c.why}"
            )
            if c.sample:
                lines.append(f"      sample: {', '.join(c.sample[:5])}")
    return "\n".join(lines)
