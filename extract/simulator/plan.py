"""The plan of the simulated operation: task kinds, teams' sizes and labeling jobs.

Everything here is decided up front from the seed and the requested size. Times are not: the
scheduler decides when work happens, given the workers' shifts. What the plan fixes is *how much*
work each job needs: for every iteration, which data objects go to humans and which are labeled
by the machine. That makes the number of worker-activity events predictable, so ``events=N`` can
be met closely.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from extract.simulator import account
from extract.simulator.seeding import alnum, rng_for

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000

# Share of accepted tasks that end returned or declined, on average over workers (see
# workforce.py), and share of records delivered twice. Used to size jobs for ``events=N``.
NON_SUBMIT_RATIO = 0.034
DUPLICATE_RATE = 0.003
MIN_EVENTS = 6_000


@dataclass(frozen=True)
class TaskKind:
    """A built-in Ground Truth task type and how long humans take for one task."""

    name: str
    task_type: str
    algorithm: str
    label_attribute: str
    median_seconds: float
    time_limit: int
    pre_lambda: str
    acs_lambda: str
    title: str
    description: str
    keywords: tuple[str, ...]
    classes: tuple[str, ...]
    # Expected slots per working hour for an average worker (task time plus short gaps).
    tasks_per_hour: float


OBJECT_DETECTION = TaskKind(
    name="od",
    task_type="groundtruth/object-detection",
    algorithm="object-detection",
    label_attribute="bounding-box",
    median_seconds=36.0,
    time_limit=600,
    pre_lambda="PRE-BoundingBox",
    acs_lambda="ACS-BoundingBox",
    title="Draw a box around each bird",
    description="Draw a tight bounding box around every bird and every nest you can see.",
    keywords=("image", "object", "detection", "birds"),
    classes=("bird", "nest"),
    tasks_per_hour=68.0,
)
IMAGE_CLASSIFICATION = TaskKind(
    name="ic",
    task_type="groundtruth/image-classification",
    algorithm="image-classification",
    label_attribute="species",
    median_seconds=6.0,
    time_limit=300,
    pre_lambda="PRE-ImageMultiClass",
    acs_lambda="ACS-ImageMultiClass",
    title="Which bird species is this?",
    description="Choose the species of the bird in the centre of the picture.",
    keywords=("image", "classification", "birds", "species"),
    classes=("sparrow", "robin", "blue-jay", "cardinal", "finch", "woodpecker", "other"),
    tasks_per_hour=300.0,
)

# Adjustment of earlier bounding boxes: a job on a previous job's output manifest, under its
# own LabelAttributeName, whose metadata says whether the box was changed (adjustment-status)
# [doc: https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-verify-manifest.html].
ADJUST_BOUNDING_BOX = TaskKind(
    name="od-adjust",
    task_type="groundtruth/object-detection",
    algorithm="object-detection",
    label_attribute="adjusted-bounding-box",
    median_seconds=20.0,
    time_limit=600,
    pre_lambda="PRE-AdjustmentBoundingBox",
    acs_lambda="ACS-AdjustmentBoundingBox",
    title="Check and adjust the boxes around each bird",
    description="Move or resize the existing boxes so that each bird and nest is boxed tightly.",
    keywords=("image", "object", "detection", "adjustment"),
    classes=("bird", "nest"),
    tasks_per_hour=110.0,
)
# 3D point-cloud object detection: input lines carry source-ref-metadata (frame format,
# timestamp, ego-vehicle pose) and keep it in the output, before the label
# [doc: sms-point-cloud-single-frame-input-data.html; sms-data-output.html, 3D point cloud].
POINT_CLOUD_DETECTION = TaskKind(
    name="pc",
    task_type="groundtruth/point_cloud_object_detection",
    algorithm="",
    label_attribute="3d-bounding-box",
    median_seconds=90.0,
    time_limit=3600,
    pre_lambda="PRE-3DPointCloudObjectDetection",
    acs_lambda="ACS-3DPointCloudObjectDetection",
    title="Draw a cuboid around each vehicle and pedestrian",
    description="Fit a 3D cuboid around every car, pedestrian and cyclist in the point cloud.",
    keywords=("3d", "point cloud", "lidar", "cuboid"),
    classes=("Car", "Pedestrian", "Cyclist"),
    tasks_per_hour=30.0,
)

TEAM_NAMES = ("bird-spotters", "nest-watchers", "species-experts")
TEAM_KINDS = (OBJECT_DETECTION, OBJECT_DETECTION, IMAGE_CLASSIFICATION)
DEMO_TEAM_SIZES = (16, 10, 12)

CHAIN_A, CHAIN_B, CONTROL_C, CHAIN_D = (
    "birds-od-chain-a",
    "birds-od-chain-b",
    "birds-od-control-c",
    "birds-od-chain-d",
)


@dataclass
class IterationPlan:
    number: int
    human: np.ndarray  # datasetObjectIds (input line numbers) sent to humans
    machine: np.ndarray  # datasetObjectIds auto-labeled at the start of this iteration
    needs_training: bool  # a model (re)training precedes this iteration


@dataclass
class JobPlan:
    index: int
    name: str
    kind: TaskKind
    team: int
    workers_per_object: int
    max_concurrent: int
    n_objects: int
    manifest_key: str
    image_keys_prefix: str
    first_image: int
    output_prefix: str
    label_config_key: str
    template_key: str
    auto_labeling: bool
    warm_from: str | None
    iterations: list[IterationPlan]
    run_iterations: int
    outcome: str  # Completed | Failed | InProgress
    failed_objects: np.ndarray
    failure_reason: str | None
    priority: int
    created_ms: int | None = None
    created_after: tuple[str, ...] = ()
    not_before_ms: int | None = None
    role: str | None = None
    project: str = "birds"
    reference_code: str = ""
    availability_seconds: int = 864_000
    # A job chained on an earlier job's output manifest (its input manifest): its objects are
    # that job's objects, and its output lines keep that job's labels.
    chained_from: str | None = None
    # Output manifest versions Ground Truth writes while the job runs: after these iterations
    # (the last version is the one left in S3).
    manifest_versions: tuple[int, ...] = ()

    @property
    def human_labeled(self) -> int:
        return int(sum(len(it.human) for it in self.iterations[: self.run_iterations]))

    @property
    def machine_labeled(self) -> int:
        return int(sum(len(it.machine) for it in self.iterations[: self.run_iterations]))

    @property
    def planned_submits(self) -> int:
        return self.human_labeled * self.workers_per_object


@dataclass
class OperationPlan:
    seed: int
    start_ms: int
    day0_ms: int
    days: int
    team_sizes: tuple[int, ...]
    jobs: list[JobPlan]
    anomaly_days: dict[str, list[float]] = field(default_factory=dict)

    @property
    def horizon_days(self) -> int:
        """No simulation runs longer than this many days."""
        return self.days * 4 + 120

    def job(self, name: str) -> JobPlan:
        return next(j for j in self.jobs if j.name == name)

    @property
    def planned_submits(self) -> int:
        return sum(j.planned_submits for j in self.jobs)


# --------------------------------------------------------------------------------------------
# Iteration schedules
# --------------------------------------------------------------------------------------------


def active_learning_schedule(
    n_objects: int, rng: np.random.Generator, *, warm: bool, coverage: float | None = None
) -> list[tuple[int, int]]:
    """(human, machine) object counts per iteration for a job with automated labeling.

    Iteration 1 sends 10 probe objects to humans. A cold start then needs a training set (190)
    and a validation set (200) before the first model can auto-label, so auto-labeling begins in
    iteration 4. A job started from an earlier job's model needs only a validation set, so it
    auto-labels from iteration 3, and with more confidence. From then on every iteration
    auto-labels the share the model is confident about and sends at most 200 to humans.
    """
    if warm:
        head = [(10, 0), (190, 0)]
        cov = coverage if coverage is not None else float(rng.uniform(0.32, 0.38))
        step = float(rng.uniform(0.09, 0.11))
    else:
        head = [(10, 0), (190, 0), (200, 0)]
        cov = float(rng.uniform(0.09, 0.11))
        step = float(rng.uniform(0.03, 0.04))
    while True:
        sched = list(head)
        rem = n_objects - sum(h for h, _ in head)
        c = cov
        while rem > 0:
            m = int(rem * c)
            rem -= m
            h = min(200, rem)
            rem -= h
            sched.append((h, m))
            c = min(0.92, c + step)
        if warm or len(sched) >= 10 or step < 0.005:
            return sched
        step *= 0.8  # a cold job this size needs ten iterations; learn more slowly


def batch_schedule(n_objects: int, batch: int) -> list[tuple[int, int]]:
    """Human-only jobs: batches of MaxConcurrentTaskCount objects."""
    out = []
    rem = n_objects
    while rem > 0:
        h = min(batch, rem)
        out.append((h, 0))
        rem -= h
    return out


def _iterations(
    sched: list[tuple[int, int]], ids: np.ndarray, *, auto: bool, warm: bool
) -> list[IterationPlan]:
    first_auto = 3 if warm else 4
    out = []
    pos = 0
    for n, (h, m) in enumerate(sched, start=1):
        machine = ids[pos : pos + m]
        pos += m
        human = ids[pos : pos + h]
        pos += h
        out.append(
            IterationPlan(
                number=n,
                human=np.sort(human),
                machine=np.sort(machine),
                needs_training=auto and n >= first_auto,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------


class _JobFactory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.jobs: list[JobPlan] = []

    def add(
        self,
        name: str,
        *,
        kind: TaskKind,
        team: int,
        workers: int,
        n_objects: int,
        manifest_key: str,
        image_prefix: str,
        first_image: int = 0,
        project: str,
        auto: bool = False,
        warm_from: str | None = None,
        warm_coverage: float | None = None,
        max_concurrent: int = 200,
        outcome: str = "Completed",
        run_iterations: int | None = None,
        n_failed: int = 0,
        failure_reason: str | None = None,
        priority: int,
        created_ms: int | None = None,
        created_after: tuple[str, ...] = (),
        not_before_ms: int | None = None,
        role: str | None = None,
        schedule_key: tuple | None = None,
        chained_from: str | None = None,
        manifest_versions: tuple[int, ...] = (),
    ) -> JobPlan:
        rng = rng_for(self.seed, "job", name)
        order = rng.permutation(n_objects)
        failed = np.sort(order[:n_failed])
        ids = order[n_failed:]
        if chained_from is not None:  # the earlier job's failed objects fail again
            failed = self.by_name(chained_from).failed_objects.copy()
            ids = order[~np.isin(order, failed)]
        if auto:
            sched = active_learning_schedule(
                len(ids),
                rng_for(self.seed, "schedule", *(schedule_key or (name,))),
                warm=warm_from is not None,
                coverage=warm_coverage,
            )
        else:
            sched = batch_schedule(len(ids), max_concurrent)
        iterations = _iterations(sched, ids, auto=auto, warm=warm_from is not None)
        job = JobPlan(
            index=len(self.jobs),
            name=name,
            kind=kind,
            team=team,
            workers_per_object=workers,
            max_concurrent=max_concurrent,
            n_objects=n_objects,
            manifest_key=manifest_key,
            image_keys_prefix=image_prefix,
            first_image=first_image,
            output_prefix=f"{project}/output/",
            label_config_key=f"{project}/input/class_labels.json",
            template_key=f"{project}/input/{kind.name}-instructions.template",
            auto_labeling=auto,
            warm_from=warm_from,
            iterations=iterations,
            run_iterations=len(iterations) if run_iterations is None else run_iterations,
            outcome=outcome,
            failed_objects=failed,
            failure_reason=failure_reason,
            priority=priority,
            created_ms=created_ms,
            created_after=created_after,
            not_before_ms=not_before_ms,
            role=role,
            project=project,
            reference_code=account.ACCOUNT_ID + alnum(rng, 16),
            chained_from=chained_from,
            manifest_versions=manifest_versions,
        )
        self.jobs.append(job)
        return job

    def by_name(self, name: str) -> JobPlan:
        return next(j for j in self.jobs if j.name == name)

    def chain(self, name: str, parent: str, *, kind: TaskKind, team: int, priority: int) -> JobPlan:
        """A job that labels ``parent``'s output manifest, posted once ``parent`` has ended."""
        p = self.by_name(parent)
        return self.add(
            name, kind=kind, team=team, workers=1, n_objects=p.n_objects,
            manifest_key=f"{p.output_prefix}{p.name}/manifests/output/output.manifest",
            image_prefix=p.image_keys_prefix, first_image=p.first_image, project=p.project,
            priority=priority, created_after=(parent,), chained_from=parent,
        )  # fmt: skip


def _at(day0_ms: int, day: float, hour: float, rng: np.random.Generator) -> int:
    jitter = rng.uniform(-0.4, 0.4)
    return int(day0_ms + int(day) * DAY_MS + (hour + jitter) * HOUR_MS)


def _base_jobs(
    f: _JobFactory, *, day0_ms: int, start_ms: int, days: int, w_chain: int, scale_ord: float
) -> None:
    """The scenario jobs and the special ordinary jobs, present at every size."""
    rng = rng_for(f.seed, "base-jobs")
    od, ic = OBJECT_DETECTION, IMAGE_CLASSIFICATION

    def sized(n: int, minimum: int) -> int:
        return max(minimum, round(n * scale_ord))

    f.add(
        CHAIN_A, kind=od, team=0, workers=w_chain, n_objects=3200,
        manifest_key="birds/input/birds-part-1.manifest", image_prefix="birds/images/",
        project="birds", auto=True, priority=0, role="chain",
        created_ms=max(start_ms + 10 * MINUTE_MS, _at(day0_ms, 0, 9.2, rng)),
    )  # fmt: skip
    f.add(
        CHAIN_B, kind=od, team=0, workers=w_chain, n_objects=3200,
        manifest_key="birds/input/birds-part-2.manifest", image_prefix="birds/images/",
        first_image=3200, project="birds", auto=True, warm_from=CHAIN_A, priority=0,
        created_after=(CHAIN_A,), role="chain",
    )  # fmt: skip
    f.add(
        CONTROL_C, kind=od, team=0, workers=w_chain, n_objects=3200,
        manifest_key="birds/input/birds-part-2.manifest", image_prefix="birds/images/",
        first_image=3200, project="birds", auto=True, priority=0,
        created_after=(CHAIN_A,), role="control",
    )  # fmt: skip
    f.add(
        CHAIN_D, kind=od, team=0, workers=w_chain, n_objects=2000,
        manifest_key="birds/input/birds-2026-11.manifest", image_prefix="birds/images/",
        first_image=6400, project="birds", auto=True, warm_from=CHAIN_B, warm_coverage=0.45,
        priority=0, created_after=(CHAIN_B,), role="chain",
    )  # fmt: skip
    n = sized(700, 40)
    f.add(
        "birds-od-nests", kind=od, team=1, workers=3, n_objects=n,
        manifest_key="birds/input/birds-od-nests.manifest", image_prefix="birds/nests/",
        project="birds", n_failed=4, priority=10,
        created_ms=_at(day0_ms, 1, 10.5, rng),
    )  # fmt: skip
    n = sized(2500, 60)
    f.add(
        "species-ic-batch-01", kind=ic, team=2, workers=3, n_objects=n,
        manifest_key="species/input/species-ic-batch-01.manifest",
        image_prefix="species/images/batch-01/", project="species", priority=11,
        created_ms=_at(day0_ms, max(3, round(days * 0.38)), 8.75, rng),
    )  # fmt: skip
    n = sized(1500, 60)
    batch = max(10, min(200, n // 5))
    f.add(
        "species-ic-batch-02", kind=ic, team=2, workers=3, n_objects=n,
        manifest_key="species/input/species-ic-batch-02.manifest",
        image_prefix="species/images/batch-02/", project="species", priority=12,
        max_concurrent=batch, outcome="Failed", run_iterations=3,
        failure_reason=(
            "ClientError: Failed to process the input manifest at line "
            f"{3 * batch + 17}: the data object s3://{account.BUCKET}/species/images/batch-02/"
            f"SPC_{3 * batch + 16:06d}.jpg does not exist or is not accessible "
            "(Access Denied)."
        ),
        created_ms=_at(day0_ms, max(4, round(days * 0.45)), 9.5, rng),
    )  # fmt: skip
    n = sized(600, 30)
    f.add(
        "birds-od-feeders", kind=od, team=1, workers=2, n_objects=n,
        manifest_key="birds/input/birds-od-feeders.manifest", image_prefix="birds/feeders/",
        project="birds", priority=13,
        created_ms=_at(day0_ms, max(5, round(days * 0.55)), 13.0, rng),
    )  # fmt: skip
    n = sized(2000, 60)
    batch = max(10, min(200, n // 5))
    f.add(
        "species-ic-batch-03", kind=ic, team=2, workers=3, n_objects=n,
        manifest_key="species/input/species-ic-batch-03.manifest",
        image_prefix="species/images/batch-03/", project="species", priority=14,
        max_concurrent=batch, outcome="InProgress", run_iterations=4, manifest_versions=(3, 4),
        not_before_ms=_at(day0_ms, days - 3, 8.75, rng),
    )  # fmt: skip
    # Shapes of real accounts: a job chained on a completed job's output (two labels per line),
    # an adjustment job, a 3D point-cloud job and a job stopped part-way.
    f.chain("species-ic-feeders", "birds-od-feeders", kind=ic, team=2, priority=15)
    f.chain("birds-od-nests-adjust", "birds-od-nests", kind=ADJUST_BOUNDING_BOX, team=1,
            priority=16)  # fmt: skip
    n = sized(60, 12)
    f.add(
        "lidar-pc-od-001", kind=POINT_CLOUD_DETECTION, team=1, workers=1, n_objects=n,
        manifest_key="lidar/input/lidar-pc-od-001.manifest", image_prefix="lidar/frames/",
        project="lidar", priority=17, max_concurrent=max(6, n // 2),
        created_ms=_at(day0_ms, max(6, round(days * 0.6)), 10.0, rng),
    )  # fmt: skip
    n = sized(300, 30)
    f.add(
        "birds-od-perches", kind=od, team=1, workers=2, n_objects=n,
        manifest_key="birds/input/birds-od-perches.manifest", image_prefix="birds/perches/",
        project="birds", priority=18, max_concurrent=max(10, n // 3), outcome="Stopped",
        run_iterations=1, created_ms=_at(day0_ms, max(7, round(days * 0.65)), 11.0, rng),
    )  # fmt: skip


def _filler_jobs(
    f: _JobFactory, *, target_submits: int, day0_ms: int, days: int, scale: float
) -> None:
    """Ordinary jobs that give a scaled-up operation its volume."""
    rng = rng_for(f.seed, "filler-jobs")
    mean_submits = 12_000 * scale**0.3
    team_share = np.array([0.35, 0.35, 0.30])
    specs: list[dict] = []
    total = 0
    while total < target_submits:
        team = int(rng.choice(3, p=team_share))
        kind = TEAM_KINDS[team]
        workers = (
            int(rng.choice([2, 3, 3, 3, 5]))
            if kind is OBJECT_DETECTION
            else int(rng.choice([1, 3, 3, 5]))
        )
        want = float(rng.lognormal(np.log(mean_submits), 0.5))
        last = total + want >= target_submits
        if last:
            want = target_submits - total
        n_obj = max(10, round(want / workers))
        auto = (not last) and kind is OBJECT_DETECTION and n_obj >= 1500 and rng.random() < 0.3
        if auto:
            key = ("filler", len(specs))
            sched = active_learning_schedule(n_obj, rng_for(f.seed, "schedule", *key), warm=False)
            human = sum(h for h, _ in sched)
        else:
            human = n_obj
        specs.append(
            dict(
                team=team,
                kind=kind,
                workers=workers,
                n=n_obj,
                auto=auto,
                key=("filler", len(specs)),
            )
        )
        total += human * workers
    # creation times: spread over the period, per team, during office hours
    per_team: dict[int, list[dict]] = {0: [], 1: [], 2: []}
    for s in specs:
        per_team[s["team"]].append(s)
    ic_no = 4
    od_no = 1
    for team, lst in per_team.items():
        for k, s in enumerate(lst):
            frac = (k + rng.uniform(0.1, 0.9)) / max(1, len(lst))
            day = 0.5 + frac * (0.85 * days - 0.5)
            s["created_ms"] = _at(day0_ms, day, float(rng.uniform(8.0, 16.0)), rng)
            s["team"] = team
    ordered = sorted(specs, key=lambda s: s["created_ms"])
    for prio, s in enumerate(ordered, start=100):
        if s["kind"] is IMAGE_CLASSIFICATION:
            name = f"species-ic-batch-{ic_no:02d}"
            ic_no += 1
            project, img = "species", f"species/images/{name}/"
        else:
            name = f"birds-od-field-{od_no:04d}"
            od_no += 1
            project, img = "field", f"field/images/{name}/"
        f.add(
            name, kind=s["kind"], team=s["team"], workers=s["workers"], n_objects=s["n"],
            manifest_key=f"{project}/input/{name}.manifest", image_prefix=img,
            project=project, auto=s["auto"], priority=prio, created_ms=s["created_ms"],
            max_concurrent=200, schedule_key=s["key"] if s["auto"] else None,
        )  # fmt: skip


def _scaled_team_sizes(jobs: list[JobPlan], days: int) -> tuple[int, ...]:
    """Enough workers that the crowd is busy about half of the time it is on shift."""
    sizes = []
    for team, kind in enumerate(TEAM_KINDS):
        submits = sum(j.planned_submits for j in jobs if j.team == team)
        per_day = submits * (1 + NON_SUBMIT_RATIO) / max(1.0, 0.85 * days)
        capacity = kind.tasks_per_hour * 3.2 * 0.58 * 0.45  # shift hours, days worked, load
        sizes.append(max(DEMO_TEAM_SIZES[team], math.ceil(per_day / capacity)))
    return tuple(sizes)


def build_plan(seed: int, events: int | None, start: dt.datetime) -> OperationPlan:
    start_ms = int(start.timestamp() * 1000)
    day0 = dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
    day0_ms = int(day0.timestamp() * 1000)

    def base(w_chain: int, scale_ord: float, days: int) -> _JobFactory:
        f = _JobFactory(seed)
        _base_jobs(
            f, day0_ms=day0_ms, start_ms=start_ms, days=days, w_chain=w_chain, scale_ord=scale_ord
        )
        return f

    demo_days = 28
    if events is None:
        f = base(3, 1.0, demo_days)
        return _finalise(
            OperationPlan(
                seed,
                start_ms,
                day0_ms,
                demo_days,
                DEMO_TEAM_SIZES,
                f.jobs,
                _anomaly_days(demo_days),
            )
        )
    if events < MIN_EVENTS:
        raise ValueError(f"events={events} is below the minimum of {MIN_EVENTS:,}")
    per_submit = (1 + NON_SUBMIT_RATIO) * (1 + DUPLICATE_RATE)
    target = (events - 4) / per_submit
    full = base(3, 1.0, demo_days)
    base_submits = sum(j.planned_submits for j in full.jobs)
    if target <= base_submits:
        # smaller than the demo: fewer workers per object in the chain, smaller other jobs
        chain3 = sum(j.planned_submits for j in full.jobs if j.role)
        rest_full = base_submits - chain3
        for w in (3, 2, 1):
            scale_ord = (target - chain3 * w / 3) / rest_full
            if scale_ord < 0.04:
                continue
            for _ in range(6):  # the other jobs do not shrink linearly: refine the scale
                f = base(w, min(1.0, scale_ord), demo_days)
                rest = sum(j.planned_submits for j in f.jobs if not j.role)
                want = target - sum(j.planned_submits for j in f.jobs if j.role)
                if abs(rest - want) < 0.01 * target:
                    break
                scale_ord = max(0.04, scale_ord * want / max(rest, 1))
            # a smaller operation has a smaller crowd
            sizes = ({3: DEMO_TEAM_SIZES[0], 2: 12, 1: 9}[w], *DEMO_TEAM_SIZES[1:])
            plan = OperationPlan(
                seed, start_ms, day0_ms, demo_days, sizes, f.jobs, _anomaly_days(demo_days)
            )
            return _finalise(plan)
        raise ValueError(f"events={events} is too small for the scenario jobs")
    scale = events / 30_000
    days = int(min(540, max(demo_days, round(demo_days * scale**0.5))))
    f = base(3, 1.0, days)
    base_submits = sum(j.planned_submits for j in f.jobs)
    if target - base_submits > 500:
        _filler_jobs(
            f, target_submits=int(target - base_submits), day0_ms=day0_ms, days=days, scale=scale
        )
    sizes = _scaled_team_sizes(f.jobs, days)
    return _finalise(
        OperationPlan(seed, start_ms, day0_ms, days, sizes, f.jobs, _anomaly_days(days))
    )


def _finalise(plan: OperationPlan) -> OperationPlan:
    """The in-progress job is the last one posted: after every other job has ended."""
    for job in plan.jobs:
        if job.outcome == "InProgress":
            job.created_after = tuple(j.name for j in plan.jobs if j is not job)
    return plan


def _anomaly_days(days: int) -> dict[str, list[float]]:
    return {
        "malformed_json": [0.30 * days],
        "unknown_event_type": [0.40 * days, 0.62 * days],
        "unparsable_timestamp": [0.50 * days],
    }
