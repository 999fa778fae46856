"""CloudWatch metrics, as GetMetricData returns them (one file per call, with its request).

Worker metrics (``AWS/SageMaker/Workteam``) are hourly sums per (user pool, labeling job,
worker sub). AWS delivers them on a best-effort basis, so about 0.5% of the events are left out
of the sums, deterministically. Job metrics (``AWS/Sagemaker/LabelingJobs``) are the hourly
maximum of the running object counts.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from extract.simulator import account
from extract.simulator.plan import HOUR_MS, OperationPlan
from extract.simulator.scheduler import DECLINED, RETURNED, SUBMITTED, JobRun, Tasks
from extract.simulator.seeding import rng_for
from extract.simulator.workforce import Workforce

MAX_QUERIES = 500
WORKER_METRICS = ("TasksSubmitted", "TasksReturned", "TasksDeclined", "TimeSpent", "ActiveWorkers")
JOB_METRICS = (
    "DatasetObjectsHumanAnnotated",
    "DatasetObjectsAutoAnnotated",
    "TotalDatasetObjectsLabeled",
)
DROP_RATE = 0.005


class MetricRecorder:
    def __init__(self, plan: OperationPlan, workforce: Workforce) -> None:
        self.plan = plan
        self.wf = workforce
        self.hour0 = plan.day0_ms // HOUR_MS
        self.n_users = workforce.size
        self.span = (plan.days * 4 + 200) * 24
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.job_series: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        self.dropped = 0

    def add(self, day: int, tasks: Tasks) -> None:
        n = len(tasks)
        if not n:
            return
        rng = rng_for(self.plan.seed, "metrics", day)
        keep = rng.random(n) >= DROP_RATE
        active = (tasks.close - tasks.accept) * rng.uniform(0.82, 0.98, n)
        self.dropped += int((~keep).sum())
        hour = tasks.close[keep] // HOUR_MS - self.hour0
        key = (tasks.job[keep].astype(np.int64) * self.n_users + tasks.worker[keep]) * self.span
        key = key + hour
        out = tasks.outcome[keep]
        uniq, inv = np.unique(key, return_inverse=True)
        m = len(uniq)
        sub = out == SUBMITTED
        self.parts.append(
            (
                uniq,
                np.bincount(inv, weights=sub, minlength=m),
                np.bincount(inv, weights=out == RETURNED, minlength=m),
                np.bincount(inv, weights=out == DECLINED, minlength=m),
                np.bincount(inv, weights=np.where(sub, active[keep], 0.0), minlength=m),
            )
        )

    def add_job(self, run: JobRun) -> None:
        """Hourly running totals of a job's labeled objects (the Max statistic)."""
        human_t = [r.object_done_ms for r in run.records]
        machine_t = [np.full(len(r.machine), r.machine_ms, dtype=np.int64) for r in run.records]
        human = np.sort(np.concatenate(human_t)) if human_t else np.zeros(0, np.int64)
        machine = np.sort(np.concatenate(machine_t)) if machine_t else np.zeros(0, np.int64)
        series = {}
        for name, times in (
            ("DatasetObjectsHumanAnnotated", human),
            ("DatasetObjectsAutoAnnotated", machine),
            ("TotalDatasetObjectsLabeled", np.sort(np.concatenate([human, machine]))),
        ):
            hours = times // HOUR_MS
            uh, counts = np.unique(hours, return_counts=True)
            series[name] = (uh * HOUR_MS, np.cumsum(counts).astype(float))
        self.job_series[run.plan.index] = series

    # ------------------------------------------------------------------ files

    def write(self, out: Path) -> list[str]:
        folder = out / "cloudwatch" / "get-metric-data"
        folder.mkdir(parents=True, exist_ok=True)
        written = self._write_worker_metrics(folder)
        written += self._write_job_metrics(folder)
        return written

    def _write_worker_metrics(self, folder: Path) -> list[str]:
        if not self.parts:
            return []
        key = np.concatenate([p[0] for p in self.parts])
        uniq, inv = np.unique(key, return_inverse=True)
        sums = [np.bincount(inv, weights=np.concatenate([p[i] for p in self.parts]))
                for i in range(1, 5)]  # fmt: skip
        hour = uniq % self.span
        pair = uniq // self.span
        job = pair // self.n_users
        worker = pair % self.n_users
        written = []
        for j in np.unique(job).tolist():
            name = self.plan.jobs[j].name
            sel = np.flatnonzero(job == j)
            queries, results = [], []
            for w in np.unique(worker[sel]).tolist():
                rows = sel[worker[sel] == w]
                ts = (hour[rows] + self.hour0) * HOUR_MS
                values = {
                    "TasksSubmitted": sums[0][rows],
                    "TasksReturned": sums[1][rows],
                    "TasksDeclined": sums[2][rows],
                    "TimeSpent": np.round(sums[3][rows] / 1000.0, 3),
                    "ActiveWorkers": np.ones(len(rows)),
                }
                for metric in WORKER_METRICS:
                    v = values[metric]
                    nz = v > 0
                    qid = f"m{len(queries)}"
                    label = f"{name} {self.wf.subs[w]} {metric}"
                    dims = [
                        {"Name": "CognitoUserPool", "Value": account.USER_POOL_ID},
                        {"Name": "LabelingJob", "Value": name},
                        {"Name": "WorkerId", "Value": self.wf.subs[w]},
                    ]
                    queries.append(
                        _query(
                            qid,
                            account.WORKTEAM_NAMESPACE,
                            metric,
                            dims,
                            "Sum",
                            label,
                            "Seconds" if metric == "TimeSpent" else None,
                        )
                    )
                    results.append(_result(qid, label, ts[nz], v[nz]))
            written += _write_calls(folder, f"workteam-{name}", queries, results)
        return written

    def _write_job_metrics(self, folder: Path) -> list[str]:
        queries, results = [], []
        for j, series in sorted(self.job_series.items()):
            name = self.plan.jobs[j].name
            for metric in JOB_METRICS:
                ts, v = series[metric]
                qid = f"m{len(queries)}"
                label = f"{name} {metric}"
                dims = [{"Name": "LabelingJobName", "Value": name}]
                queries.append(
                    _query(qid, account.LABELING_JOBS_NAMESPACE, metric, dims, "Max", label, None)
                )
                results.append(_result(qid, label, ts, v))
        return _write_calls(folder, "labeling-jobs", queries, results)


def _query(
    qid: str, namespace: str, metric: str, dims: list, stat: str, label: str, unit: str | None
) -> dict:
    stat_spec: dict = {
        "Metric": {"Namespace": namespace, "MetricName": metric, "Dimensions": dims},
        "Period": 3600,
        "Stat": stat,
    }
    if unit:
        stat_spec["Unit"] = unit
    return {"Id": qid, "MetricStat": stat_spec, "Label": label, "ReturnData": True}


def _result(qid: str, label: str, ts_ms: np.ndarray, values: np.ndarray) -> dict:
    order = np.argsort(ts_ms)[::-1]  # newest first, as GetMetricData returns by default
    return {
        "Id": qid,
        "Label": label,
        "Timestamps": [_hour_label(int(t)) for t in ts_ms[order]],
        "Values": [float(v) for v in values[order]],
        "StatusCode": "Complete",
    }


@functools.lru_cache(maxsize=65_536)
def _hour_label(ms: int) -> str:
    return account.cli_time(ms)


def _write_calls(folder: Path, stem: str, queries: list, results: list) -> list[str]:
    names = []
    for k in range(0, len(queries), MAX_QUERIES):
        # ids restart in every call, so each file stands on its own
        q = queries[k : k + MAX_QUERIES]
        r = results[k : k + MAX_QUERIES]
        for i, (qq, rr) in enumerate(zip(q, r, strict=True)):
            qq["Id"] = rr["Id"] = f"m{i}"
        name = stem if k == 0 else f"{stem}-{k // MAX_QUERIES + 1:03d}"
        doc = {"MetricDataQueries": q, "MetricDataResults": r, "Messages": []}
        # one line: these files get large, and the C encoder only runs without indentation
        (folder / f"{name}.json").write_text(json.dumps(doc) + "\n")
        names.append(name)
    return names
