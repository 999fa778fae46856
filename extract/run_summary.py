"""What ``gtwh etl`` prints at the end: what landed, what was quarantined and why, what was
built and checked, where to look."""

from __future__ import annotations

from pathlib import Path

from extract.lake import Lake
from extract.publish import connect_file
from extract.results import EtlResult
from extract.settings import Settings


def summary(settings: Settings, result: EtlResult, *, warehouse: Path | None = None) -> str:
    """What landed, what was quarantined and why, what was built and checked, where to look.
    Reads the published warehouse read-only (or ``warehouse``, the build, when nothing was
    published because the marts failed); raises :class:`WarehouseLocked` when a writer holds it."""
    ex = result.extraction
    con = connect_file(warehouse or settings.published_warehouse, read_only=True)
    try:
        totals = dict(con.execute("select resource, raw_records from reconciliation").fetchall())
        quarantined = con.execute(
            "select resource, reason, count(*) from quarantine group by all order by 1, 3 desc"
        ).fetchall()
    finally:
        con.close()
    lines = ["", "Summary", f"  run {ex.run_id} from {ex.source}"]
    lines.append("  rows landed this run (total in lake):")
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
    lines.append(
        f"  dbt: {models} models built; tests {tests_ok} passed, {tests_warn} warned, {tests_bad} failed"
    )
    lines.append(
        f"  Great Expectations: {v.passed} checks passed, {len(v.warnings)} warnings, "
        f"{len(v.errors)} errors on {sum(v.rows_validated.values()):,} new rows"
        f" in {getattr(v, 'seconds', 0.0):.1f} s"
    )
    if v.warnings:
        from expectations.validation import describe_failures  # loads GX: only when needed

        lines.append(describe_failures(v))
    report = settings.reports_dir / "data-quality.html"
    if report.exists():
        lines.append(
            f"  data-quality report (checks, counts, sample rows; opens offline): {report}"
        )
    operations = settings.reports_dir / "operations.html"
    if operations.exists():
        lines.append(
            f"  operations report (jobs, iterations, pairs, chains, workforce; offline): {operations}"
        )
    lines.append(f"  reports: {settings.reports_dir}")
    lines.append(f"  warehouse (published, what readers open): {settings.published_warehouse}")
    lines.append("  try: make sql, then")
    lines.append(
        "    select labeling_job_name, sum(tasks_submitted) as tasks, "
        "median(handling_seconds_median) from throughput_worker_job_daily group by 1 order by 2 desc;"
    )
    return "\n".join(lines)
