"""`gtwh bench` on a tiny operation: what it verifies holds, and its table names every step.

Correctness only: row counts, the increment landing exactly once, the incremental warehouse equal
to a rebuild from scratch. Timings are printed by the benchmark, never asserted here.

One test with subtests: pytest-xdist hands tests out round robin, and a shared module fixture
would run the whole benchmark on both workers.
"""

from __future__ import annotations

import io
from pathlib import Path

from extract.bench import STAGE_LABELS, run_bench, write_report

EVENTS = 20_000


def test_the_benchmark_verifies_the_pipeline_and_reports_every_step(tmp_path: Path, subtests):
    report = tmp_path / "BENCHMARKS.md"
    report.write_text("# Benchmarks\n\nHand-written notes stay.\n")
    out = io.StringIO()
    result = run_bench(EVENTS, tmp_path / "bench", report=report, peer_events=5_000, stream=out)
    text = report.read_text()

    for name, ok, detail in result.checks:
        with subtests.test(check=name):
            assert ok, detail

    with subtests.test("every run and stage ran, and no-data runs rebuilt nothing"):
        assert set(result.runs) == {"full", "noop", "incremental", "noop2", "rebuild"}
        for run in result.runs.values():
            assert [s.label.split(": ")[-1] for s in run.stages] == list(STAGE_LABELS)
        for key in ("noop", "noop2"):
            assert all(result.runs[key].skipped(s) for s in ("staging", "validation", "marts"))

    with subtests.test("row counts: first run + increment = the final lake"):
        inc = result.increment
        assert inc["new_events"] > 0 and inc["late_events"] > 0 and inc["redelivered_events"] > 0
        assert (
            result.runs["full"].events
            + sum(inc[k] for k in ("new_events", "late_events", "redelivered_events"))
            == result.runs["rebuild"].events
        )
        assert result.runs["full"].events == result.floors[0].result["events"]
        assert result.peer is not None and result.peer.result["events"] == 5_000

    with subtests.test("the incremental warehouse was compared with the rebuild, marts included"):
        assert result.tables_compared >= 25
        detail = next(d for n, _, d in result.checks if n.startswith("incremental warehouse"))
        assert "differ" not in detail

    with subtests.test("each run publishes once, the no-data runs do not, and the cost is shown"):
        for key in ("full", "incremental", "rebuild"):
            step = result.runs[key].publish
            assert step is not None and step.result["bytes"] > 0, key
        assert "Publish cost" in text and "% of the run's" in text

    with subtests.test("the table names every step, target and check"):
        for label in STAGE_LABELS.values():
            for run in ("full run", "no new data", "incremental (+1%)", "rebuild from scratch"):
                assert f"| {run}" in text and label in text
        for needle in (
            "**floor**",
            "**peer**",
            "whole pipeline vs floor",
            "peak memory",
            "incremental run (+1%)",
            "events/s of extract + staging vs peer",
            "events/s of the whole pipeline vs peer",
            "run with no new data",
            "peak RssAnon",
            "peak VmRSS",
            "x floor",
            "Machine:",
            "PASS:",
        ):
            assert needle in text, needle
        assert "FAIL:" not in text
        assert "Hand-written notes stay." in text

    with subtests.test("a second report for the same N replaces its section, other text stays"):
        write_report(report, result, "second table")
        again = report.read_text()
        assert again.count(f"## {EVENTS:,} events") == 1
        assert "second table" in again and "Hand-written notes stay." in again

    with subtests.test("without --keep the work folder holds no data afterwards"):
        left = {p.name for p in (tmp_path / "bench").iterdir()}
        assert left <= {"bench.log", "bench.json", "pycache", "dbt"}, left


def test_the_benchmark_child_steps_use_the_cli_parser():
    """``python -m extract.bench`` parses with ``gtwh``'s parser: its errors name ``gtwh bench``."""
    import subprocess
    import sys

    from extract.cli import build_parser

    args = build_parser().parse_args(["bench", "peer", "m", "o", "5", "9"])
    assert (args.step, args.mirror, args.peer_out, args.peer_count, args.total) == (
        "peer",
        "m",
        "o",
        5,
        9,
    )
    assert build_parser().parse_args(["bench", "--events", "30"]).step is None
    done = subprocess.run(
        [sys.executable, "-m", "extract.bench", "stage", "nonsense", "simulator"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "usage: gtwh bench stage" in done.stderr and "invalid choice: 'nonsense'" in done.stderr
