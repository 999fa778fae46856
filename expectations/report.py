"""The data-quality report: one self-contained HTML file (inline styles, no scripts, no remote
assets, so it opens offline) listing every check that ran, its result and counts, sample failing
rows, and the reconciliation of the validated runs. GX Data Docs are not used: they load their
styles and logo from remote hosts.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from expectations.results import CheckResult, ValidationOutcome
    from expectations.suites import Suite

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1200px;
 padding:0 1em;color:#1d2330}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ccd;padding-bottom:.2em}
h3{margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}
th,td{border:1px solid #d5d9e2;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f1f3f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.banner{padding:.7em 1em;border-radius:6px;font-weight:600;margin:1em 0}
.ok{background:#e3f4e6;color:#1b5e20}.warning{background:#fff4d6;color:#7a4f00}
.error{background:#fde2e1;color:#8e1b12}.muted{color:#667}
span.tag{display:inline-block;padding:0 .45em;border-radius:4px;font-size:.85em;font-weight:600}
details{margin:.2em 0}summary{cursor:pointer;color:#334}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
table.sample td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;
 max-width:32em;overflow-wrap:anywhere}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else _e(value)


def _status(outcome: ValidationOutcome) -> tuple[str, str]:
    if outcome.errors:
        return "error", (
            f"{len(outcome.errors)} error(s): the run stopped before the marts; the new runs stay "
            "new until they pass"
        )
    if outcome.warnings:
        return "warning", f"{len(outcome.warnings)} warning(s); the run went on"
    if not outcome.checks:
        return "ok", "No new data since the last validation: nothing to check"
    return "ok", "Every check passed"


def _tag(check: CheckResult) -> str:
    if check.success:
        return '<span class="tag ok">passed</span>'
    return f'<span class="tag {check.severity}">{check.severity}</span>'


def _sample_table(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f'<table class="sample"><tr>{head}</tr>{body}</table>'


def _check_row(check: CheckResult) -> str:
    anchor = f"check-{check.suite}-{check.check}"
    if check.error:
        detail = f'<div class="error">The check could not run: {_e(check.error)}</div>'
        counts = '<td class="n">-</td><td class="n">-</td><td class="n">-</td>'
    else:
        detail = ""
        if check.sample_rows or check.sample:
            inner = (
                _sample_table(check.sample_rows)
                if check.sample_rows
                else "<p class='mono'>" + _e(", ".join(check.sample)) + "</p>"
            )
            shown = len(check.sample_rows) or len(check.sample)
            detail = f"<details><summary>{shown} sample failing row(s)</summary>{inner}</details>"
        counts = (
            f'<td class="n">{_n(check.applicable_count)}</td>'
            f'<td class="n">{_n(check.unexpected_count)}</td>'
            f'<td class="n">{check.unexpected_percent:.2f}%</td>'
        )
    could = (
        f"<br><span class='muted'>can raise: {_e(check.severity)}</span>" if check.success else ""
    )
    return (
        f'<tr id="{_e(anchor)}"><td><b>{_e(check.suite)}.{_e(check.check)}</b><br>'
        f'<span class="muted mono">{_e(check.expectation)}({_e(check.column)})</span></td>'
        f"<td>{_tag(check)}{could}</td>{counts}<td>{_e(check.why)}<br><span class='muted'>Failing records: "
        f"{_e(check.outcome)}</span>{detail}</td></tr>"
    )


def _reconciliation(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p class='muted'>No new runs.</p>"
    head = (
        "<tr><th>run</th><th>resource</th><th>raw</th><th>staged</th><th>quarantined</th>"
        "<th>by reason</th><th>placeholders</th><th>rejected files</th><th>balanced</th></tr>"
    )
    body = []
    for r in rows:
        balanced = (
            '<span class="tag ok">yes</span>'
            if r.get("is_balanced")
            else ('<span class="tag error">NO</span>')
        )
        body.append(
            f"<tr><td class='mono'>{_e(r.get('extract_run_id'))}</td><td>{_e(r.get('resource'))}</td>"
            f"<td class='n'>{_n(r.get('raw_records'))}</td><td class='n'>{_n(r.get('staged_records'))}</td>"
            f"<td class='n'>{_n(r.get('quarantined_records'))}</td><td>{_e(r.get('quarantine_reasons'))}</td>"
            f"<td class='n'>{_n(r.get('placeholder_records'))}</td><td class='n'>{_n(r.get('rejected_files'))}</td>"
            f"<td>{balanced}</td></tr>"
        )
    refs = [r for r in rows if r.get("resource") == "worker_activity"]
    ref_html = ""
    if refs:
        ref_rows = "".join(
            f"<tr><td class='mono'>{_e(r.get('extract_run_id'))}</td>"
            f"<td class='n'>{_n(r.get('unknown_sub_records'))}</td><td class='n'>{_n(r.get('unknown_subs'))}</td>"
            f"<td class='n'>{_n(r.get('undescribed_job_records'))}</td>"
            f"<td class='n'>{_n(r.get('undescribed_jobs'))}</td></tr>"
            for r in refs
        )
        ref_html = (
            "<h3>Worker activity referring to what was never landed (kept, not quarantined)</h3>"
            "<table><tr><th>run</th><th>records from subs unknown to Cognito</th><th>distinct subs</th>"
            "<th>records of jobs never described</th><th>distinct jobs</th></tr>"
            + ref_rows
            + "</table>"
        )
    return f"<table>{head}{''.join(body)}</table>{ref_html}"


def render(outcome: ValidationOutcome, suites: list[Suite]) -> str:
    """The report as one HTML string."""
    level, text = _status(outcome)
    by_suite: dict[str, list[CheckResult]] = {}
    for c in outcome.checks:
        by_suite.setdefault(c.suite, []).append(c)
    sections = []
    for suite in suites:
        checks = by_suite.get(suite.name, [])
        rows = outcome.rows_validated.get(suite.name, 0)
        if not checks:
            sections.append(
                f"<h3>{_e(suite.name)}</h3><p class='muted'>{_e(suite.description)} "
                f"No new records: not run.</p>"
            )
            continue
        failed = sum(not c.success for c in checks)
        sections.append(
            f"<h3 id='suite-{_e(suite.name)}'>{_e(suite.name)}</h3>"
            f"<p>{_e(suite.description)} <span class='muted'>{rows:,} new records "
            f"(<code>{_e(suite.relation)}</code>), {len(checks)} checks, {failed} failed.</span></p>"
            "<table><tr><th>check</th><th>result</th><th>applies to</th><th>failing</th><th>%</th>"
            "<th>why, and where failing records are</th></tr>"
            + "".join(_check_row(c) for c in checks)
            + "</table>"
        )
    runs = ", ".join(outcome.run_ids) or "none"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>Data quality: {_e(level)}</title><style>{_CSS}</style></head><body>"
        "<h1>groundtruth-warehouse: data quality</h1>"
        f"<p class='muted'>Generated {_e(outcome.generated_at)} in {outcome.seconds:.1f} s. Runs validated: "
        f"<span class='mono'>{_e(runs)}</span>. Records validated: "
        f"{sum(outcome.rows_validated.values()):,}. Checks: {len(outcome.checks)} run, "
        f"{outcome.passed} passed, {len(outcome.warnings)} warnings, {len(outcome.errors)} errors.</p>"
        f"<div class='banner {level}'>{_e(text)}</div>"
        "<h2>Reconciliation of the validated runs</h2>"
        "<p class='muted'>raw records landed = staged + quarantined (+ placeholders for empty metric "
        "series); a rejected file counts as one raw and one quarantined record. Totals over all runs: "
        "<code>select * from reconciliation</code>; the records: <code>select * from quarantine</code>."
        "</p>"
        + _reconciliation(outcome.reconciliation)
        + "<h2>Checks</h2><p class='muted'>An error stops <code>make etl</code> before the marts; a "
        "warning is reported and the run goes on. Each check and its severity are described in "
        "docs/data-quality.md.</p>" + "".join(sections) + "</body></html>\n"
    )


def write_report(path: Path, outcome: ValidationOutcome, suites: list[Suite]) -> Path:
    """Write the report atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render(outcome, suites), encoding="utf-8")
    os.replace(tmp, path)
    return path
