"""CloudWatch metrics, as GetMetricData returns them (one file per call, with its request).

The metrics and statistics are those of the SageMaker guide, *Monitor with CloudWatch, Ground
Truth metrics* (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html,
awsdocs/amazon-sagemaker-developer-guide doc_source/monitoring-cloudwatch.md):

- worker metrics (``AWS/SageMaker/Workteam``), hourly sums per (user pool, labeling job, worker
  sub): TasksSubmitted, TasksReturned, TasksDeclined, TimeSpent (at the closing hour),
  TasksAccepted (at the accepting hour, for tasks that were accepted: submitted or returned)
  and ActiveWorkers, which the guide defines as one data point each time an active worker
  "submitted, released, or declined a task" (read with Sum: here the hour's closed tasks). AWS
  delivers them on a best-effort basis, so about 0.5% of the events are left out of every one
  of these sums, deterministically;
- job metrics (``AWS/Sagemaker/LabelingJobs``, dimension ``LabelingJobName``), statistic
  ``Maximum`` (as GetMetricData names it; the guide's tables say "Max"): the hourly running
  object counts, DatasetObjectsLabelingFailed included (the job's FailedNonRetryableError at
  its end);
- JobsSucceeded, JobsFailed, JobsStopped (Sum): one data point of 1 when a job ends in that
  status. The guide names no dimension for them (``LabelingJobName`` "filters dataset object
  count metrics"), so these are account-level series without dimensions.

The ``LabelingJob`` dimension of the worker metrics is the bare job name for most jobs, the
labeling-job ARN for one and ``labeling-job/<name>`` for another (seeded): public code that
reads these series takes the job name as the part after ``/`` (gmherond/Cosmos,
CosmosScript.user.js, ``jobName.split("/")[1]``), so all three forms must join to the job.
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
WORKER_METRICS = (
    "TasksSubmitted",
    "TasksReturned",
    "TasksDeclined",
    "TimeSpent",
    "ActiveWorkers",
    "TasksAccepted",
)
JOB_METRICS = (
    "DatasetObjectsHumanAnnotated",
    "DatasetObjectsAutoAnnotated",
    "TotalDatasetObjectsLabeled",
    "DatasetObjectsLabelingFailed",
)
OUTCOME_METRICS = {"Completed": "JobsSucceeded", "Failed": "JobsFailed", "Stopped": "JobsStopped"}
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
        self.job_ends: dict[str, list[int]] = {m: [] for m in OUTCOME_METRICS.values()}
        self.dropped = 0

    def add(self, day: int, tasks: Tasks) -> None:
        n = len(tasks)
        if not n:
            return
        rng = rng_for(self.plan.seed, "metrics", day)
        keep = rng.random(n) >= DROP_RATE
        active = (tasks.close - tasks.accept) * rng.uniform(0.82, 0.98, n)
        self.dropped += int((~keep).sum())
        pair = tasks.job[keep].astype(np.int64) * self.n_users + tasks.worker[keep]
        out = tasks.outcome[keep]
        # closed tasks count in their closing hour, accepted ones also in their accepting hour
        accepted = out != DECLINED
        key = np.concatenate(
            [
                pair * self.span + (tasks.close[keep] // HOUR_MS - self.hour0),
                pair[accepted] * self.span + (tasks.accept[keep][accepted] // HOUR_MS - self.hour0),
            ]
        )
        n_closed, n_accepted = len(out), int(accepted.sum())
        zeros = np.zeros(n_accepted)
        sub = out == SUBMITTED
        uniq, inv = np.unique(key, return_inverse=True)
        m = len(uniq)

        def per_key(closed: np.ndarray, opened: np.ndarray) -> np.ndarray:
            return np.bincount(inv, weights=np.concatenate([closed, opened]), minlength=m)

        self.parts.append(
            (
                uniq,
                per_key(sub.astype(float), zeros),
                per_key((out == RETURNED).astype(float), zeros),
                per_key((out == DECLINED).astype(float), zeros),
                per_key(np.where(sub, active[keep], 0.0), zeros),
                per_key(np.zeros(n_closed), np.ones(n_accepted)),
            )
        )

    def add_job(self, run: JobRun) -> None:
        """Hourly running totals of a job's objects (the Maximum statistic), and its end."""
        human_t = [r.object_done_ms for r in run.records]
        machine_t = [np.full(len(r.machine), r.machine_ms, dtype=np.int64) for r in run.records]
        human = np.sort(np.concatenate(human_t)) if human_t else np.zeros(0, np.int64)
        machine = np.sort(np.concatenate(machine_t)) if machine_t else np.zeros(0, np.int64)
        # objects that failed labeling fail when the job finishes with them (LabelCounters'
        # FailedNonRetryableError); a job still running has not failed any yet
        done = run.plan.outcome in OUTCOME_METRICS
        failed = np.full(len(run.plan.failed_objects) if done else 0, run.ended_ms, np.int64)
        series = {}
        for name, times in (
            ("DatasetObjectsHumanAnnotated", human),
            ("DatasetObjectsAutoAnnotated", machine),
            ("TotalDatasetObjectsLabeled", np.sort(np.concatenate([human, machine]))),
            ("DatasetObjectsLabelingFailed", failed),
        ):
            hours = times // HOUR_MS
            uh, counts = np.unique(hours, return_counts=True)
            series[name] = (uh * HOUR_MS, np.cumsum(counts).astype(float))
        self.job_series[run.plan.index] = series
        if done:
            self.job_ends[OUTCOME_METRICS[run.plan.outcome]].append(int(run.ended_ms))

    # ------------------------------------------------------------------ files

    def write(self, out: Path) -> list[str]:
        folder = out / "cloudwatch" / "get-metric-data"
        folder.mkdir(parents=True, exist_ok=True)
        written = self._write_worker_metrics(folder)
        written += self._write_job_metrics(folder)
        written += self._write_job_outcomes(folder)
        return written

    def _job_dimension(self) -> dict[int, str]:
        """The jobs whose LabelingJob dimension is the ARN, or ``labeling-job/<name>`` (seeded)."""
        with_metrics = sorted(
            {int(j) for p in self.parts for j in p[0] // self.span // self.n_users}
        )
        if len(with_metrics) < 2:
            return {}
        arn_job, path_job = rng_for(self.plan.seed, "metric-dimension-forms").choice(
            with_metrics, size=2, replace=False
        )
        return {
            int(arn_job): account.labeling_job_arn(self.plan.jobs[int(arn_job)].name),
            int(path_job): f"labeling-job/{self.plan.jobs[int(path_job)].name.lower()}",
        }

    def _write_worker_metrics(self, folder: Path) -> list[str]:
        if not self.parts:
            return []
        key = np.concatenate([p[0] for p in self.parts])
        uniq, inv = np.unique(key, return_inverse=True)
        sums = [np.bincount(inv, weights=np.concatenate([p[i] for p in self.parts]))
                for i in range(1, 6)]  # fmt: skip
        forms = self._job_dimension()
        hour = uniq % self.span
        pair = uniq // self.span
        job = pair // self.n_users
        worker = pair % self.n_users
        written = []
        for j in np.unique(job).tolist():
            name = self.plan.jobs[j].name
            dimension = forms.get(j, name)
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
                    "ActiveWorkers": sums[0][rows] + sums[1][rows] + sums[2][rows],
                    "TasksAccepted": sums[4][rows],
                }
                for metric in WORKER_METRICS:
                    v = values[metric]
                    nz = v > 0
                    qid = f"m{len(queries)}"
                    label = f"{name} {self.wf.subs[w]} {metric}"
                    dims = [
                        {"Name": "CognitoUserPool", "Value": account.USER_POOL_ID},
                        {"Name": "LabelingJob", "Value": dimension},
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
                    _query(
                        qid, account.LABELING_JOBS_NAMESPACE, metric, dims, "Maximum", label, None
                    )
                )
                results.append(_result(qid, label, ts, v))
        return _write_calls(folder, "labeling-jobs", queries, results)

    def _write_job_outcomes(self, folder: Path) -> list[str]:
        """JobsSucceeded / JobsFailed / JobsStopped: hourly sums of one point per job end."""
        queries, results = [], []
        for metric in OUTCOME_METRICS.values():
            hours, counts = np.unique(
                np.asarray(self.job_ends[metric], dtype=np.int64) // HOUR_MS, return_counts=True
            )
            qid = f"m{len(queries)}"
            queries.append(
                _query(qid, account.LABELING_JOBS_NAMESPACE, metric, [], "Sum", metric, None)
            )
            results.append(_result(qid, metric, hours * HOUR_MS, counts.astype(float)))
        return _write_calls(folder, "labeling-job-outcomes", queries, results)


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
