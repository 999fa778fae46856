"""The operations report: one self-contained HTML page of plots and tables over the marts.

``write_operations_report`` opens the warehouse read-only, runs the named queries in
``queries.sql`` (DuckDB does the aggregation; only aggregates reach Python), draws each with
Plotly and writes ``<reports>/operations.html`` with plotly.js inlined, so the page opens offline.

Each figure's JSON sits in a ``<script type="application/json" class="gtwh-figure">`` tag that
``page.js`` draws; every plotted point carries a key ``[team, job, day]`` (``None`` where a part
does not apply), which the page's team, job and date filters use client-side; each distinct key is
stored once per figure (``spec["keys"]``) and a point's ``customdata`` is its index there.

Workers appear by ``w-`` and the first six hex digits of the MD5 of their Cognito ``sub`` (short,
stable across runs, computed in SQL); usernames appear only with ``identity="keep"``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from extract.settings import Settings, duckdb_memory_limit

HERE = Path(__file__).resolve().parent
REPORT_NAME = "operations.html"
TABLE_ROWS = 200  # rows shown under a plot; the plot itself always has every aggregate
IDENTITIES = ("alias", "keep")

HUMAN, AUTO, CONTROL, TREATED = "#4c72b0", "#dd8452", "#8c8c8c", "#55a868"
TEAM_COLORS = (
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
)


class ReportError(RuntimeError):
    """The warehouse cannot be reported on (missing file or mart)."""


def load_queries() -> dict[str, str]:
    """The named queries of ``queries.sql`` (``-- name: x`` starts query ``x``)."""
    text = (HERE / "queries.sql").read_text()
    parts = re.split(r"^-- name: (\w+)\n", text, flags=re.M)
    return {
        name: sql.strip().rstrip(";") for name, sql in zip(parts[1::2], parts[2::2], strict=True)
    }


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def fetch_all(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, sql in load_queries().items():
        try:
            cursor = con.execute(sql)
        except duckdb.CatalogException as error:
            raise ReportError(
                f"the warehouse lacks a mart the report reads ({name}): {error}"
            ) from error
        columns = [d[0] for d in cursor.description]
        out[name] = [dict(zip(columns, map(_plain, row), strict=True)) for row in cursor.fetchall()]
    return out


@dataclass
class Section:
    key: str
    title: str
    question: str
    blocks: list[str] = field(default_factory=list)


@dataclass
class ReportResult:
    path: Path
    size_bytes: int
    figures: list[str]
    data_bytes: int  # the embedded figures' JSON, without plotly.js


# ---------------------------------------------------------------- building blocks


def _keys(rows: list[dict]) -> list[list]:
    return [[r.get("team"), r.get("job"), r.get("day")] for r in rows]


def _shared_keys(spec: dict) -> dict:
    """Each point's filter key [team, job, day] stored once per figure: ``spec["keys"]`` lists the
    distinct keys and a trace's ``customdata`` holds indexes into it (page.js looks them up).
    At 10M events the iteration figure's 57,000 points repeated their key in full: 2.5 MB."""
    index: dict[tuple, int] = {}
    for trace in spec.get("data", []):
        keys = trace.get("customdata")
        if isinstance(keys, list):
            trace["customdata"] = [index.setdefault(tuple(k), len(index)) for k in keys]
    if index:
        spec["keys"] = [list(k) for k in index]
    return spec


def _col(rows: list[dict], name: str) -> list:
    return [r[name] for r in rows]


def _fmt(value: Any, kind: str = "") -> str:
    if value is None:
        return '<span class="muted">&ndash;</span>'
    if kind == "usd":
        return f"${value:,.2f}"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "pts":
        return f"{value:.1f} %"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def _table(rows: list[dict], columns: list[tuple[str, str, str]], *, source: str) -> str:
    """columns: (key, header, kind). Rows carry the filter keys as data attributes."""
    head = "".join(f"<th>{escape(h)}</th>" for _, h, _ in columns)
    body = []
    for r in rows[:TABLE_ROWS]:
        attrs = "".join(
            f' data-{k}="{escape(str(r[k]))}"'
            for k in ("team", "job", "day")
            if r.get(k) is not None
        )
        cells = "".join(
            f'<td class="n">{_fmt(r[k], kind)}</td>'
            if kind in ("usd", "pct", "pts", "num")
            else f"<td>{_fmt(r[k], kind)}</td>"
            for k, _, kind in columns
        )
        body.append(f"<tr{attrs}>{cells}</tr>")
    note = (
        f"{len(rows):,} rows"
        if len(rows) <= TABLE_ROWS
        else f"first {TABLE_ROWS} of {len(rows):,} rows"
    )
    if not rows:
        return f'<p class="muted">No rows in <code>{escape(source)}</code>.</p>'
    table = (
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
    caption = f"{note}; source: <code>{escape(source)}</code>"
    if len(rows) > 12:  # long tables fold away under their plot
        return f'<details><summary class="muted small">table: {caption}</summary>{table}</details>'
    return f'{table}<p class="muted small">{caption}</p>'


def _layout(title: str, **extra: Any) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "height": 380,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 90},
        "legend": {"orientation": "h", "y": -0.25},
        "template": "plotly_white",
    }
    layout.update(extra)
    return layout


class Figures:
    """Collects figures as plain Plotly JSON (lists, never typed arrays, so tests can read them)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict]] = []

    def add(self, fig_id: str, data: list[dict], layout: dict, *, max_jobs: int = 0) -> str:
        """``max_jobs``: with no job chosen in the filter, page.js draws the points of the first
        ``max_jobs`` jobs the other filters keep (every point stays embedded); 0: no limit."""
        import plotly.graph_objects as go

        fig = go.Figure(data=data, layout=layout)  # validated by plotly: a typo fails here
        spec = _shared_keys(json.loads(fig.to_json()))
        if max_jobs:
            spec["maxJobs"] = max_jobs
        self.items.append((fig_id, spec))
        if not data:
            return f'<p class="muted">Nothing to plot for {escape(fig_id)}.</p>'
        payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
        note = f'<p class="muted plot-note" id="{fig_id}-note"></p>' if max_jobs else ""
        return (
            f'{note}<div class="plot" id="{fig_id}"></div>'
            f'<script type="application/json" class="gtwh-figure" data-target="{fig_id}">'
            f"{payload}</script>"
        )


# ---------------------------------------------------------------- sections


def _jobs(d: dict, figs: Figures) -> Section:
    rows = d["jobs"]
    s = Section(
        "jobs",
        "1. Jobs",
        "What did each job cost, split human / auto, how much did the "
        "machine label, and how long did it run?",
    )
    x, k = _col(rows, "job"), _keys(rows)
    s.blocks.append(
        figs.add(
            "jobs-cost",
            [
                {
                    "type": "bar",
                    "name": "human",
                    "x": x,
                    "y": _col(rows, "cost_human_usd"),
                    "customdata": k,
                    "marker": {"color": HUMAN},
                },
                {
                    "type": "bar",
                    "name": "auto",
                    "x": x,
                    "y": _col(rows, "cost_auto_usd"),
                    "customdata": k,
                    "marker": {"color": AUTO},
                },
            ],
            _layout("Cost per job, USD (human + auto)", barmode="stack", yaxis={"title": "USD"}),
        )
    )
    s.blocks.append('<div class="row">')
    s.blocks.append(
        figs.add(
            "jobs-machine-share",
            [
                {
                    "type": "bar",
                    "name": "machine-labeled share",
                    "x": x,
                    "y": _col(rows, "machine_labeled_share"),
                    "customdata": k,
                    "marker": {"color": AUTO},
                },
            ],
            _layout(
                "Machine-labeled share of labeled objects",
                yaxis={"tickformat": ".0%", "range": [0, 1]},
            ),
        )
    )
    s.blocks.append(
        figs.add(
            "jobs-elapsed",
            [
                {
                    "type": "bar",
                    "name": "elapsed hours",
                    "x": x,
                    "y": _col(rows, "elapsed_hours"),
                    "customdata": k,
                    "marker": {"color": CONTROL},
                },
            ],
            _layout("Elapsed hours (created to last modified)", yaxis={"title": "hours"}),
        )
    )
    s.blocks.append("</div>")
    s.blocks.append(
        _table(
            rows,
            [
                ("job", "job", ""),
                ("team", "team", ""),
                ("status", "status", ""),
                ("day", "created", ""),
                ("cost_human_usd", "human USD", "usd"),
                ("cost_auto_usd", "auto USD", "usd"),
                ("cost_total_usd", "total USD", "usd"),
                ("machine_labeled_share", "machine share", "pct"),
                ("labeled_objects", "labeled", "num"),
                ("elapsed_hours", "elapsed h", "num"),
                ("iterations", "iterations", "num"),
            ],
            source="job_comparison",
        )
    )
    return s


# Jobs whose iterations are drawn at once when no job is chosen in the filter.
ITERATION_JOBS_DRAWN = 10


def _iterations(d: dict, figs: Figures) -> Section:
    rows = d["iterations"]
    s = Section(
        "iterations",
        "2. Per job, by iteration",
        "In each active-learning iteration, how "
        "many objects did people and the model label, and from which iteration on did "
        "auto-labeling carry the job?",
    )
    x = [f"{r['job']} · {r['iteration']}" for r in rows]
    k = _keys(rows)
    began = [r for r in rows if r["is_first_machine_iteration"]]
    s.blocks.append(
        figs.add(
            "iterations-objects",
            [
                {
                    "type": "bar",
                    "name": "human-labeled objects",
                    "x": x,
                    "y": _col(rows, "human_labeled_objects"),
                    "customdata": k,
                    "marker": {"color": HUMAN},
                },
                {
                    "type": "bar",
                    "name": "machine-labeled objects",
                    "x": x,
                    "y": _col(rows, "machine_labeled_objects"),
                    "customdata": k,
                    "marker": {"color": AUTO},
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": "cumulative machine share",
                    "x": x,
                    "y": _col(rows, "cumulative_machine_share"),
                    "customdata": k,
                    "yaxis": "y2",
                    "line": {"color": "#222", "width": 1.5},
                    "marker": {"size": 4},
                },
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": "auto-labeling began",
                    "x": [f"{r['job']} · {r['iteration']}" for r in began],
                    "y": [r["cumulative_machine_share"] for r in began],
                    "customdata": _keys(began),
                    "yaxis": "y2",
                    "marker": {"symbol": "star", "size": 14, "color": "#c44e52"},
                },
            ]
            if rows
            else [],
            _layout(
                "Objects per iteration (job · iteration), cumulative machine share on the right",
                barmode="stack",
                height=440,
                margin={"l": 60, "r": 60, "t": 50, "b": 150},
                legend={"orientation": "h", "y": 1.08, "x": 0.45},
                xaxis={"tickangle": -60, "tickfont": {"size": 9}},
                yaxis={"title": "objects"},
                yaxis2={
                    "overlaying": "y",
                    "side": "right",
                    "range": [0, 1],
                    "tickformat": ".0%",
                    "showgrid": False,
                },
            ),
            # 164 jobs x 115 iterations (10M events) took Chromium 15 s to draw as bars
            max_jobs=ITERATION_JOBS_DRAWN,
        )
    )
    s.blocks.append(
        _table(
            rows,
            [
                ("job", "job", ""),
                ("iteration", "iteration", "num"),
                ("day", "started", ""),
                ("human_labeled_objects", "human", "num"),
                ("machine_labeled_objects", "machine", "num"),
                ("cumulative_machine_share", "cumulative machine share", "pct"),
                ("is_first_machine_iteration", "auto-labeling began", ""),
                ("cost_total_usd", "cost USD", "usd"),
            ],
            source="fct_labeling_job_iterations",
        )
    )
    return s


def pair_sentence(r: dict) -> str:
    """ "started from job A's model: 23 % cheaper, 51 % faster than its control"."""

    def part(pct: float | None, better: str, worse: str, what: str) -> str:
        if pct is None:
            return f"{what} not known"
        return f"{abs(pct):.0f} % {better if pct >= 0 else worse}"

    parent = r.get("model_parent_job_name")
    start = f"started from job {parent}'s model" if parent else "started from a previous model"
    return (
        f"{r['job']} {start}: {part(r['cost_reduction_pct'], 'cheaper', 'dearer', 'cost')}, "
        f"{part(r['elapsed_reduction_pct'], 'faster', 'slower', 'time')} than its control "
        f"{r['control_job_name']}."
    )


def _pairs(d: dict, figs: Figures) -> Section:
    rows = d["pairs"]
    s = Section(
        "pairs",
        "3. Treated vs control",
        "Did starting from a previous job's model make the "
        "job cheaper and faster than its control on the same data?",
    )
    x = [f"{r['job']} vs {r['control_job_name']}" for r in rows]
    k = _keys(rows)

    def pct_text(values: list) -> list:
        return [None if v is None else f"{v:.0f} % saved" for v in values]

    s.blocks.append('<div class="row">')
    s.blocks.append(
        figs.add(
            "pairs-elapsed",
            [
                {
                    "type": "bar",
                    "name": "treated",
                    "x": x,
                    "y": _col(rows, "treated_elapsed_hours"),
                    "customdata": k,
                    "marker": {"color": TREATED},
                    "text": pct_text(_col(rows, "elapsed_reduction_pct")),
                    "textposition": "outside",
                },
                {
                    "type": "bar",
                    "name": "control",
                    "x": x,
                    "y": _col(rows, "control_elapsed_hours"),
                    "customdata": k,
                    "marker": {"color": CONTROL},
                },
            ]
            if rows
            else [],
            _layout("Elapsed hours: treated vs control", barmode="group", yaxis={"title": "hours"}),
        )
    )
    s.blocks.append(
        figs.add(
            "pairs-cost",
            [
                {
                    "type": "bar",
                    "name": "treated",
                    "x": x,
                    "y": _col(rows, "treated_cost_total_usd"),
                    "customdata": k,
                    "marker": {"color": TREATED},
                    "text": pct_text(_col(rows, "cost_reduction_pct")),
                    "textposition": "outside",
                },
                {
                    "type": "bar",
                    "name": "control",
                    "x": x,
                    "y": _col(rows, "control_cost_total_usd"),
                    "customdata": k,
                    "marker": {"color": CONTROL},
                },
            ]
            if rows
            else [],
            _layout("Cost, USD: treated vs control", barmode="group", yaxis={"title": "USD"}),
        )
    )
    s.blocks.append("</div>")
    if rows:
        items = "".join(
            f'<li data-team="{escape(r["team"] or "")}" data-job="{escape(r["job"])}">'
            f"{escape(pair_sentence(r))}</li>"
            for r in rows
        )
        s.blocks.append(f'<ul class="sentences">{items}</ul>')
    s.blocks.append(
        _table(
            rows,
            [
                ("job", "treated", ""),
                ("control_job_name", "control", ""),
                ("treated_elapsed_hours", "treated h", "num"),
                ("control_elapsed_hours", "control h", "num"),
                ("elapsed_reduction_pct", "time saved", "pts"),
                ("treated_cost_total_usd", "treated USD", "usd"),
                ("control_cost_total_usd", "control USD", "usd"),
                ("cost_reduction_pct", "cost saved", "pts"),
                ("treated_machine_labeled_share", "treated machine share", "pct"),
                ("control_machine_labeled_share", "control machine share", "pct"),
                ("is_declared", "declared pair", ""),
            ],
            source="job_pair_comparisons",
        )
    )
    return s


def _chains(d: dict, figs: Figures) -> Section:
    rows = d["chains"]
    s = Section(
        "chains",
        "4. Model chains",
        "Along each chain of jobs that reused the previous "
        "job's model (A -> B -> C), how far did automation climb?",
    )
    traces = []
    for path in dict.fromkeys(_col(rows, "chain_path")):
        members = [r for r in rows if r["chain_path"] == path]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": path,
                "x": _col(members, "chain_position"),
                "y": _col(members, "cumulative_automation_rate"),
                "text": _col(members, "job"),
                "textposition": "top center",
                "customdata": _keys(members),
            }
        )
    s.blocks.append(
        figs.add(
            "chains-automation",
            traces,
            _layout(
                "Cumulative automation (machine-labeled share so far) along each chain",
                xaxis={"title": "position in chain", "dtick": 1},
                yaxis={"tickformat": ".0%", "range": [0, 1.05]},
            ),
        )
    )
    s.blocks.append(
        _table(
            rows,
            [
                ("chain_path", "chain", ""),
                ("chain_position", "position", "num"),
                ("job", "job", ""),
                ("labeled_objects", "labeled", "num"),
                ("cumulative_automation_rate", "cumulative automation", "pct"),
                ("cumulative_cost_usd", "cumulative USD", "usd"),
            ],
            source="job_chain_members",
        )
    )
    return s


def _per_team_lines(rows: list[dict], x: str, y: str, **style: Any) -> list[dict]:
    traces = []
    suffix, dash = style.pop("suffix", ""), style.pop("dash", None)
    for i, team in enumerate(sorted({r["team"] for r in rows if r["team"] is not None})):
        part = [r for r in rows if r["team"] == team]
        line = {"color": TEAM_COLORS[i % len(TEAM_COLORS)], **({"dash": dash} if dash else {})}
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{team}{suffix}",
                "line": line,
                "x": _col(part, x),
                "y": _col(part, y),
                "customdata": _keys(part),
                **style,
            }
        )
    return traces


def _workforce(d: dict, figs: Figures, identity: str) -> Section:
    s = Section(
        "workforce",
        "5. Workforce",
        "How much does each team submit per hour and day, how "
        "long does a task take, does the console agree with the logs, who is suspiciously "
        "fast, and how quickly do workers get up to speed?",
    )
    hourly, daily = d["submitted_hourly"], d["submitted_daily"]
    s.blocks.append(
        figs.add(
            "workforce-hourly",
            _per_team_lines(hourly, "hour", "tasks_submitted"),
            _layout("Submitted tasks per hour, per team", xaxis={"type": "date"}),
        )
    )
    s.blocks.append(
        figs.add(
            "workforce-daily",
            [
                {**t, "mode": "lines+markers"}
                for t in _per_team_lines(daily, "day", "tasks_submitted")
            ],
            _layout("Submitted tasks per day, per team", xaxis={"type": "date"}),
        )
    )
    s.blocks.append(
        _table(
            daily,
            [
                ("day", "day", ""),
                ("team", "team", ""),
                ("tasks_submitted", "submitted", "num"),
                ("handling_hours", "handling h", "num"),
                ("working_hours", "working h", "num"),
            ],
            source="throughput_team_job_daily",
        )
    )

    jobs = d["handling_per_job"]
    s.blocks.append(
        figs.add(
            "workforce-handling",
            [
                {
                    "type": "bar",
                    "name": "median",
                    "x": _col(jobs, "job"),
                    "y": _col(jobs, "handling_seconds_median"),
                    "customdata": _keys(jobs),
                    "marker": {"color": HUMAN},
                },
                {
                    "type": "bar",
                    "name": "p90",
                    "x": _col(jobs, "job"),
                    "y": _col(jobs, "handling_seconds_p90"),
                    "customdata": _keys(jobs),
                    "marker": {"color": "#a1c4e6"},
                },
            ],
            _layout(
                "Handling seconds per submitted task, per job",
                barmode="group",
                yaxis={"title": "seconds"},
            ),
        )
    )
    s.blocks.append(
        _table(
            jobs,
            [
                ("job", "job", ""),
                ("team", "team", ""),
                ("tasks_submitted", "submitted", "num"),
                ("handling_seconds_median", "median s", "num"),
                ("handling_seconds_p90", "p90 s", "num"),
            ],
            source="fct_task_outcomes",
        )
    )

    traces = []
    for i, team in enumerate(sorted({r["team"] for r in daily if r["team"]})):
        part = [r for r in daily if r["team"] == team]
        color = TEAM_COLORS[i % len(TEAM_COLORS)]
        traces.append(
            {
                "type": "bar",
                "name": f"{team}: handling",
                "x": _col(part, "day"),
                "y": _col(part, "handling_hours"),
                "customdata": _keys(part),
                "offsetgroup": team,
                "marker": {"color": color},
            }
        )
        traces.append(
            {
                "type": "bar",
                "name": f"{team}: working, not handling",
                "x": _col(part, "day"),
                "y": [
                    None if w is None or h is None else max(w - h, 0.0)
                    for w, h in zip(
                        _col(part, "working_hours"), _col(part, "handling_hours"), strict=True
                    )
                ],
                "base": _col(part, "handling_hours"),
                "customdata": _keys(part),
                "offsetgroup": team,
                "marker": {"color": color, "opacity": 0.35},
            }
        )
    s.blocks.append(
        figs.add(
            "workforce-handling-vs-working",
            traces,
            _layout(
                "Handling vs working hours per team and day (bar top = working time)",
                barmode="group",
                xaxis={"type": "date"},
                yaxis={"title": "hours"},
                height=420,
                margin={"l": 60, "r": 20, "t": 50, "b": 130},
            ),
        )
    )

    console = d["console_vs_logs"]
    s.blocks.append(
        figs.add(
            "workforce-console-vs-logs",
            _per_team_lines(
                console,
                "day",
                "log_seconds_per_submitted_task",
                suffix=": logs",
                mode="lines+markers",
                marker={"size": 4},
            )
            + _per_team_lines(
                console,
                "day",
                "console_seconds_per_submitted_task",
                suffix=": console",
                dash="dot",
                mode="lines+markers",
                marker={"size": 4},
            ),
            _layout(
                "Average seconds per submitted task: logs (solid) vs console metric (dotted)",
                xaxis={"type": "date"},
                yaxis={"title": "seconds"},
                height=420,
                margin={"l": 60, "r": 20, "t": 50, "b": 130},
            ),
        )
    )
    s.blocks.append(
        _table(
            console,
            [
                ("day", "day", ""),
                ("team", "team", ""),
                ("log_tasks_submitted", "submitted (logs)", "num"),
                ("log_seconds_per_submitted_task", "logs s/task", "num"),
                ("console_seconds_per_submitted_task", "console s/task", "num"),
            ],
            source="throughput_console_team_job_daily",
        )
    )

    flags = d["speed_flags"]
    who = "username" if identity == "keep" else "worker_alias"
    for r in flags:
        r["worker"] = r[who] or r["worker_alias"]
        r["label"] = f"{r['worker']} · {r['job']}"
    s.blocks.append(
        figs.add(
            "workforce-speed-flags",
            [
                {
                    "type": "bar",
                    "name": "share of fast tasks",
                    "x": _col(flags, "label"),
                    "y": _col(flags, "fast_task_share"),
                    "customdata": _keys(flags),
                    "marker": {"color": "#c44e52"},
                },
            ]
            if flags
            else [],
            _layout(
                "Speed-flagged workers: share of their tasks far below the job's median",
                yaxis={"tickformat": ".0%", "range": [0, 1]},
            ),
        )
    )
    s.blocks.append(
        _table(
            flags,
            [
                ("worker", "worker", ""),
                ("team", "team", ""),
                ("job", "job", ""),
                ("tasks_submitted", "submitted", "num"),
                ("fast_tasks", "fast", "num"),
                ("fast_task_share", "fast share", "pct"),
                ("handling_seconds_median", "worker median s", "num"),
                ("job_handling_seconds_median", "job median s", "num"),
            ],
            source="speed_flags_worker_job",
        )
    )

    curve = d["learning_curve"]
    traces = []
    for job in dict.fromkeys(_col(curve, "job")):
        part = [r for r in curve if r["job"] == job]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": job,
                "x": _col(part, "job_task_ordinal"),
                "y": _col(part, "handling_seconds_median_smoothed"),
                "customdata": _keys(part),
            }
        )
    s.blocks.append(
        figs.add(
            "workforce-learning-curve",
            traces,
            _layout(
                "Learning curve: median handling seconds of a worker's n-th task in a job (9-task mean)",
                xaxis={"title": "n-th task of the worker in the job"},
                yaxis={"title": "seconds"},
            ),
        )
    )
    summary = [
        {
            "job": job,
            "team": next(r["team"] for r in curve if r["job"] == job),
            "first": next(r["handling_seconds_median"] for r in curve if r["job"] == job),
            "last": [r["handling_seconds_median"] for r in curve if r["job"] == job][-1],
            "workers": next(r["workers"] for r in curve if r["job"] == job),
        }
        for job in dict.fromkeys(_col(curve, "job"))
    ]
    s.blocks.append(
        _table(
            summary,
            [
                ("job", "job", ""),
                ("team", "team", ""),
                ("workers", "workers", "num"),
                ("first", "1st task median s", "num"),
                ("last", "200th task median s", "num"),
            ],
            source="throughput_learning_curve",
        )
    )
    return s


def _quality(d: dict, figs: Figures) -> Section:
    rows = d["quarantine"]
    s = Section(
        "quality",
        "6. Data quality",
        "Which records were held back from the marts, from which resource and why?",
    )
    traces = []
    for reason in dict.fromkeys(_col(rows, "reason")):
        part = [r for r in rows if r["reason"] == reason]
        traces.append(
            {
                "type": "bar",
                "name": reason,
                "x": _col(part, "resource"),
                "y": _col(part, "records"),
                "customdata": _keys(part),
            }
        )
    s.blocks.append(
        figs.add(
            "quality-quarantine",
            traces,
            _layout(
                "Quarantined records by resource and reason (all runs)",
                barmode="stack",
                yaxis={"title": "records"},
            ),
        )
    )
    s.blocks.append(
        '<p>Every check, its counts and sample rows: <a href="data-quality.html">the data-quality '
        "report</a>.</p>"
    )
    s.blocks.append(
        _table(
            rows,
            [
                ("resource", "resource", ""),
                ("reason", "reason", ""),
                ("records", "records", "num"),
            ],
            source="quarantine",
        )
    )
    return s


# ---------------------------------------------------------------- the page


def _filters(d: dict) -> str:
    teams = sorted({r["team"] for rows in d.values() for r in rows if r.get("team")})
    jobs = sorted({r["job"] for rows in d.values() for r in rows if r.get("job")})
    days = sorted({r["day"] for rows in d.values() for r in rows if r.get("day")})
    job_team = {r["job"]: r["team"] for r in d["jobs"]}
    opts = lambda values, attr=None: "".join(  # noqa: E731
        f'<option value="{escape(v)}"'
        + (f' data-team="{escape(attr.get(v) or "")}"' if attr else "")
        + f">{escape(v)}</option>"
        for v in values
    )
    lo, hi = (days[0], days[-1]) if days else ("", "")
    return (
        '<form id="filters" class="filters" onsubmit="return false">'
        f'<label>team <select id="f-team"><option value="">all teams</option>{opts(teams)}</select></label>'
        f'<label>job <select id="f-job"><option value="">all jobs</option>{opts(jobs, job_team)}</select></label>'
        f'<label>from <input type="date" id="f-from" value="{lo}" min="{lo}" max="{hi}"></label>'
        f'<label>to <input type="date" id="f-to" value="{hi}" min="{lo}" max="{hi}"></label>'
        '<button type="button" id="f-reset">reset</button>'
        '<span class="muted small">Filters apply in the page to the embedded aggregates: a point '
        "or row is hidden when its team, job or day differs (points without that key, such as "
        "team totals under a job filter, stay).</span></form>"
    )


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{background:#1d2330;color:#fff;padding:1em 2em}header h1{margin:0;font-size:1.5em}
header p{margin:.2em 0 0;color:#c9cfdb}header a{color:#9cc3ff}
main{max-width:1280px;margin:0 auto;padding:0 1.5em 3em}
nav{margin:.6em 0}nav a{margin-right:1em;color:#2d5fa8;text-decoration:none}
.filters{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid #dde;padding:.6em .8em;
 display:flex;gap:1em;align-items:center;flex-wrap:wrap;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.filters select,.filters input{font:inherit}
section{background:#fff;border:1px solid #e3e6ed;border-radius:8px;margin:1.2em 0;padding:.6em 1.2em 1em}
h2{margin:.4em 0 .1em}.question{color:#556;margin:0 0 .6em;font-style:italic}
.row{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.plot{min-height:300px}
table.data{border-collapse:collapse;width:100%;margin:.4em 0 .2em;font-size:.9em}
table.data th,table.data td{border-bottom:1px solid #e6e9ef;padding:.25em .5em;text-align:left}
table.data th{background:#f3f5f9;position:sticky;top:3.2em}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#778}.small{font-size:.85em}
ul.sentences{font-size:1.1em;font-weight:600;color:#2f6b3a}
@media (max-width:900px){.row{grid-template-columns:1fr}}
"""


def render(
    d: dict, *, identity: str, generated_at: str, warehouse: Path
) -> tuple[str, list[tuple[str, dict]]]:
    import plotly.offline

    figs = Figures()
    sections = [
        _jobs(d, figs),
        _iterations(d, figs),
        _pairs(d, figs),
        _chains(d, figs),
        _workforce(d, figs, identity),
        _quality(d, figs),
    ]
    nav = "".join(f'<a href="#{s.key}">{escape(s.title)}</a>' for s in sections)
    body = "".join(
        f'<section id="{s.key}"><h2>{escape(s.title)}</h2><p class="question">{escape(s.question)}</p>'
        f"{''.join(s.blocks)}</section>"
        for s in sections
    )
    workers = (
        "usernames (--identity keep)"
        if identity == "keep"
        else "a short alias of their Cognito sub"
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Ground Truth operations report</title><style>{_CSS}</style>"
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body>"
        "<header><h1>Ground Truth operations report</h1>"
        f"<p>Warehouse {escape(warehouse.name)} read at {escape(generated_at)} UTC · workers shown by "
        f'{workers} · <a href="data-quality.html">data-quality report</a></p></header>'
        f"<main><nav>{nav}</nav>{_filters(d)}{body}</main>"
        f"<script>{(HERE / 'page.js').read_text()}</script></body></html>"
    )
    return html, figs.items


def write_operations_report(
    settings: Settings | None = None,
    *,
    warehouse: Path | str | None = None,
    out: Path | str | None = None,
    identity: str = "alias",
) -> ReportResult:
    """Read ``warehouse`` (default: ``settings.warehouse``) read-only and write the report to
    ``out`` (default: ``<reports>/operations.html``), atomically."""
    if identity not in IDENTITIES:
        raise ValueError(f"identity must be one of {IDENTITIES}, not {identity!r}")
    settings = settings or Settings.from_env()
    warehouse = Path(warehouse or settings.warehouse)
    out = Path(out or settings.reports_dir / REPORT_NAME)
    if not warehouse.exists():
        raise ReportError(f"no warehouse at {warehouse}: run `make etl` first")
    con = duckdb.connect(
        str(warehouse), read_only=True, config={"memory_limit": duckdb_memory_limit()}
    )
    try:
        data = fetch_all(con)
        generated_at = con.execute(
            "select strftime(now() at time zone 'UTC', '%Y-%m-%d %H:%M')"
        ).fetchone()[0]
    finally:
        con.close()
    html, items = render(data, identity=identity, generated_at=generated_at, warehouse=warehouse)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    data_bytes = sum(len(json.dumps(spec["data"], separators=(",", ":"))) for _, spec in items)
    return ReportResult(out, out.stat().st_size, [fig_id for fig_id, _ in items], data_bytes)
