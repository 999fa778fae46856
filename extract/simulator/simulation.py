"""``simulate()``: write a seeded, realistic Ground Truth operation as an AWS mirror folder."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from extract.simulator import account
from extract.simulator.identity import write_cognito, write_workteams
from extract.simulator.labeling import S3Writer, write_describe
from extract.simulator.logs import LogWriter
from extract.simulator.metrics import MetricRecorder
from extract.simulator.plan import (
    CHAIN_A,
    CHAIN_B,
    CHAIN_D,
    CONTROL_C,
    DAY_MS,
    POINT_CLOUD_DETECTION,
    build_plan,
)
from extract.simulator.scheduler import Scheduler
from extract.simulator.summary import SimulationSummary
from extract.simulator.workforce import build_workforce

DEFAULT_START = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
SUMMARY_FILE = "_simulation.json"
_OWNED = ("logs", "cognito-idp", "sagemaker", "cloudwatch", "s3", SUMMARY_FILE)


def simulate(
    out: Path,
    *,
    seed: int = 7,
    events: int | None = None,
    start: dt.datetime | None = None,
    log_format: str = "mixed",
    labeling_output: str = "all",
    anomalies: bool = True,
) -> SimulationSummary:
    """Write a simulated private-workforce Ground Truth operation to ``out`` in the AWS mirror
    format, and return what was written.

    The same arguments always give byte-identical files. ``events=None`` is a demo of about
    30,000 worker-activity events; ``events=N`` (at least 6,000) scales workers, period and jobs
    so that about N events are written. ``log_format`` is ``"mixed"`` (the first third of the
    days as CreateExportTask output, the rest as FilterLogEvents pages), ``"json"`` or
    ``"export"``. ``labeling_output="scenario"`` writes S3 labeling output only for the chain
    and control jobs. ``out`` must be empty, missing, or an earlier simulator output (which is
    replaced).

    >>> summary = simulate(Path("data/mirror"), seed=7)  # doctest: +SKIP
    >>> summary.scenario["chain"]  # doctest: +SKIP
    ['birds-od-chain-a', 'birds-od-chain-b', 'birds-od-chain-d']
    """
    out = Path(out)
    if log_format not in ("mixed", "json", "export"):
        raise ValueError(f"log_format={log_format!r}: expected 'mixed', 'json' or 'export'")
    if labeling_output not in ("all", "scenario"):
        raise ValueError(f"labeling_output={labeling_output!r}: expected 'all' or 'scenario'")
    if events is not None and (not isinstance(events, int) or events <= 0):
        raise ValueError(f"events={events!r}: expected a positive int or None")
    if start is None:
        start = DEFAULT_START
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"start={start!r}: expected a timezone-aware datetime (UTC)")
    start = start.astimezone(dt.UTC)
    plan = build_plan(seed, events, start)
    _prepare(out)
    # until the run ends, the marker says "incomplete", so that a killed run is replaced later
    (out / SUMMARY_FILE).write_text('{"incomplete": true}\n')

    if not anomalies:
        plan.anomaly_days = {}
    wf = build_workforce(plan)
    write_cognito(out, wf, seed)
    write_workteams(out, wf, seed)
    s3 = S3Writer(out, plan)
    for job in plan.jobs:
        s3.write_inputs(job)

    logs = LogWriter(out, plan, wf, log_format=log_format, n_days=plan.horizon_days + 2)
    metrics = MetricRecorder(plan, wf)
    scheduler = Scheduler(plan, wf)
    # The log files are written by one worker thread, day after day in order, while the main
    # thread simulates the next days: the output does not depend on the timing.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gt-logs") as writer:
        queued: deque[Future] = deque()
        for day in scheduler.days():
            queued.append(writer.submit(_deliver, logs, day.day, day.tasks, day.anomalies,
                                        day.day_start_ms + DAY_MS))  # fmt: skip
            metrics.add(day.day, day.tasks)
            for run in day.ended:
                metrics.add_job(run)
                if labeling_output == "all" or run.plan.role:
                    s3.write_output(run)
                for rec in run.records:  # keep the counts, drop per-object detail
                    rec.object_done_ms = rec.object_done_ms[:0]
            while len(queued) > 3:
                queued.popleft().result()
        queued.append(writer.submit(logs.close, scheduler.as_of_ms))
        for job in queued:
            job.result()
    metric_files = metrics.write(out)
    write_describe(out, scheduler.runs, plan, wf)

    c = logs.counts
    summary = SimulationSummary(
        out=out,
        seed=seed,
        events_written=c.events_written,
        tasks=c.tasks,
        duplicates_injected=c.duplicates,
        anomalies=dict(c.anomalies),
        jobs=[j.name for j in plan.jobs],
        users=wf.size,
        workteams=[t.name for t in wf.teams],
        scenario={
            "chain": [CHAIN_A, CHAIN_B, CHAIN_D],
            "control": {"job": CONTROL_C, "compare_with": CHAIN_B, "same_input_as": CHAIN_B},
            # shapes of real accounts (see plan._base_jobs)
            "chained": {j.name: j.chained_from for j in plan.jobs if j.chained_from},
            "point_cloud": [j.name for j in plan.jobs if j.kind is POINT_CLOUD_DETECTION],
            "running": [j.name for j in plan.jobs if j.outcome == "InProgress"],
            "stopped": [j.name for j in plan.jobs if j.outcome == "Stopped"],
        },
        events_by_type=dict(sorted(c.by_type.items())),
        job_status={r.plan.name: r.plan.outcome for r in scheduler.runs},
        start=account.cli_time(plan.start_ms),
        as_of=account.cli_time(scheduler.as_of_ms),
        days=int(-(-(scheduler.as_of_ms - plan.day0_ms) // DAY_MS)),
        log_format=log_format,
        labeling_output=labeling_output,
        account_id=account.ACCOUNT_ID,
        region=account.REGION,
        user_pool_id=account.USER_POOL_ID,
        bucket=account.BUCKET,
        pull_days=c.pull_days,
        pages=c.pages,
        export_tasks=sorted(c.export_tasks),
        export_files=c.export_files,
        metric_files=metric_files,
        metric_events_dropped=metrics.dropped,
        manifest_versions=s3.manifest_versions,
        other_event_types=dict(c.other_event_types),
        extra_layouts=dict(c.extra_layouts),
        identical_pairs=c.identical_pairs,
    )
    (out / SUMMARY_FILE).write_text(summary.to_json())
    return summary


def _deliver(logs: LogWriter, day: int, tasks, anomalies, upto_ms: int) -> None:
    logs.add(day, tasks, anomalies)
    logs.flush(upto_ms)


def _prepare(out: Path) -> None:
    """Make ``out`` ready; never delete anything the simulator did not write."""
    if not out.exists():
        out.mkdir(parents=True)
        return
    if not out.is_dir():
        raise ValueError(f"out={str(out)!r} is not a directory")
    if not any(out.iterdir()):
        return
    if not (out / SUMMARY_FILE).is_file():
        raise ValueError(
            f"out={str(out)!r} is not empty and holds no {SUMMARY_FILE}: refusing to write a "
            "simulated mirror over other files"
        )
    for name in _OWNED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
