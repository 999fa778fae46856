"""Every workforce figure for the simulated operation, recounted independently from the lake.

The recount reads the raw Parquet lake (not the dbt models), applies its own rules for what is
a usable task record, re-implements both clocks, the closing-time counting rule, medians and
p90s in polars / plain Python, and must match the marts exactly (floats to 1e-9), at the default
idle threshold and after rebuilding the marts with another one.

One test with subtests: pytest-xdist hands tests out round robin, and a module fixture shared
by several tests would run the whole ETL on both workers.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from extract.pipeline import run_etl
from extract.settings import Settings
from extract.transform import dbt
from tests.conftest import isolated_settings

WORKFORCE = ["path:models/intermediate/workforce", "path:models/marts/workforce"]
SECOND_THRESHOLD = 60
FAST_TASK_RATIO = 0.2  # dbt_project.yml default, not read from the project on purpose

EVENT_OUTCOMES = {
    "TasksSubmitted": ("submitted", "task_submitted_time"),
    "TasksReturned": ("returned", "task_returned_time"),
    "TasksDeclined": ("declined", "task_declined_time"),
}
REQUIRED = (
    "worker_id",
    "cognito_sub_id",
    "labeling_job_arn",
    "workteam_arn",
    "event_type",
    "event_timestamp",
)
TIME_FIELDS = (
    "task_accepted_time",
    "task_submitted_time",
    "task_returned_time",
    "task_declined_time",
)
JAVA_TIME = re.compile(
    r"^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}:\d{2}:\d{2}) ([A-Za-z]+)([+-]\d{1,2}(?::?\d{2})?)? (\d{4})$"
)
ISO_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
# docs/data-quality.md: the zone abbreviations a Java date may carry, hours east of UTC
ZONE_HOURS = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "WET": 0, "WEST": 1,
    "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "JST": 9, "AEST": 10, "AEDT": 11,
}  # fmt: skip
EPOCH = datetime(1970, 1, 1)
MS = timedelta(milliseconds=1)


# ---------------------------------------------------------------- the lake, read independently


def _offset(text: str) -> timedelta:
    """ "+05:30", "-0700", "+02" -> the offset east of UTC."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def parse_worker_time(text: str) -> datetime:
    """Every layout the worker log uses (naive UTC); ValueError for anything else."""
    java = JAVA_TIME.match(text)
    if java:
        month, day, clock, zone, extra, year = java.groups()
        if zone not in ZONE_HOURS or (extra and zone not in ("GMT", "UTC")):
            raise ValueError(text)
        local = datetime.strptime(f"{month} {int(day):02d} {year} {clock}", "%b %d %Y %H:%M:%S")
        return (
            local - timedelta(hours=ZONE_HOURS[zone]) - (_offset(extra) if extra else timedelta())
        )
    iso = ISO_TIME.match(text)
    if iso:
        date, hm, sec, fraction, zone = iso.groups()
        at = datetime.strptime(f"{date} {hm}:{sec or '00'}", "%Y-%m-%d %H:%M:%S")
        at += timedelta(microseconds=int((fraction or "0")[:6].ljust(6, "0")))
        return at - (_offset(zone) if zone and zone != "Z" else timedelta())
    raise ValueError(text)


def epoch_ms(t: datetime) -> int:
    return (t - EPOCH) // MS


def usable_task(message: str | None) -> dict | None:
    """The task a raw log message describes, or None when it cannot be used."""
    if message is None:
        return None
    try:
        rec = json.loads(message)
    except ValueError:
        return None
    if not isinstance(rec, dict) or any(not rec.get(k) for k in REQUIRED):
        return None
    # another event type (TasksAccepted, ...) is staged but closes no task; a time field that is
    # null or absent is no time
    if rec["event_type"] not in EVENT_OUTCOMES:
        return None
    try:
        times = {k: parse_worker_time(rec[k]) if rec.get(k) else None for k in TIME_FIELDS}
        int(rec["event_timestamp"])
    except ValueError:
        return None
    outcome, closing_field = EVENT_OUTCOMES[rec["event_type"]]
    accepted, closed = times["task_accepted_time"], times[closing_field]
    if closed is None or (accepted is not None and closed < accepted):
        return None
    return {
        "cognito_sub": rec["cognito_sub_id"],
        "worker_id": rec["worker_id"],
        "workteam_name": re.search(r"workteam/[^/]+/(.+)$", rec["workteam_arn"]).group(1).lower(),
        "labeling_job_name": re.search(r"labeling-job/(.+)$", rec["labeling_job_arn"])
        .group(1)
        .lower(),
        "outcome": outcome,
        "accepted_at": accepted,
        "closed_at": closed,
    }


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def lake_tasks(lake: Path) -> list[dict]:
    """Usable task outcomes from the lake, one per CloudWatch event (docs/data-quality.md,
    "Re-deliveries"): the rows of one timestamp and message are as many events as the largest
    view holds distinct keys (eventIds; or (file, line) within an export folder); the k-th event
    is named md5(md5(message|timestamp)|k), the first md5(message|timestamp)."""
    rows = pl.read_parquet(
        f"{lake}/worker_activity/*.parquet",
        columns=["message", "timestamp", "eventId", "_gtwh_source", "_gtwh_record_index"],
    )
    views: dict[tuple, dict[object, set]] = defaultdict(lambda: defaultdict(set))
    for message, ts, event_id, source, index in rows.iter_rows():
        if message is None:
            continue
        view = None if event_id is not None else source.rsplit("/", 1)[0]
        views[(message, ts)][view].add(event_id if event_id is not None else (source, index))
    tasks = []
    for (message, ts), by_view in views.items():
        task = usable_task(message)
        if task is None:
            continue
        occurrence = md5(f"{message}|{'' if ts is None else ts}")
        for k in range(1, max(len(keys) for keys in by_view.values()) + 1):
            tasks.append(
                {**task, "task_outcome_id": occurrence if k == 1 else md5(f"{occurrence}|{k}")}
            )
    return tasks


def with_clocks(tasks: list[dict], threshold: float) -> pl.DataFrame:
    """Handling and idle-aware working time, sessions, job ordinals and speed flags."""
    by_worker: dict[str, list[dict]] = defaultdict(list)
    for task in tasks:
        by_worker[task["cognito_sub"]].append(dict(task))
    rows = []
    for worker_tasks in by_worker.values():
        for t in worker_tasks:
            t["started_at"] = t["accepted_at"] or t["closed_at"]
        worker_tasks.sort(key=lambda t: (t["started_at"], t["closed_at"], t["task_outcome_id"]))
        latest_close, session = None, 0
        for t in worker_tasks:
            start_ms, close_ms = epoch_ms(t["started_at"]), epoch_ms(t["closed_at"])
            t["handling_seconds"] = (
                (close_ms - epoch_ms(t["accepted_at"])) / 1000 if t["accepted_at"] else None
            )
            gap = None if latest_close is None else (start_ms - latest_close) / 1000
            counted = gap is not None and 0 <= gap < threshold
            if gap is None or gap >= threshold:
                session += 1
            t["gap_before_seconds"] = gap
            t["is_gap_counted"] = counted
            t["working_seconds"] = (t["handling_seconds"] or 0) + (gap if counted else 0)
            t["worker_session_number"] = session
            latest_close = close_ms if latest_close is None else max(latest_close, close_ms)
            rows.append(t)
    submitted_by_worker_job: dict[tuple, list[dict]] = defaultdict(list)
    for t in rows:
        t["job_task_ordinal"] = None
        if t["outcome"] == "submitted":
            submitted_by_worker_job[(t["cognito_sub"], t["labeling_job_name"])].append(t)
    for group in submitted_by_worker_job.values():
        group.sort(key=lambda t: (t["closed_at"], t["started_at"], t["task_outcome_id"]))
        for n, t in enumerate(group, start=1):
            t["job_task_ordinal"] = n
    frame = pl.DataFrame(rows, infer_schema_length=None)
    job_medians = (
        frame.filter(pl.col("outcome") == "submitted")
        .group_by("labeling_job_name")
        .agg(job_handling_seconds_median=pl.col("handling_seconds").median())
    )
    return frame.join(job_medians, on="labeling_job_name", how="left").with_columns(
        is_fast_task=(
            (pl.col("outcome") == "submitted")
            & (pl.col("handling_seconds") < FAST_TASK_RATIO * pl.col("job_handling_seconds_median"))
        ).fill_null(False),
        closed_date=pl.col("closed_at").dt.date(),
        closed_hour=pl.col("closed_at").dt.truncate("1h"),
    )


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator != 0).then(numerator.cast(pl.Float64) / denominator)


def throughput(tasks: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    submitted = pl.col("outcome") == "submitted"
    handled = pl.col("handling_seconds").filter(submitted)
    out = tasks.group_by(keys).agg(
        tasks_closed=pl.len(),
        tasks_accepted=pl.col("accepted_at").is_not_null().sum(),
        tasks_submitted=submitted.sum(),
        tasks_returned=(pl.col("outcome") == "returned").sum(),
        tasks_declined=(pl.col("outcome") == "declined").sum(),
        handling_seconds_sum=handled.sum(),
        handling_seconds_median=handled.median(),
        handling_seconds_p90=handled.quantile(0.9, interpolation="linear"),
        handling_seconds_all_outcomes=pl.col("handling_seconds").fill_null(0).sum(),
        working_seconds=pl.col("working_seconds").sum(),
        fast_tasks=pl.col("is_fast_task").sum(),
    )
    return out.with_columns(
        handling_seconds_mean=ratio(pl.col("handling_seconds_sum"), pl.col("tasks_submitted")),
        submitted_per_working_hour=ratio(
            pl.col("tasks_submitted") * 3600, pl.col("working_seconds")
        ),
        return_decline_rate=ratio(
            pl.col("tasks_returned") + pl.col("tasks_declined"), pl.col("tasks_closed")
        ),
        handling_to_working_ratio=ratio(
            pl.col("handling_seconds_all_outcomes"), pl.col("working_seconds")
        ),
    )


def team_throughput(tasks: pl.DataFrame, period: str) -> pl.DataFrame:
    keys = ["workteam_name", "labeling_job_name", period]
    active = tasks.group_by(keys).agg(active_workers=pl.col("cognito_sub").n_unique())
    team = tasks.group_by(["workteam_name", period]).agg(
        team_active_workers=pl.col("cognito_sub").n_unique()
    )
    return throughput(tasks, keys).join(active, on=keys).join(team, on=["workteam_name", period])


def learning_curve(tasks: pl.DataFrame) -> pl.DataFrame:
    submitted = tasks.filter(pl.col("outcome") == "submitted")
    return (
        submitted.group_by(["labeling_job_name", "job_task_ordinal"])
        .agg(
            workteam_name=pl.col("workteam_name").first(),
            workers=pl.len(),
            handling_seconds_sum=pl.col("handling_seconds").sum(),
            handling_seconds_median=pl.col("handling_seconds").median(),
            handling_seconds_p90=pl.col("handling_seconds").quantile(0.9, interpolation="linear"),
            job_handling_seconds_median=pl.col("job_handling_seconds_median").first(),
        )
        .with_columns(
            handling_seconds_mean=ratio(pl.col("handling_seconds_sum"), pl.col("workers")),
            median_to_job_median_ratio=ratio(
                pl.col("handling_seconds_median"), pl.col("job_handling_seconds_median")
            ),
        )
    )


def speed_flags(tasks: pl.DataFrame) -> pl.DataFrame:
    submitted = tasks.filter(pl.col("outcome") == "submitted")
    return (
        submitted.group_by(["cognito_sub", "labeling_job_name"])
        .agg(
            tasks_submitted=pl.len(),
            fast_tasks=pl.col("is_fast_task").sum(),
            handling_seconds_median=pl.col("handling_seconds").median(),
            job_handling_seconds_median=pl.col("job_handling_seconds_median").first(),
        )
        .with_columns(
            fast_task_share=ratio(pl.col("fast_tasks"), pl.col("tasks_submitted")),
            median_to_job_median_ratio=ratio(
                pl.col("handling_seconds_median"), pl.col("job_handling_seconds_median")
            ),
            is_fast_worker=pl.col("handling_seconds_median")
            < FAST_TASK_RATIO * pl.col("job_handling_seconds_median"),
        )
    )


def sessions(tasks: pl.DataFrame) -> pl.DataFrame:
    out = tasks.group_by(["cognito_sub", "worker_session_number"]).agg(
        started_at=pl.col("started_at").min(),
        ended_at=pl.col("closed_at").max(),
        tasks_closed=pl.len(),
        tasks_submitted=(pl.col("outcome") == "submitted").sum(),
        labeling_jobs=pl.col("labeling_job_name").n_unique(),
        handling_seconds_all_outcomes=pl.col("handling_seconds").fill_null(0).sum(),
        working_seconds=pl.col("working_seconds").sum(),
    )
    span = [
        (epoch_ms(e) - epoch_ms(s)) / 1000
        for s, e in zip(out["started_at"], out["ended_at"], strict=True)
    ]
    return out.with_columns(span_seconds=pl.Series(span, dtype=pl.Float64))


def lake_team_metrics(lake: Path) -> pl.DataFrame:
    """TasksSubmitted / TimeSpent Sum points per job and day, newest extraction per series point;
    per-worker series when a job has any, else its job-level series. The job dimension may be
    the name, labeling-job/<name> or the ARN: the job is the part after the last "/"."""
    raw = pl.read_parquet(f"{lake}/metric_data/*.parquet")
    newest: dict[tuple, tuple] = {}
    for row in raw.iter_rows(named=True):
        if row["point_timestamp"] is None or row["query"] is None:
            continue
        q = json.loads(row["query"])
        stat, metric = q["MetricStat"], q["MetricStat"]["Metric"]
        dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
        text = row["point_timestamp"]
        at = (
            datetime.fromtimestamp(float(text), UTC)
            if re.fullmatch(r"[0-9.]+", text)
            else datetime.fromisoformat(text).astimezone(UTC)
        )
        job = dims.get("LabelingJob") or dims.get("LabelingJobName")
        key = (
            metric["Namespace"],
            metric["MetricName"],
            stat["Stat"],
            stat["Period"],
            job,
            dims.get("WorkerId"),
            dims.get("CognitoUserPool"),
            at,
        )
        rank = (row["_gtwh_extracted_at"], row["_gtwh_source"])
        if key not in newest or rank > newest[key][0]:
            newest[key] = (rank, row["point_value"])
    points = [
        {
            "job": k[4].rsplit("/", 1)[-1].lower(),
            "worker": k[5],
            "metric": k[1],
            "day": k[7].date(),
            "value": v,
        }
        for k, (_, v) in newest.items()
        if k[0] == "AWS/SageMaker/Workteam"
        and k[2] == "Sum"
        and k[4]
        and k[1] in ("TasksSubmitted", "TimeSpent")
    ]
    with_workers = {p["job"] for p in points if p["worker"] is not None}
    daily: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for p in points:
        if (p["worker"] is not None) == (p["job"] in with_workers):
            daily[(p["job"], p["day"])][p["metric"] == "TimeSpent"] += p["value"]
    return pl.DataFrame(
        [
            {
                "labeling_job_name": j,
                "closed_date": d,
                "metric_tasks_submitted": s,
                "metric_time_spent_seconds": t,
            }
            for (j, d), (s, t) in daily.items()
        ],
        schema={
            "labeling_job_name": pl.String,
            "closed_date": pl.Date,
            "metric_tasks_submitted": pl.Float64,
            "metric_time_spent_seconds": pl.Float64,
        },
    )


def console(tasks: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    keys = ["labeling_job_name", "closed_date"]
    logs = tasks.group_by(keys).agg(
        log_workteam=pl.col("workteam_name").first(),
        log_tasks_submitted=(pl.col("outcome") == "submitted").sum().cast(pl.Int64),
        log_handling_seconds_sum=pl.col("handling_seconds")
        .filter(pl.col("outcome") == "submitted")
        .sum(),
    )
    span = metrics.group_by("labeling_job_name").agg(
        first=pl.col("closed_date").min(), last=pl.col("closed_date").max()
    )
    out = logs.join(metrics, on=keys, how="full", coalesce=True).join(
        span, on="labeling_job_name", how="left"
    )
    covered = pl.col("closed_date").is_between(pl.col("first"), pl.col("last")).fill_null(False)
    job_teams = tasks.group_by("labeling_job_name").agg(job_team=pl.col("workteam_name").first())
    out = out.join(job_teams, on="labeling_job_name", how="left").with_columns(
        workteam_name=pl.coalesce("log_workteam", "job_team"),
        log_tasks_submitted=pl.col("log_tasks_submitted").fill_null(0),
        log_handling_seconds_sum=pl.col("log_handling_seconds_sum").fill_null(0.0),
        has_team_metrics=covered,
        metric_tasks_submitted=pl.when(covered).then(
            pl.col("metric_tasks_submitted").fill_null(0.0)
        ),
        metric_time_spent_seconds=pl.when(covered).then(
            pl.col("metric_time_spent_seconds").fill_null(0.0)
        ),
    )
    return (
        out.with_columns(
            log_seconds_per_submitted_task=ratio(
                pl.col("log_handling_seconds_sum"), pl.col("log_tasks_submitted")
            ),
            metric_seconds_per_submitted_task=ratio(
                pl.col("metric_time_spent_seconds"), pl.col("metric_tasks_submitted")
            ),
        )
        .with_columns(
            tasks_submitted_difference=pl.col("log_tasks_submitted")
            - pl.col("metric_tasks_submitted"),
            time_spent_difference_seconds=pl.col("log_handling_seconds_sum")
            - pl.col("metric_time_spent_seconds"),
            seconds_per_submitted_task_difference=(
                pl.col("log_seconds_per_submitted_task")
                - pl.col("metric_seconds_per_submitted_task")
            ),
        )
        .drop("log_workteam", "job_team", "first", "last")
    )


# ---------------------------------------------------------------- comparing


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def mismatches(actual: pl.DataFrame, expected: pl.DataFrame, keys: list[str]) -> list[str]:
    """Row-by-row differences between a mart and its recount (every column of the recount)."""
    columns = [c for c in expected.columns if c not in keys]
    missing = [c for c in [*keys, *columns] if c not in actual.columns]
    if missing:
        return [f"mart lacks columns {missing}"]
    got = {tuple(r[: len(keys)]): r[len(keys) :] for r in actual.select(keys + columns).iter_rows()}
    want = {
        tuple(r[: len(keys)]): r[len(keys) :] for r in expected.select(keys + columns).iter_rows()
    }
    problems = [f"only in mart: {k}" for k in sorted(got.keys() - want.keys(), key=str)[:5]]
    problems += [f"only in recount: {k}" for k in sorted(want.keys() - got.keys(), key=str)[:5]]
    for key in sorted(got.keys() & want.keys(), key=str):
        for column, g, w in zip(columns, got[key], want[key], strict=True):
            if not same(g, w):
                problems.append(f"{key} {column}: mart {g!r} != recount {w!r}")
    return problems[:20]


def read(settings: Settings, tables: Iterable[str]) -> dict[str, pl.DataFrame]:
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    try:
        return {t: con.sql(f"select * from {t}").pl() for t in tables}
    finally:
        con.close()


CLOCK_MARTS = {  # model -> its grain, for the marts that depend on the idle threshold
    "int_task_working_time": ["task_outcome_id"],
    "throughput_worker_job_hourly": ["cognito_sub", "labeling_job_name", "closed_hour"],
    "throughput_worker_job_daily": ["cognito_sub", "labeling_job_name", "closed_date"],
    "throughput_team_job_hourly": ["workteam_name", "labeling_job_name", "closed_hour"],
    "throughput_team_job_daily": ["workteam_name", "labeling_job_name", "closed_date"],
    "fct_worker_sessions": ["cognito_sub", "worker_session_number"],
}
OTHER_MARTS = {
    "fct_task_outcomes": ["task_outcome_id"],
    "throughput_console_team_job_daily": ["labeling_job_name", "closed_date"],
    "throughput_learning_curve": ["labeling_job_name", "job_task_ordinal"],
    "speed_flags_worker_job": ["cognito_sub", "labeling_job_name"],
    "dim_workers": ["cognito_sub"],
}


def recount(
    tasks: pl.DataFrame, metrics: pl.DataFrame, users: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    clock_columns = [
        "task_outcome_id",
        "handling_seconds",
        "gap_before_seconds",
        "is_gap_counted",
        "working_seconds",
        "worker_session_number",
        "accepted_at",
        "closed_at",
        "started_at",
    ]
    return {
        "int_task_working_time": tasks.select(clock_columns),
        "throughput_worker_job_hourly": throughput(
            tasks, ["cognito_sub", "workteam_name", "labeling_job_name", "closed_hour"]
        ),
        "throughput_worker_job_daily": throughput(
            tasks, ["cognito_sub", "workteam_name", "labeling_job_name", "closed_date"]
        ),
        "throughput_team_job_hourly": team_throughput(tasks, "closed_hour"),
        "throughput_team_job_daily": team_throughput(tasks, "closed_date"),
        "fct_worker_sessions": sessions(tasks),
        "fct_task_outcomes": tasks.select(
            "task_outcome_id",
            "cognito_sub",
            "worker_id",
            "workteam_name",
            "labeling_job_name",
            "outcome",
            "accepted_at",
            "closed_at",
            "closed_date",
            "closed_hour",
            "handling_seconds",
            "working_seconds",
            "job_task_ordinal",
            "job_handling_seconds_median",
            "is_fast_task",
        ),
        "throughput_console_team_job_daily": console(tasks, metrics),
        "throughput_learning_curve": learning_curve(tasks),
        "speed_flags_worker_job": speed_flags(tasks),
        "dim_workers": workers(tasks, users),
    }


def lake_users(lake: Path) -> pl.DataFrame:
    """Newest extracted Cognito status of every user in the lake."""
    raw = pl.read_parquet(f"{lake}/users/*.parquet")
    newest: dict[str, tuple] = {}
    for row in raw.iter_rows(named=True):
        user = json.loads(row["user"])
        sub = next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub")
        rank = (row["_gtwh_extracted_at"], row["_gtwh_source"])
        if sub not in newest or rank > newest[sub][0]:
            newest[sub] = (rank, user["UserStatus"], user["Enabled"])
    return pl.DataFrame(
        [
            {"cognito_sub": sub, "user_status": status, "is_enabled": enabled}
            for sub, (_, status, enabled) in newest.items()
        ],
        schema={"cognito_sub": pl.String, "user_status": pl.String, "is_enabled": pl.Boolean},
    )


def workers(tasks: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    activity = tasks.group_by("cognito_sub").agg(
        first_activity_at=pl.col("started_at").min(),
        last_activity_at=pl.col("closed_at").max(),
        tasks_closed=pl.len(),
        tasks_submitted=(pl.col("outcome") == "submitted").sum(),
        labeling_jobs=pl.col("labeling_job_name").n_unique(),
        worked_workteams=pl.col("workteam_name").unique().sort().str.join(", "),
    )
    return activity.join(users, on="cognito_sub", how="full", coalesce=True).with_columns(
        is_in_user_pool=pl.col("user_status").is_not_null(),
        tasks_closed=pl.col("tasks_closed").fill_null(0),
        tasks_submitted=pl.col("tasks_submitted").fill_null(0),
        labeling_jobs=pl.col("labeling_jobs").fill_null(0),
    )


# ---------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    """`make etl` on the simulated operation, then the workforce models rebuilt with a second
    idle threshold; the marts of both builds, read into memory."""
    settings = isolated_settings(tmp_path_factory.mktemp("throughput_simulated"))
    run_etl(settings, "simulator", out=io.StringIO())
    default = read(settings, [*CLOCK_MARTS, *OTHER_MARTS])
    rebuilt = dbt(
        settings,
        "build",
        "--select",
        *WORKFORCE,
        "--vars",
        json.dumps({"idle_threshold_seconds": SECOND_THRESHOLD}),
    )
    assert rebuilt.success, rebuilt.failures
    second = read(settings, CLOCK_MARTS)
    return settings, default, second


def test_every_workforce_figure_matches_an_independent_recount_from_the_lake(simulated, subtests):
    settings, default, second = simulated
    tasks = lake_tasks(settings.lake_dir)

    # The recount's own reading of the lake agrees with what the simulator says it wrote.
    truth = json.loads((settings.simulator_dir / "_simulation.json").read_text())["events_by_type"]
    by_type = defaultdict(int)
    for t in tasks:
        by_type[
            {
                "submitted": "TasksSubmitted",
                "returned": "TasksReturned",
                "declined": "TasksDeclined",
            }[t["outcome"]]
        ] += 1
    assert dict(by_type) == truth

    metrics = lake_team_metrics(settings.lake_dir)
    assert metrics.height > 0, "the simulated operation has Workteam metrics to reconcile against"
    users = lake_users(settings.lake_dir)
    at_default = recount(with_clocks(tasks, 300), metrics, users)
    at_second = recount(with_clocks(tasks, SECOND_THRESHOLD), metrics, users)

    for model, keys in {**CLOCK_MARTS, **OTHER_MARTS}.items():
        with subtests.test(model=model, idle_threshold_seconds=300):
            assert default[model].height > 0
            assert mismatches(default[model], at_default[model], keys) == []
    for model, keys in CLOCK_MARTS.items():
        with subtests.test(model=model, idle_threshold_seconds=SECOND_THRESHOLD):
            assert mismatches(second[model], at_second[model], keys) == []

    with subtests.test("the second threshold changes the working clock, not the handling clock"):
        before = default["throughput_worker_job_daily"]
        after = second["throughput_worker_job_daily"]
        assert after["handling_seconds_all_outcomes"].sum() == pytest.approx(
            before["handling_seconds_all_outcomes"].sum()
        )
        assert after["working_seconds"].sum() < before["working_seconds"].sum()
        assert second["int_task_working_time"]["idle_threshold_seconds"].unique().to_list() == [
            SECOND_THRESHOLD
        ]
