"""``gtwh bench``: the whole pipeline on N simulated events, against DuckDB alone and pandas.

One run measures, each step in its own child process (wall time, CPU time, peak anonymous and
total resident memory of the process tree, see :mod:`extract.bench.measure`):

1. the **floor**: DuckDB alone reading the first run's raw event files into typed Parquet
   (twice: at the start and at the end of the run, the machine being shared);
2. the **full run**: extract, dbt staging, Great Expectations, dbt marts, publish (the copy of the
   build file onto the file readers open, extract/publish.py), on an empty warehouse;
3. a run with **no new data**;
4. an **incremental** run after about 1% more events arrived (new days, late events of an old
   period, re-delivered events; both raw forms), then **no new data** again;
5. the **peer**: the blog approach (pandas) on 1 million events;
6. a **rebuild** from scratch on the final mirror, which must equal the incremental warehouse
   table for table, row for row (lineage of the extraction run left out).

Row counts and the incremental-equals-rebuild check are verified in the run (the command exits
1 when one fails); timings are only reported. The table is printed and written to
BENCHMARKS.md, one section per N, with the machine's description.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from extract.bench.measure import Measured, run_measured
from extract.settings import PROJECT_DIR

STAGES = ("extract", "staging", "validation", "marts", "publish")
STAGE_LABELS = {
    "extract": "extract to the lake",
    "staging": "dbt staging + quarantine",
    "validation": "validation (Great Expectations)",
    "marts": "dbt marts",
    "publish": "publish (checkpoint, copy, fsync, rename)",
}
GB = 1024**3
TARGET_FLOOR_RATIO = 3.0
# Issue 14's targets at 10M events on 2 cores.
TARGET_MEMORY = 1.5 * GB
TARGET_INCREMENT_SHARE = 0.05
TARGET_PEER_RATIO = 3.0  # extract + staging against the peer (which only parses)
TARGET_NO_DATA_S = 5.0


@dataclass
class PipelineRun:
    label: str
    events: int
    stages: list[Measured] = field(default_factory=list)

    @property
    def wall_s(self) -> float:
        return sum(s.wall_s for s in self.stages)

    @property
    def cpu_s(self) -> float:
        return sum(s.cpu_s for s in self.stages)

    @property
    def peak_anon(self) -> int:
        return max((s.peak_anon_bytes for s in self.stages), default=0)

    @property
    def peak_rss(self) -> int:
        return max((s.peak_rss_bytes for s in self.stages), default=0)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.stages)

    def skipped(self, stage: str) -> bool:
        return any(s.label.endswith(stage) and s.result.get("skipped") for s in self.stages)

    @property
    def publish(self) -> Measured | None:
        """The publish step, when it ran and copied a file."""
        return next(
            (
                s
                for s in self.stages
                if s.label.endswith("publish") and s.ok and not s.result.get("skipped")
            ),
            None,
        )


@dataclass
class BenchResult:
    requested: int
    simulated: int
    machine: dict[str, str]
    simulate_s: float
    increment: dict
    floors: list[Measured] = field(default_factory=list)
    # failed floor attempts (DuckDB 1.5.6 sometimes dies with SIGSEGV in this reading): each is
    # run again once; the failures are reported, never taken as a reference
    floor_crashes: list[Measured] = field(default_factory=list)
    runs: dict[str, PipelineRun] = field(default_factory=dict)
    peer: Measured | None = None
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    tables_compared: int = 0

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    @property
    def floor_s(self) -> float:
        return min(f.wall_s for f in self.good_floors)

    @property
    def good_floors(self) -> list[Measured]:
        """The floor measurements that completed (a failed one is no reference)."""
        return [f for f in self.floors if f.ok] or self.floors


def machine() -> dict[str, str]:
    from importlib.metadata import version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    versions = ", ".join(
        f"{p} {version(p)}"
        for p in ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "pandas")
    )
    return {
        "cpus": str(os.cpu_count()),
        "memory": mem,
        "cpu": cpu,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class Bench:
    def __init__(self, out: Path, stream) -> None:
        self.out = out
        self.stream = stream
        self.log = out / "bench.log"

    def say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def env(self, data: Path) -> dict[str, str]:
        # Python's bytecode cache on (in the work folder): every step is a fresh process, and an
        # environment with PYTHONDONTWRITEBYTECODE would compile dbt, pandas and Great
        # Expectations from source in each of them (5-10 s of CPU a step).
        env = {
            k: v
            for k, v in os.environ.items()
            if k
            not in (
                "GTWH_CRASH_AT",
                "GTWH_WAREHOUSE",
                "DBT_TARGET_PATH",
                "DBT_LOG_PATH",
                "PYTHONDONTWRITEBYTECODE",
            )
        }
        env.update(
            {
                "PYTHONPYCACHEPREFIX": str(self.out / "pycache"),
                "GTWH_DATA_DIR": str(data / "data"),
                "GTWH_WAREHOUSE": str(data / "data" / "warehouse.duckdb"),
                "DBT_TARGET_PATH": str(data / "target"),
                "DBT_LOG_PATH": str(data / "logs"),
                "GX_ANALYTICS_ENABLED": "false",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
                "DO_NOT_TRACK": "1",
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
                ),
            }
        )
        return env

    def child(self, label: str, args: list[str], data: Path) -> Measured:
        load = _load()
        m = run_measured(
            label,
            [sys.executable, "-m", "extract.bench", *args],
            env=self.env(data),
            cwd=PROJECT_DIR,
            log=self.log,
        )
        m.load = load
        self.say(
            f"  {label:<44} {m.wall_s:8.1f} s  cpu {m.cpu_s:7.1f} s  "
            f"anon {m.peak_anon_bytes / GB:5.2f} GB  rss {m.peak_rss_bytes / GB:5.2f} GB  "
            f"load {load}" + ("" if m.ok else "  FAILED")
        )
        if not m.ok:
            self.say("    " + m.stderr_tail.strip().replace("\n", "\n    "))
        return m

    def pipeline(self, label: str, data: Path, mirror: Path, events: int) -> PipelineRun:
        run = PipelineRun(label, events)
        self.say(f"{label}:")
        for stage in STAGES:
            results = data / "target" / "run_results.json"
            before = results.stat().st_mtime_ns if results.exists() else None
            m = self.child(f"{label}: {stage}", ["stage", stage, f"mirror:{mirror}"], data)
            run.stages.append(m)
            if results.exists() and results.stat().st_mtime_ns != before:
                # dbt's per-model timings of this stage, for a closer look
                keep = self.out / "dbt" / f"{label.split(' (')[0].replace(' ', '-')}-{stage}.json"
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(results, keep)
            if stage == "publish" and m.ok and not m.result.get("skipped"):
                self.say(
                    f"    publish itself (in the step, without process start): "
                    f"{m.result['bytes'] / 2**20:,.0f} MB in {m.result['publish_s']:.2f} s"
                )
            if not m.ok:
                break
        self.say(f"  {'whole pipeline':<44} {run.wall_s:8.1f} s")
        return run


def _warehouse_facts(path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        raw, staged, quarantined, balanced = con.execute(
            "select raw_records, staged_records, quarantined_records, is_balanced::int "
            "from reconciliation where resource = 'worker_activity'"
        ).fetchone()
        return {
            "raw": raw,
            "staged": staged,
            "quarantined": quarantined,
            "balanced": balanced,
            "duplicates": con.execute(
                "select count(*) from quarantine where reason = 'duplicate_delivery'"
            ).fetchone()[0],
            "task_outcomes": con.execute("select count(*) from fct_task_outcomes").fetchone()[0],
            # staged events of another type (TasksAccepted, ...) are no task outcome
            "other_types": con.execute(
                "select count(*) from stg_groundtruth__worker_activity where not is_task_outcome"
            ).fetchone()[0],
        }
    finally:
        con.close()


def _lake_rows(data: Path) -> int:
    from extract.lake import Lake

    return Lake(data / "data" / "lake").ledger("worker_activity").records


def run_bench(
    events: int,
    out: Path,
    *,
    keep: bool = False,
    seed: int = 7,
    report: Path | None = None,
    log_format: str = "mixed",
    labeling_output: str = "all",
    peer_events: int = 1_000_000,
    stream=None,
) -> BenchResult:
    from extract.bench import workload
    from extract.bench.compare import compare_warehouses

    stream = stream or sys.stdout
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    bench = Bench(out, stream)
    source, mirror = out / "source", out / "mirror"
    full, rebuild = out / "run", out / "rebuild"
    for stale in (mirror, full, rebuild, out / "floor", out / "peer"):
        shutil.rmtree(stale, ignore_errors=True)
    bench.log.unlink(missing_ok=True)

    info = machine()
    bench.say(f"gtwh bench: {events:,} events, out {out}")
    bench.say(f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']}, load {_load()}")
    started = time.monotonic()
    summary = workload.ensure_simulation(
        source, events=events, seed=seed, log_format=log_format, labeling_output=labeling_output
    )
    simulate_s = time.monotonic() - started
    total = summary["events_written"]
    inc = workload.build_mirror(source, mirror, total)
    result = BenchResult(events, total, info, simulate_s, {})
    bench.say(
        f"simulated {total:,} events in {simulate_s:.0f} s (reused if already there); "
        f"the first run sees {inc.first_run_events:,}"
    )

    # the floor reads exactly the first run's event files, also at the end of the run
    pages, exports = workload.event_files(mirror)
    files = out / "first-run-files.json"
    files.write_text(
        json.dumps({"pages": [str(p) for p in pages], "exports": [str(p) for p in exports]})
    )

    def floor(label: str) -> Measured:
        shutil.rmtree(out / "floor", ignore_errors=True)
        m = bench.child(label, ["floor", str(files), str(out / "floor")], out)
        if not m.ok:
            result.floor_crashes.append(m)
            shutil.rmtree(out / "floor", ignore_errors=True)
            m = bench.child(f"{label} (run again)", ["floor", str(files), str(out / "floor")], out)
        return m

    result.floors.append(floor("floor: DuckDB raw -> typed Parquet"))
    first = bench.pipeline("full run", full, mirror, inc.first_run_events)
    result.runs["full"] = first
    result.runs["noop"] = bench.pipeline("no new data", full, mirror, 0)
    facts_before = _warehouse_facts(full / "data" / "warehouse.duckdb") if first.ok else {}
    inc = workload.apply_increment(source, mirror, inc, total)
    result.increment = inc.to_json()
    bench.say(
        f"increment: {inc.increment_events:,} events ({inc.new_events:,} new, "
        f"{inc.late_events:,} late, {inc.redelivered_events:,} re-delivered) and "
        f"{len(inc.held_back_s3):,} S3 consolidation-response files"
    )
    final_events = inc.first_run_events + inc.increment_events
    result.runs["incremental"] = bench.pipeline(
        "incremental (+1%)", full, mirror, inc.increment_events
    )
    result.runs["noop2"] = bench.pipeline("no new data, again", full, mirror, 0)
    peer_n = min(peer_events, inc.first_run_events)
    result.peer = bench.child(
        f"peer: pandas, {peer_n:,} events",
        ["peer", str(mirror), str(out / "peer" / "events.parquet"), str(peer_n), str(final_events)],
        out,
    )
    result.floors.append(floor("floor, again"))
    result.runs["rebuild"] = bench.pipeline(
        "rebuild from scratch (final mirror)", rebuild, mirror, final_events
    )

    _check(result, inc, full, rebuild, facts_before, compare_warehouses)
    (out / "bench.json").write_text(result_json(result))
    text = render(result)
    bench.say("")
    bench.say(text)
    if report is not None:
        write_report(report, result, text)
        bench.say(f"\nwritten to {report}")
    if not keep:
        for path in (
            source,
            mirror,
            full,
            rebuild,
            out / "floor",
            out / "peer",
            out / "late-events.json",
            files,
        ):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    return result


def _check(result: BenchResult, inc, full: Path, rebuild: Path, before: dict, compare) -> None:
    checks = result.checks
    runs = result.runs
    for run in runs.values():
        checks.append(
            (
                f"{run.label}: every stage succeeded",
                run.ok,
                "" if run.ok else next(s.label for s in run.stages if not s.ok),
            )
        )
    if not all(run.ok for run in runs.values()):
        return
    for f in result.floors:
        checks.append(
            (
                f"{f.label}: succeeded and read every event of the first run's files",
                f.ok and f.result.get("events") == inc.first_run_events,
                f"{f.result.get('events', 0):,} read, {inc.first_run_events:,} written"
                + ("" if f.ok else f"; exit status {f.returncode}"),
            )
        )
    landed = runs["full"].stages[0].result["rows"].get("worker_activity", 0)
    checks.append(
        (
            "full run: the lake holds every event",
            landed == inc.first_run_events,
            f"{landed:,} landed",
        )
    )
    checks.append(
        (
            "full run: raw = staged + quarantined, marts hold every staged task",
            bool(before.get("balanced"))
            and before.get("task_outcomes")
            == before.get("staged", 0) - before.get("other_types", 0)
            and before.get("raw") == inc.first_run_events,
            f"{before.get('staged', 0):,} staged, {before.get('quarantined', 0):,} "
            f"quarantined, {before.get('task_outcomes', 0):,} task outcomes, "
            f"{before.get('other_types', 0):,} events of other types",
        )
    )
    for key in ("noop", "noop2"):
        run = runs[key]
        rows = sum(run.stages[0].result["rows"].values())
        skipped = all(run.skipped(s) for s in ("staging", "validation", "marts", "publish"))
        checks.append(
            (
                f"{run.label}: nothing landed, nothing rebuilt",
                rows == 0 and skipped,
                f"{rows} rows landed; builds skipped: {skipped}",
            )
        )
    final = inc.first_run_events + inc.increment_events
    after = _warehouse_facts(full / "data" / "warehouse.duckdb")
    landed = runs["incremental"].stages[0].result["rows"].get("worker_activity", 0)
    checks.append(
        (
            "incremental: the lake gained exactly the increment",
            landed == inc.increment_events and _lake_rows(full) == final,
            f"{landed:,} landed, {_lake_rows(full):,} in the lake",
        )
    )
    dup_gain = after["duplicates"] - before["duplicates"]
    checks.append(
        (
            "incremental: every re-delivered event is quarantined as a duplicate",
            dup_gain >= inc.redelivered_events
            and after["balanced"]
            and after["task_outcomes"] == after["staged"] - after["other_types"],
            f"+{dup_gain:,} duplicate deliveries for {inc.redelivered_events:,} "
            f"re-delivered; {after['task_outcomes'] - before['task_outcomes']:+,} "
            "task outcomes",
        )
    )
    checks.append(
        (
            "rebuild: the lake holds every event",
            _lake_rows(rebuild) == final,
            f"{_lake_rows(rebuild):,}",
        )
    )
    comparison = compare(full / "data" / "warehouse.duckdb", rebuild / "data" / "warehouse.duckdb")
    result.tables_compared = len(comparison.tables)
    detail = (
        f"{len(comparison.tables)} tables, {sum(a for a, _ in comparison.tables.values()):,} rows"
    )
    if comparison.differences:
        detail += "; differ: " + "; ".join(f"{k} ({v})" for k, v in comparison.differences.items())
    checks.append(
        (
            "incremental warehouse = rebuild from scratch, every table",
            comparison.equal and len(comparison.tables) > 0,
            detail,
        )
    )


def _gb(n: int) -> str:
    return f"{n / GB:.2f}"


def _rate(events: int, seconds: float) -> str:
    return f"{events / seconds:,.0f}" if events and seconds > 0 else ""


def render(r: BenchResult) -> str:
    """The benchmark table (Markdown), the targets and the checks."""
    floor = r.floor_s
    lines = [
        f"Requested {r.requested:,} events; simulated {r.simulated:,} "
        f"(simulation {r.simulate_s:,.0f} s, not part of any timing below). "
        f"Full run on {r.runs['full'].events:,} events; the increment adds "
        f"{r.increment.get('new_events', 0):,} new, {r.increment.get('late_events', 0):,} late and "
        f"{r.increment.get('redelivered_events', 0):,} re-delivered events, and "
        f"{r.increment.get('held_back_s3', 0):,} S3 consolidation-response files of the new days.",
        "",
        "| step | events | wall s | CPU s | peak RssAnon GB | peak VmRSS GB | events/s "
        "| x floor (wall) | x floor (CPU) | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    floor_cpu = min(f.cpu_s for f in r.good_floors)

    def row(
        label: str, events: int, wall: float, cpu: float, anon: int, rss: int, load: str = ""
    ) -> None:
        lines.append(
            f"| {label} | {events:,} | {wall:,.1f} | {cpu:,.1f} | {_gb(anon)} | {_gb(rss)} | "
            f"{_rate(events, wall)} | {wall / floor:.2f} | {cpu / floor_cpu:.2f} | {load} |"
        )

    def measured(label: str, events: int, m: Measured) -> None:
        row(
            label,
            events,
            m.wall_s,
            m.cpu_s,
            m.peak_anon_bytes,
            m.peak_rss_bytes,
            m.load.split(" ")[0],
        )

    for i, f in enumerate(r.floors):
        measured(
            "**floor**: DuckDB alone, raw files -> typed Parquet"
            + (" (again, at the end)" if i else "")
            + ("" if f.ok else f" (FAILED, exit status {f.returncode}: not a reference)"),
            f.result.get("events", 0),
            f,
        )
    for run in r.runs.values():
        for s in run.stages:
            stage = s.label.split(": ")[-1]
            note = " (skipped: up to date)" if s.result.get("skipped") else ""
            measured(
                f"{run.label}: {STAGE_LABELS[stage]}{note}",
                run.events if stage == "extract" else 0,
                s,
            )
        row(
            f"**{run.label}: whole pipeline**",
            run.events,
            run.wall_s,
            run.cpu_s,
            run.peak_anon,
            run.peak_rss,
        )
    if r.peer is not None:
        measured(
            "**peer**: json.loads per event, pandas, pd.to_datetime, to_parquet",
            r.peer.result.get("events", 0),
            r.peer,
        )
    lines += [
        "",
        "x floor = time / the faster of the two floor measurements "
        f"({floor:,.1f} s wall, {floor_cpu:,.1f} s CPU). CPU = user + system time of the "
        "step's process tree: on a shared machine it moves less than wall time. load = the "
        "1-minute load average when the step started (the machine has "
        f"{r.machine['cpus']} CPUs). Memory: peak of the sum over the step's process tree, "
        "sampled every 50 ms; VmRSS also counts memory-mapped input files and shared "
        "libraries.",
        "",
    ]
    for c in r.floor_crashes:
        lines += [
            f"The {c.label.split(':')[0]} failed once (exit status {c.returncode}, after "
            f"{c.wall_s:.1f} s) and was run again; the failed attempt is no reference.",
            "",
        ]
    lines += publish_cost(r)
    lines += targets(r)
    lines += ["", "Checks (verified in the run):", ""]
    lines += [
        f"- {'PASS' if ok else 'FAIL'}: {name}" + (f" ({detail})" if detail else "")
        for name, ok, detail in r.checks
    ]
    return "\n".join(lines)


def publish_cost(r: BenchResult) -> list[str]:
    """What publishing (checkpoint, copy, fsync, rename onto the path readers open) adds to a
    run: the copy itself, timed inside the step, and the whole step with its process start."""
    lines = []
    for key in ("full", "incremental", "rebuild"):
        run = r.runs.get(key)
        step = run.publish if run else None
        if step is None or not run.wall_s:
            continue
        own = step.result.get("publish_s", 0.0)
        lines.append(
            f"- {run.label}: publish copied {step.result.get('bytes', 0) / 2**20:,.0f} MB in "
            f"{own:.2f} s ({100 * own / run.wall_s:.1f}% of the run's {run.wall_s:,.1f} s; the "
            f"whole step, with its process start, {step.wall_s:.1f} s = "
            f"{100 * step.wall_s / run.wall_s:.1f}%)"
        )
    if not lines:
        return []
    return [
        "Publish cost (the build file copied onto the published warehouse readers open; "
        "extract/publish.py):",
        "",
        *lines,
        "",
    ]


def targets(r: BenchResult) -> list[str]:
    full, noop, inc = r.runs.get("full"), r.runs.get("noop2"), r.runs.get("incremental")
    if not (full and noop and inc and full.ok):
        return ["Targets: not evaluated (a run failed)."]
    floor = r.floor_s
    ratio = full.wall_s / floor
    rebuild = r.runs.get("rebuild")
    steps = [s for run in r.runs.values() for s in run.stages]
    worst = max(steps, key=lambda s: s.peak_anon_bytes)
    budget = noop.wall_s + TARGET_INCREMENT_SHARE * full.wall_s
    peer_rate = (r.peer.result.get("events", 0) / r.peer.wall_s) if r.peer and r.peer.ok else 0
    rate = full.events / full.wall_s
    floor_cpu = min(f.cpu_s for f in r.good_floors)
    peer_cpu_rate = (r.peer.result.get("events", 0) / r.peer.cpu_s) if r.peer and r.peer.ok else 0
    verdict = lambda ok: "met" if ok else "**missed**"  # noqa: E731
    # the peer only parses: extract + staging is what compares with it
    parse = [s for s in full.stages if s.label.endswith((": extract", ": staging"))]
    parse_wall, parse_cpu = sum(s.wall_s for s in parse), sum(s.cpu_s for s in parse)
    parse_rate = full.events / parse_wall if parse_wall else 0
    first_noop = r.runs.get("noop")
    quiet = max(x.wall_s for x in (first_noop, noop) if x is not None)
    return [
        "| target | goal | measured (wall time, as the target is set) | | by CPU time |",
        "|---|---|---|---|---|",
        f"| whole pipeline vs floor | <= {TARGET_FLOOR_RATIO:.0f}x | {ratio:.2f}x (full run"
        + (f"; rebuild {rebuild.wall_s / floor:.2f}x" if rebuild and rebuild.ok else "")
        + f") | {verdict(ratio <= TARGET_FLOOR_RATIO)} | {full.cpu_s / floor_cpu:.2f}x |",
        f"| peak memory (RssAnon, summed over processes) | < {_gb(TARGET_MEMORY)} GB | "
        f"{_gb(worst.peak_anon_bytes)}"
        f" GB in '{worst.label}' (its VmRSS {_gb(worst.peak_rss_bytes)} GB) | "
        f"{verdict(worst.peak_anon_bytes < TARGET_MEMORY)} | |",
        f"| incremental run (+1%) | <= no new data + 5% of full = {noop.wall_s:,.1f} + "
        f"{TARGET_INCREMENT_SHARE * full.wall_s:,.1f} = {budget:,.1f} s | {inc.wall_s:,.1f} s | "
        f"{verdict(inc.wall_s <= budget)} | {inc.cpu_s:,.1f} s vs "
        f"{noop.cpu_s + TARGET_INCREMENT_SHARE * full.cpu_s:,.1f} s |",
        f"| events/s of extract + staging vs peer | >= {TARGET_PEER_RATIO:.0f}x | "
        f"{parse_rate:,.0f} vs {peer_rate:,.0f} = {parse_rate / peer_rate if peer_rate else 0:.2f}x"
        f" | {verdict(peer_rate > 0 and parse_rate >= TARGET_PEER_RATIO * peer_rate)} | "
        f"{full.events / parse_cpu if parse_cpu else 0:,.0f} vs {peer_cpu_rate:,.0f} per "
        f"CPU-second = "
        f"{full.events / parse_cpu / peer_cpu_rate if parse_cpu and peer_cpu_rate else 0:.2f}x |",
        f"| events/s of the whole pipeline vs peer | reported | {rate:,.0f} vs {peer_rate:,.0f} "
        f"= {rate / peer_rate if peer_rate else 0:.2f}x | | "
        f"{full.events / full.cpu_s:,.0f} vs {peer_cpu_rate:,.0f} per CPU-second = "
        f"{full.events / full.cpu_s / peer_cpu_rate if peer_cpu_rate else 0:.2f}x |",
        f"| run with no new data | < {TARGET_NO_DATA_S:.0f} s | {quiet:,.1f} s (the slower of "
        f"the two) | {verdict(quiet < TARGET_NO_DATA_S)} | |",
    ]


MARK = "<!-- gtwh bench N={n} {edge} -->"


def write_report(path: Path, r: BenchResult, table: str) -> None:
    """Replace (or add) this N's section of BENCHMARKS.md; other sections and text stay."""
    m = r.machine
    body = "\n".join(
        [
            MARK.format(n=r.requested, edge="start"),
            f"## {r.requested:,} events",
            "",
            f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `gtwh bench --events "
            f"{r.requested}`. Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} RAM, "
            f"{m['system']}, Python {m['python']}; {m['versions']}. The load column is the 1-minute "
            f"load average when each step started: with {m['cpus']} CPUs, a load above {m['cpus']} "
            "means other work competed with the step.",
            "",
            table,
            MARK.format(n=r.requested, edge="end"),
        ]
    )
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    start, end = MARK.format(n=r.requested, edge="start"), MARK.format(n=r.requested, edge="end")
    if start in text and end in text:
        text = text[: text.index(start)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text)


def result_json(r: BenchResult) -> str:
    return json.dumps(
        {
            "requested": r.requested,
            "simulated": r.simulated,
            "floor_s": r.floor_s,
            "runs": {
                k: {
                    "wall_s": v.wall_s,
                    "cpu_s": v.cpu_s,
                    "peak_anon": v.peak_anon,
                    "peak_rss": v.peak_rss,
                    "events": v.events,
                    "stages": [
                        [s.label, s.wall_s, s.cpu_s, s.peak_anon_bytes, s.peak_rss_bytes, s.result]
                        for s in v.stages
                    ],
                }
                for k, v in r.runs.items()
            },
            "peer": [r.peer.wall_s, r.peer.result] if r.peer else None,
            "checks": r.checks,
            "increment": r.increment,
        },
        indent=1,
        default=str,
    )
