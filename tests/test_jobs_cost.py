"""The cost model on hand-built jobs, checked against an independent computation in plain
Python from the same inputs: a per-object service fee that changes mid-job, an MTurk job
(workers x task price) with auto-labeling compute, a private team paid by the hour whose rate
changes mid-job, and a private team without a rate (labor costs nothing) whose team-specific
fee wins over the general one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pytest

from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import event, record, write_page
from tests.jobfiles import (
    Job,
    project_copy,
    settings_for,
    write_auto_annotations,
    write_consolidation,
    write_job,
)

IDLE_THRESHOLD_SECONDS = 300  # dbt var idle_threshold_seconds (default)


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, second, tzinfo=UTC)


# price_id, component, team, from, to, unit, price -- the price book the models read, and
# what the expected costs below are computed from.
PRICES = [
    ("fee-a", "service_fee", "", date(2026, 1, 1), date(2026, 10, 2), "object", 0.08),
    ("fee-b", "service_fee", "", date(2026, 10, 2), None, "object", 0.10),
    ("fee-plain", "service_fee", "plain-team", date(2026, 1, 1), None, "object", 0.05),
    ("compute", "auto_labeling_compute", "", date(2026, 1, 1), None, "object", 0.012),
    (
        "rate-old",
        "private_hourly_rate",
        "hourly-team",
        date(2026, 1, 1),
        date(2026, 10, 2),
        "hour",
        30.0,
    ),
    ("rate-new", "private_hourly_rate", "hourly-team", date(2026, 10, 2), None, "hour", 45.0),
]

MTURK = Job(
    "mturk-auto",
    at(1, 8),
    at(2, 22),
    public=True,
    workers=3,
    price=(0, 3, 6),
    automated=True,
    final_model="arn:aws:sagemaker:us-east-1:123456789012:model/mturk-auto-model",
    counters=(9, 5, 0, 0),
)
HOURLY = Job(
    "private-hourly", at(1, 8), at(2, 12), team="hourly-team", workers=2, counters=(4, 0, 0, 0)
)
NORATE = Job(
    "private-norate", at(1, 8), at(1, 18), team="plain-team", workers=1, counters=(3, 0, 0, 0)
)

# job -> [(iteration, consolidation time, object ids)]; object 2 of MTURK is labeled again later.
HUMAN = {
    MTURK.name: [
        (1, at(1, 10), [0, 1, 2, 3]),
        (2, at(2, 9), [4, 5, 6, 2]),
        (12, at(2, 20), [12, 13]),
    ],
    HOURLY.name: [(1, at(1, 12), [0, 1]), (2, at(2, 11), [2, 3])],
    NORATE.name: [(1, at(1, 15), [0, 1, 2])],
}
# job -> [(iteration, [(object id, creation-date)])]; the fee changes between objects 8 and 9.
MACHINE = {
    MTURK.name: [
        (2, [(7, at(1, 23)), (8, at(1, 23, 30)), (9, at(2, 1))]),
        (12, [(10, at(2, 19)), (11, at(2, 19, 30))]),
    ],
}


@dataclass
class Task:
    job: str
    team: str
    sub: str
    accepted: datetime
    closed: datetime
    event_type: str = "TasksSubmitted"


W1, W2, W3 = (
    "11111111-1111-1111-1111-111111111111",
    "22222222-2222-2222-2222-222222222222",
    "33333333-3333-3333-3333-333333333333",
)
H, P = (HOURLY.name, "hourly-team"), (NORATE.name, "plain-team")
TASKS = [
    Task(*H, W1, at(1, 9, 0), at(1, 9, 2)),
    Task(*H, W1, at(1, 9, 3), at(1, 9, 5, 30)),  # 60 s gap: counted
    Task(*H, W1, at(1, 9, 20), at(1, 9, 21)),  # 870 s gap: idle, not counted
    # A returned task: its working time still counts.
    Task(*H, W1, at(1, 9, 21, 30), at(1, 9, 22), "TasksReturned"),
    Task(*H, W1, at(1, 23, 58), at(2, 0, 3)),  # closes after the rate change
    Task(*H, W1, at(2, 10, 0), at(2, 10, 4)),
    Task(*H, W2, at(1, 9, 0, 30), at(1, 9, 1, 30)),
    Task(*H, W2, at(1, 9, 1, 40), at(1, 9, 3, 10)),  # 10 s gap: counted
    Task(*H, W2, at(2, 10, 30), at(2, 10, 40)),
    Task(*H, W2, at(2, 11, 20), at(2, 11, 30)),  # after the last iteration ended: charged to it
    Task(*P, W3, at(1, 14, 0), at(1, 14, 3)),
    Task(*P, W3, at(1, 14, 4), at(1, 14, 6)),
    Task(*P, W3, at(1, 14, 6, 30), at(1, 14, 10)),
]


# ---------------------------------------------------------------- independent computation


def price_at(component: str, team: str, when: datetime) -> float | None:
    """The price in effect: a team's own row before an every-team row."""
    day = when.date()
    found = [
        (row_team == "", price)
        for _, comp, row_team, start, end, _, price in PRICES
        if comp == component
        and row_team in ("", team)
        and start <= day
        and (end is None or day < end)
    ]
    return min(found)[1] if found else None


def working_seconds() -> dict[int, float]:
    """Handling time plus the gap since the worker's latest earlier close when
    0 <= gap < idle threshold (the working-time rule of int_task_working_time)."""
    out: dict[int, float] = {}
    by_worker: dict[str, list[int]] = defaultdict(list)
    for i, task in enumerate(TASKS):
        by_worker[task.sub].append(i)
    for indexes in by_worker.values():
        latest_close = None
        for i in sorted(indexes, key=lambda k: (TASKS[k].accepted, TASKS[k].closed)):
            task = TASKS[i]
            seconds = (task.closed - task.accepted).total_seconds()
            if latest_close is not None:
                gap = (task.accepted - latest_close).total_seconds()
                if 0 <= gap < IDLE_THRESHOLD_SECONDS:
                    seconds += gap
            out[i] = seconds
            latest_close = task.closed if latest_close is None else max(latest_close, task.closed)
    return out


def expected_costs() -> dict[tuple[str, int], dict[str, float]]:
    """(job, iteration) -> {'human': USD, 'auto': USD}."""
    jobs = {j.name: j for j in (MTURK, HOURLY, NORATE)}
    costs: dict[tuple[str, int], dict[str, float]] = defaultdict(
        lambda: {"human": 0.0, "auto": 0.0}
    )
    for name, batches in HUMAN.items():
        job, seen = jobs[name], set()
        task_price = 0.0
        if job.price:
            dollars, cents, tenths = job.price
            task_price = dollars + cents / 100 + tenths / 1000
        for iteration, when, ids in batches:
            for object_id in ids:
                if object_id in seen:
                    continue
                seen.add(object_id)
                fee = price_at("service_fee", job.team, when)
                costs[(name, iteration)]["human"] += fee + job.workers * task_price
    for name, batches in MACHINE.items():
        job = jobs[name]
        for iteration, labels in batches:
            for _, when in labels:
                fee = price_at("service_fee", job.team, when)
                compute = price_at("auto_labeling_compute", job.team, when) or 0.0
                costs[(name, iteration)]["auto"] += fee + compute
    ends = {name: sorted((it, when) for it, when, _ in batches) for name, batches in HUMAN.items()}
    for i, seconds in working_seconds().items():
        task = TASKS[i]
        rate = price_at("private_hourly_rate", task.team, task.closed)
        if rate is None:
            continue
        covering = [it for it, end in ends[task.job] if end >= task.closed]
        iteration = covering[0] if covering else ends[task.job][-1][0]
        costs[(task.job, iteration)]["human"] += seconds / 3600 * rate
    return costs


# ---------------------------------------------------------------- the warehouse


def price_book_lines() -> list[str]:
    return [
        f"{pid},{comp},{team},{start.isoformat()},{end.isoformat() if end else ''},{unit},{price},test"
        for pid, comp, team, start, end, unit, price in PRICES
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("jobs-cost")
    settings = settings_for(root, project_copy(root, price_book=price_book_lines()))
    mirror = root / "mirror"
    for job in (MTURK, HOURLY, NORATE):
        write_job(mirror, job)
    for name, batches in HUMAN.items():
        for iteration, when, ids in batches:
            write_consolidation(mirror, name, iteration, when, ids)
    for name, batches in MACHINE.items():
        for iteration, labels in batches:
            write_auto_annotations(mirror, name, iteration, labels)
    workers = {W1: "aaaaaaaaaaaaaaa1", W2: "aaaaaaaaaaaaaaa2", W3: "aaaaaaaaaaaaaaa3"}
    write_page(
        mirror,
        "2026-10-01/page-000001.json",
        [
            event(
                record(
                    accepted=t.accepted,
                    closed=t.closed,
                    event_type=t.event_type,
                    sub=t.sub,
                    worker_id=workers[t.sub],
                    job=t.job,
                    team=t.team,
                ),
                at=t.closed,
            )
            for t in TASKS
        ],
    )
    extract_mirror(settings, mirror)
    outcome = dbt(
        settings, "build", "--select", "+path:models/marts/jobs", "--indirect-selection", "cautious"
    )
    assert outcome.success, outcome.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    yield con
    con.close()


def test_job_costs_match_an_independent_computation(warehouse):
    expected: dict[str, dict[str, float]] = defaultdict(lambda: {"human": 0.0, "auto": 0.0})
    for (job, _), sides in expected_costs().items():
        expected[job]["human"] += sides["human"]
        expected[job]["auto"] += sides["auto"]
    rows = warehouse.execute(
        "select labeling_job_name, cost_human_usd, cost_auto_usd, cost_total_usd, labeled_objects, "
        "cost_per_labeled_object_usd from fct_labeling_job_costs"
    ).fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert set(got) == set(expected)
    labeled = {MTURK.name: 9 + 5, HOURLY.name: 4, NORATE.name: 3}
    for job, sides in expected.items():
        human, auto, total, objects, per_object = got[job]
        assert float(human) == pytest.approx(sides["human"], abs=1e-5), job
        assert float(auto) == pytest.approx(sides["auto"], abs=1e-5), job
        assert float(total) == pytest.approx(sides["human"] + sides["auto"], abs=1e-5), job
        assert objects == labeled[job]
        assert per_object == pytest.approx(
            (sides["human"] + sides["auto"]) / labeled[job], abs=1e-6
        )


def test_iteration_costs_match_an_independent_computation(warehouse):
    rows = warehouse.execute(
        "select labeling_job_name, iteration, cost_human_usd, cost_auto_usd from fct_labeling_job_iterations"
    ).fetchall()
    got = {(r[0], r[1]): (float(r[2]), float(r[3])) for r in rows}
    expected = expected_costs()
    assert set(got) == set(expected)
    for key, sides in expected.items():
        assert got[key] == pytest.approx((sides["human"], sides["auto"]), abs=1e-5), key


def test_the_price_in_effect_at_each_label_time_is_cited(warehouse):
    lines = dict(
        ((job, component, source), price_id)
        for job, component, source, price_id in warehouse.execute(
            "select labeling_job_name, cost_component, source_id, price_id from fct_labeling_job_cost_lines "
            "where source_kind = 'object'"
        ).fetchall()
    )
    # The fee changed at midnight on Oct 2: object 8 (23:30 the day before) and object 9 (01:00).
    assert lines[(MTURK.name, "service_fee", "8")] == "fee-a"
    assert lines[(MTURK.name, "service_fee", "9")] == "fee-b"
    # Object 2, labeled again in iteration 2, is priced once, at its first label (Oct 1).
    assert lines[(MTURK.name, "service_fee", "2")] == "fee-a"
    # The MTurk task price comes from the job, not the price book.
    assert lines[(MTURK.name, "task_price", "4")] is None
    # The team-specific fee wins over the every-team fee.
    assert {lines[(NORATE.name, "service_fee", str(i))] for i in range(3)} == {"fee-plain"}


def test_private_team_without_a_rate_costs_only_the_fee(warehouse):
    labor, hours, human = warehouse.execute(
        "select private_labor_cost_usd, private_working_hours, cost_human_usd "
        "from fct_labeling_job_costs where labeling_job_name = ?",
        [NORATE.name],
    ).fetchone()
    assert (float(labor), float(hours)) == (0.0, 0.0)
    assert float(human) == pytest.approx(3 * 0.05)


def test_hourly_rate_changes_mid_job_by_task_closing_time(warehouse):
    rows = warehouse.execute(
        "select price_id, round(sum(quantity) * 3600) from fct_labeling_job_cost_lines "
        "where labeling_job_name = ? and cost_component = 'private_hourly_rate' group by 1",
        [HOURLY.name],
    ).fetchall()
    seconds = working_seconds()
    expected = defaultdict(float)
    for i, s in seconds.items():
        if TASKS[i].job == HOURLY.name:
            expected["rate-old" if TASKS[i].closed < at(2, 0) else "rate-new"] += s
    assert dict(rows) == {k: round(v) for k, v in expected.items()}
