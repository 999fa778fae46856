"""The operations report (`gtwh report`, built by `gtwh etl`): every plotted figure equals an
independent query of the warehouse, workers appear by alias, and the page draws every plot in
headless Chromium with the network off and no console errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import run_etl
from extract.report import ReportError, write_operations_report
from extract.simulator import simulate
from tests.conftest import isolated_settings

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Figures(HTMLParser):
    """The JSON of every <script class="gtwh-figure" data-target=...>, by target id."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.divs: set[str] = set()
        self.remote: list[str] = []
        self._target: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href"):
            if re.match(r"^(https?:)?//", a.get(name) or ""):
                self.remote.append(f"<{tag} {name}={a[name]}>")
        if tag == "link" and a.get("rel") == "stylesheet":
            self.remote.append(f"<link {a}>")
        if tag == "div" and "plot" in (a.get("class") or "").split():
            self.divs.add(a["id"])
        if tag == "script" and a.get("class") == "gtwh-figure":
            self._target = a["data-target"]

    def handle_data(self, data):
        if self._target:
            self.figures[self._target] = json.loads(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._target = None


def parse(path: Path) -> _Figures:
    parser = _Figures()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def trace(fig: dict, name: str) -> dict[str, object]:
    """One trace's points as {x: y}."""
    (t,) = [t for t in fig["data"] if t["name"] == name]
    return dict(zip(t["x"], t["y"], strict=True))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    simulate(root / "mirror", seed=7)
    settings = isolated_settings(root)
    run_etl(settings, f"mirror:{root / 'mirror'}")
    return settings


@pytest.fixture(scope="module")
def report(built) -> Path:
    return built.reports_dir / "operations.html"


def query(settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_etl_writes_the_report_self_contained_with_every_plot(built, report):
    parsed = parse(report)
    assert parsed.remote == []
    assert "<script src" not in report.read_text()
    assert set(parsed.figures) == parsed.divs and len(parsed.divs) == 15
    for fig_id, fig in parsed.figures.items():
        assert fig["data"], f"{fig_id} has nothing plotted on the simulated operation"
        assert all(len(t["x"]) > 0 for t in fig["data"]), fig_id
    # plotly.js itself is inlined (the page's only script source besides the report's own)
    assert "plotly.js v" in report.read_text()[:2_000_000]


def test_cost_per_job_and_machine_share_equal_the_cost_mart(built, report):
    figs = parse(report).figures
    rows = query(
        built,
        "select labeling_job_name, cost_human_usd, cost_auto_usd, human_labeled_objects, "
        "machine_labeled_objects from fct_labeling_job_costs",
    )
    human, auto = trace(figs["jobs-cost"], "human"), trace(figs["jobs-cost"], "auto")
    share = trace(figs["jobs-machine-share"], "machine-labeled share")
    assert set(human) == {r[0] for r in rows}
    for job, cost_human, cost_auto, n_human, n_machine in rows:
        assert human[job] == pytest.approx(float(cost_human), abs=1e-6)
        assert auto[job] == pytest.approx(float(cost_auto), abs=1e-6)
        assert share[job] == pytest.approx(n_machine / (n_human + n_machine))
    elapsed = trace(figs["jobs-elapsed"], "elapsed hours")
    for job, seconds in query(
        built, "select labeling_job_name, elapsed_seconds from dim_labeling_jobs"
    ):
        assert elapsed[job] == pytest.approx(seconds / 3600)


def test_machine_share_per_iteration_equals_a_running_sum_of_the_iterations(built, report):
    fig = parse(report).figures["iterations-objects"]
    rows = query(
        built,
        "select labeling_job_name, iteration, human_labeled_objects, machine_labeled_objects "
        "from fct_labeling_job_iterations order by 1, 2",
    )
    human, machine = trace(fig, "human-labeled objects"), trace(fig, "machine-labeled objects")
    cumulative = trace(fig, "cumulative machine share")
    began = trace(fig, "auto-labeling began")
    sums: dict[str, list[int]] = {}
    first_machine: dict[str, str] = {}
    for job, iteration, n_human, n_machine in rows:
        x = f"{job} · {iteration}"
        total = sums.setdefault(job, [0, 0])
        total[0] += n_human
        total[1] += n_machine
        assert (human[x], machine[x]) == (n_human, n_machine)
        assert cumulative[x] == pytest.approx(total[1] / sum(total))
        if n_machine and job not in first_machine:
            first_machine[job] = x
    assert set(began) == set(first_machine.values()) and began


def test_the_pair_savings_equal_treated_against_control(built, report):
    text = report.read_text()
    figs = parse(report).figures
    pairs = query(built, "select treated_job_name, control_job_name from job_pair_comparisons")
    assert pairs
    costs = dict(
        query(built, "select labeling_job_name, cost_total_usd from fct_labeling_job_costs")
    )
    elapsed = dict(query(built, "select labeling_job_name, elapsed_seconds from dim_labeling_jobs"))
    for treated, control in pairs:
        x = f"{treated} vs {control}"
        cost_saved = 100 * float(1 - costs[treated] / costs[control])
        time_saved = 100 * (1 - elapsed[treated] / elapsed[control])
        assert trace(figs["pairs-cost"], "treated")[x] == pytest.approx(float(costs[treated]))
        assert trace(figs["pairs-cost"], "control")[x] == pytest.approx(float(costs[control]))
        assert trace(figs["pairs-elapsed"], "control")[x] == pytest.approx(elapsed[control] / 3600)
        (t,) = [t for t in figs["pairs-cost"]["data"] if t["name"] == "treated"]
        assert t["text"][t["x"].index(x)] == f"{cost_saved:.0f} % saved"
        assert (
            f"{abs(cost_saved):.0f} % {'cheaper' if cost_saved >= 0 else 'dearer'}, "
            f"{abs(time_saved):.0f} % {'faster' if time_saved >= 0 else 'slower'} than its control {control}"
        ) in text


def test_workforce_and_quarantine_figures_equal_the_facts(built, report):
    figs = parse(report).figures
    hourly = query(
        built,
        "select workteam_name, strftime(closed_hour, '%Y-%m-%d %H:00'), count(*) from fct_task_outcomes "
        "where outcome = 'submitted' group by all",
    )
    for team, hour, n in hourly:
        assert trace(figs["workforce-hourly"], team)[hour] == n
    plotted = sum(sum(t["y"]) for t in figs["workforce-hourly"]["data"])
    assert plotted == sum(n for *_, n in hourly)  # the zero-filled hours add nothing
    quarantined = Counter(query(built, "select resource, reason from quarantine"))
    drawn = {
        (x, t["name"]): y
        for t in figs["quality-quarantine"]["data"]
        for x, y in zip(t["x"], t["y"], strict=True)
    }
    assert drawn == dict(quarantined)


def test_workers_appear_by_alias_unless_identity_keep(built, report, tmp_path):
    people = query(built, "select username, email from worker_identities")
    text = report.read_text()
    leaked = [u for u, e in people for v in (u, e) if v and v in text]
    assert leaked == []
    flagged = query(
        built, "select distinct cognito_sub from speed_flags_worker_job where is_fast_worker"
    )
    assert flagged
    for (sub,) in flagged:
        assert sub not in text
    kept = write_operations_report(
        built, out=tmp_path / "kept.html", identity="keep"
    ).path.read_text()
    names = query(
        built,
        "select i.username from speed_flags_worker_job f join worker_identities i using (cognito_sub) "
        "where f.is_fast_worker",
    )
    assert all(u in kept for (u,) in names)


def test_jobs_without_costs_iterations_or_pairs_render(built, tmp_path):
    warehouse = tmp_path / "sparse.duckdb"
    shutil.copy(built.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    job = con.execute("select labeling_job_name from job_comparison order by 1 limit 1").fetchone()[
        0
    ]
    con.execute(
        "update job_comparison set cost_human_usd = null, cost_auto_usd = null, cost_total_usd = null, "
        "machine_labeled_share = null, iterations = null where labeling_job_name = ?",
        [job],
    )
    con.execute("delete from fct_labeling_job_iterations")
    con.execute("delete from job_pair_comparisons")
    con.close()
    result = write_operations_report(built, warehouse=warehouse, out=tmp_path / "sparse.html")
    figs = parse(result.path).figures
    assert trace(figs["jobs-cost"], "human")[job] is None
    assert "iterations-objects" not in figs and "pairs-cost" not in figs
    assert "Nothing to plot for iterations-objects" in result.path.read_text()
    assert "No rows in <code>job_pair_comparisons</code>" in result.path.read_text()


def test_a_missing_warehouse_is_a_clear_error(built, tmp_path):
    with pytest.raises(ReportError, match="no warehouse at"):
        write_operations_report(
            built, warehouse=tmp_path / "absent.duckdb", out=tmp_path / "x.html"
        )


def _chromium() -> Path:
    if not CHROMIUM.exists() and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            "apt-get update -qq && apt-get install -y -qq chromium",
            shell=True,
            capture_output=True,
            check=False,
        )
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's chromium is not installed and could not be (apt-get install -y chromium)"
        )
    return CHROMIUM


def test_the_report_draws_every_plot_in_headless_chromium_offline(built, report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
    chromium = _chromium()
    per_job = query(
        built,
        "select i.labeling_job_name, count(*) from fct_labeling_job_iterations as i"
        " left join job_comparison as c using (labeling_job_name)"
        " group by i.labeling_job_name, c.created_at order by c.created_at, 1",
    )  # the report's order: jobs by creation time
    last_job = per_job[-1][0]
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        # a fresh profile (--user-data-dir) per run; --headless is Playwright's headless=True
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_FLAGS[1:],
            offline=True,
            viewport={"width": 1300, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else requests.append(r.url),
            )
            page.goto(report.as_uri())
            page.wait_for_function("document.body.dataset.plotsDrawn !== undefined", timeout=30_000)
            drawn = page.evaluate(
                """Array.from(document.querySelectorAll('div.plot')).map(d => {
                     const svg = d.querySelector('svg.main-svg'); const r = svg && svg.getBoundingClientRect();
                     return [d.id, r ? r.width : 0, r ? r.height : 0,
                             d.querySelectorAll('.trace, .point, path.js-line').length];
                   })"""
            )
            shot = PROJECT / "data" / "reports" / "operations.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            # the team filter hides the other teams' bars
            bars = "document.querySelectorAll('#jobs-cost .trace.bars')[0].querySelectorAll('.point').length"
            before = page.evaluate(bars)
            team = page.evaluate("document.querySelector('#f-team').options[1].value")
            page.select_option("#f-team", team)
            page.wait_for_timeout(300)
            after = page.evaluate(bars)
            # iterations: with no job chosen only the first jobs are drawn; choosing one draws it
            page.click("#f-reset")
            page.wait_for_timeout(300)
            iteration_bars = (
                "document.querySelectorAll('#iterations-objects .trace.bars')[0]"
                ".querySelectorAll('.point').length"
            )
            limited = page.evaluate(iteration_bars)
            note = page.text_content("#iterations-objects-note")
            page.select_option("#f-job", last_job)
            page.wait_for_timeout(300)
            one_job = page.evaluate(iteration_bars)
        finally:
            context.close()
    assert errors == [] and requests == []
    assert len(drawn) == 15
    for fig_id, width, height, marks in drawn:
        assert width > 0 and height > 0 and marks > 0, fig_id
    jobs_of_team = query(
        built, f"select count(*) from job_comparison where workteam_name = '{team}'"
    )[0][0]
    from extract.report import ITERATION_JOBS_DRAWN as shown

    assert len(per_job) > shown, "the simulated operation should have more jobs than are drawn"
    assert limited == sum(n for _, n in per_job[:shown])
    assert note == (
        f"Showing the first {shown} of {len(per_job)} jobs: "
        "choose a job in the Job filter to see any other."
    )
    assert one_job == per_job[-1][1]
    assert (before, after) == (
        query(built, "select count(*) from job_comparison")[0][0],
        jobs_of_team,
    )
