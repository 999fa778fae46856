"""Run the suites on data not yet validated, and say what failed in words a person can act on.

"New data" is every extraction run whose records have not passed validation yet: a run that
failed validation stays new, so re-running ``make etl`` validates it again instead of letting it
through. Only the new runs' records are validated (cost follows new data): each suite's batch is
``checks_<resource> where extract_run_id in (<new runs>)``, copied once into a temporary table in
DuckDB, and every expectation runs there as SQL (expectations/runtime.py).

Every run writes ``reports/validation.json`` and the self-contained ``reports/data-quality.html``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from expectations import runtime
from expectations.report import write_report
from expectations.results import CheckResult, ValidationOutcome
from expectations.suites import SUITES, Rule, Suite
from extract.lake import write_json_atomic
from extract.settings import Settings

SAMPLE_ROWS = 10
RECONCILIATION = "main_checks.reconciliation_runs"


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "validated_runs.json"


def report_path(settings: Settings) -> Path:
    return settings.reports_dir / "data-quality.html"


def validated_runs(settings: Settings) -> list[str]:
    path = _state_path(settings)
    return json.loads(path.read_text()) if path.exists() else []


def _plain(value: Any) -> Any:
    """A JSON- and HTML-friendly version of a value read from the warehouse."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _raised(result) -> str | None:
    """The exception message when GX could not compute a check (it reports, never raises)."""
    info = result.exception_info or {}
    candidates = [info] if "raised_exception" in info else list(info.values())
    for item in candidates:
        if isinstance(item, dict) and item.get("raised_exception"):
            return str(item.get("exception_message") or "unknown error")
    return None


def _check(suite: Suite, rule: Rule, result, rows: int) -> tuple[CheckResult, list[int]]:
    """The check's result, and the record keys of its sample failing rows (looked up later)."""
    stats = result.result or {}
    base = {
        "suite": suite.name,
        "check": rule.name,
        "expectation": rule.expectation.expectation_type,
        "column": rule.column,
        "why": rule.why,
        "outcome": rule.outcome,
    }
    error = _raised(result)
    if error is not None:
        return CheckResult(
            **base,
            severity="error",
            success=False,
            element_count=rows,
            unexpected_count=0,
            unexpected_percent=0.0,
            applicable_count=0,
            error=error,
        ), []
    if rule.is_sql:  # UnexpectedRowsExpectation: a count of failing records
        failing, applicable, keys, sample = int(stats.get("observed_value") or 0), rows, [], []
    else:
        failing = int(stats.get("unexpected_count") or 0)
        applicable = int(stats.get("element_count") or rows) - int(stats.get("missing_count") or 0)
        keys = [r["record_key"] for r in stats.get("partial_unexpected_index_list") or []]
        sample = [str(_plain(v)) for v in stats.get("partial_unexpected_list") or []]
    level = rule.classify(failing, applicable)
    return CheckResult(
        **base,
        severity=level or rule.severity,
        success=level is None,
        element_count=int(stats.get("element_count") or rows),
        unexpected_count=failing,
        unexpected_percent=round(100.0 * failing / applicable, 4) if applicable else 0.0,
        applicable_count=applicable,
        sample=sample,
    ), keys[:SAMPLE_ROWS]


def _batch_query(suite: Suite, run_ids: list[str], columns: list[str] | None = None) -> str:
    runs = ", ".join(_quote(r) for r in run_ids)
    select = ", ".join(columns) if columns else "*"
    return f"select {select} from {suite.relation} where is_checked and extract_run_id in ({runs})"


def _run_suite(
    ctx, source, suite: Suite, run_ids: list[str], rows: int
) -> list[tuple[CheckResult, list[int]]]:
    """One GX validation of the suite on its new records: GX copies the narrow batch (record key
    and check columns) once into a temporary table and runs every expectation on it. (A
    ValidationDefinition fetches the batch once; ``Batch.validate`` would fetch it twice.)"""
    import great_expectations as gx

    asset = source.add_query_asset(
        suite.name, query=_batch_query(suite, run_ids, suite.batch_columns())
    )
    batch_definition = asset.add_batch_definition_whole_table("new")
    expectations = []
    for rule in suite.rules:
        exp = rule.expectation.copy()
        exp.meta = {**(exp.meta or {}), "rule": rule.name}
        expectations.append(exp)
    gx_suite = ctx.suites.add(gx.ExpectationSuite(name=suite.name, expectations=expectations))
    definition = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
    )
    result_format = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": SAMPLE_ROWS,
        "unexpected_index_column_names": ["record_key"],
    }
    results = definition.run(result_format=result_format).results
    by_rule = {(r.expectation_config.meta or {}).get("rule"): r for r in results}
    out = []
    for rule in suite.rules:
        result = by_rule.get(rule.name)
        if result is None:  # pragma: no cover - GX returned fewer results than expectations
            out.append(
                (
                    CheckResult(
                        suite=suite.name,
                        check=rule.name,
                        expectation=rule.expectation.expectation_type,
                        column=rule.column,
                        why=rule.why,
                        outcome=rule.outcome,
                        severity="error",
                        success=False,
                        element_count=rows,
                        unexpected_count=0,
                        unexpected_percent=0.0,
                        error="Great Expectations returned no result for this check",
                    ),
                    [],
                )
            )
        else:
            out.append(_check(suite, rule, result, rows))
    return out


def _attach_samples(
    con, suite: Suite, run_ids: list[str], checks: list[tuple[CheckResult, list[int]]]
) -> None:
    """Look the sample failing rows up by record key, with the columns each check shows."""
    rules = {r.name: r for r in suite.rules}
    keys_of: dict[str, list[int]] = {}
    for check, keys in checks:
        rule = rules[check.check]
        if check.unexpected_count and rule.is_sql:
            query = rule.expectation.unexpected_rows_query.format(
                batch=f"({_batch_query(suite, run_ids)})"
            )
            keys = [r[0] for r in con.execute(f"{query} limit {SAMPLE_ROWS}").fetchall()]
        if check.unexpected_count and keys:
            keys_of[check.check] = keys
    if not keys_of:
        return
    columns: list[str] = ["record_key"]
    for name in keys_of:
        columns.extend(c for c in suite.sample_columns(rules[name]) if c not in columns)
    cur = con.execute(
        f"{_batch_query(suite, run_ids, columns)} and list_contains(?::ubigint[], record_key)",
        [sorted({k for keys in keys_of.values() for k in keys})],
    )
    found = {r[0]: dict(zip(columns, r, strict=True)) for r in cur.fetchall()}
    for check, _ in checks:
        wanted = suite.sample_columns(rules[check.check])
        check.sample_rows = [
            {c: _plain(found[k][c]) for c in wanted}
            for k in keys_of.get(check.check, [])
            if k in found
        ]


def validate_new(settings: Settings, *, record: bool = True) -> ValidationOutcome:
    """Validate every run not yet validated; remember them only if no error-level check failed.
    Reads the build file (the staged data of this run, not yet published to readers)."""
    started = time.monotonic()
    done = validated_runs(settings)
    suites = [make() for make in SUITES]
    con = duckdb.connect(str(settings.build_warehouse), read_only=True, config=runtime.bounded())
    con.execute(runtime.QUIET)
    try:
        # One pass over the per-run reconciliation: which runs are new, and what they landed.
        cur = con.execute(
            f"select * from {RECONCILIATION} where not list_contains(?::varchar[], extract_run_id) "
            "order by extract_run_id, resource",
            [done],
        )
        names = [d[0] for d in cur.description]
        reconciliation = [
            {k: _plain(v) for k, v in zip(names, r, strict=True)} for r in cur.fetchall()
        ]
        run_ids = sorted({r["extract_run_id"] for r in reconciliation})
        rows = {
            s.name: con.execute(
                f"select count(*) from {s.relation} where is_checked and list_contains(?::varchar[], extract_run_id)",
                [run_ids],
            ).fetchone()[0]
            for s in suites
        }
    finally:
        con.close()
    outcome = ValidationOutcome(run_ids, [], rows, reconciliation)
    if any(rows.values()):
        try:
            ran: list[tuple[Suite, list[tuple[CheckResult, list[int]]]]] = []
            ctx = runtime.context()
            with runtime.warehouse_source(ctx, settings.build_warehouse) as source:
                for suite in suites:
                    if rows[suite.name]:
                        ran.append(
                            (suite, _run_suite(ctx, source, suite, run_ids, rows[suite.name]))
                        )
            con = duckdb.connect(
                str(settings.build_warehouse), read_only=True, config=runtime.bounded()
            )
            con.execute(runtime.QUIET)
            try:
                for suite, checks in ran:
                    _attach_samples(con, suite, run_ids, checks)
                    outcome.checks.extend(check for check, _ in checks)
            finally:
                con.close()
        except runtime.GxRuntimeError as error:  # no check can run: that is an error, not a pass
            outcome.checks.append(
                CheckResult(
                    suite="great_expectations",
                    check="runtime",
                    expectation="-",
                    column="-",
                    severity="error",
                    why="Great Expectations must run on the warehouse.",
                    success=False,
                    element_count=0,
                    unexpected_count=0,
                    unexpected_percent=0.0,
                    error=str(error),
                )
            )
    outcome.seconds = time.monotonic() - started
    outcome.generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(settings.reports_dir / "validation.json", outcome.to_json())
    outcome.report = str(write_report(report_path(settings), outcome, suites))
    if record and not outcome.errors:
        write_json_atomic(_state_path(settings), sorted(set(done) | set(run_ids)))
    return outcome


def _row_text(row: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in row.items() if v is not None)


def describe_failures(outcome: ValidationOutcome, *, rows: int = 3) -> str:
    """A readable list of failed checks, each with a few sample failing rows."""
    lines = []
    for label, items in (("ERROR", outcome.errors), ("WARNING", outcome.warnings)):
        for c in items:
            if c.error:
                lines.append(f"  {label} {c.label}: the check could not run: {c.error}")
                continue
            lines.append(
                f"  {label} {c.label}: {c.expectation} - {c.unexpected_count:,} of "
                f"{c.applicable_count:,} rows ({c.unexpected_percent:.2f}%) unexpected. {c.why} "
                f"Failing records: {c.outcome}."
            )
            lines.extend(f"      row: {_row_text(r)}" for r in c.sample_rows[:rows])
            if not c.sample_rows and c.sample:
                lines.append(f"      sample: {', '.join(c.sample[:5])}")
    return "\n".join(lines)
