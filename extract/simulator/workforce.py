"""The private workforce: Cognito users, their groups and work teams, and how each one works."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extract.simulator import account
from extract.simulator.plan import DAY_MS, HOUR_MS, TEAM_NAMES, OperationPlan
from extract.simulator.seeding import alnum, digest_hex, rng_for, uuid4_like

_FIRST = (
    "ana", "ben", "carla", "dmitri", "elif", "farah", "gustavo", "hana", "ivan", "jia", "kofi",
    "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sven", "tariq", "uma", "victor",
    "wen", "ximena", "yusuf", "zoe", "amara", "bruno", "chloe", "diego", "emeka", "freya",
    "goran", "hiro", "isla", "jonas", "kavya", "luca", "maya", "nikolai",
)  # fmt: skip
_LAST = (
    "almeida", "brandt", "chen", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito",
    "jensen", "kowalski", "lopez", "mensah", "novak", "okafor", "petrov", "quispe", "rossi",
    "silva", "tanaka", "umarov", "varga", "weber", "xu", "yilmaz", "zhang", "abbott", "baker",
    "costa", "dias", "evans", "ferreira", "gomez", "horvat", "iyer", "jovanovic", "kim",
    "larsen", "moreau", "nair",
)  # fmt: skip


_TEAM_DESCRIPTIONS = (
    "Bounding boxes around birds and nests: the active-learning experiments",
    "Bounding boxes around birds, nests and feeders: field surveys",
    "Bird species classification",
)


@dataclass(frozen=True)
class Team:
    index: int
    name: str
    group: str
    description: str
    members: np.ndarray  # user indices
    created_ms: int
    updated_ms: int

    @property
    def arn(self) -> str:
        return account.workteam_arn(self.name)


@dataclass
class Workforce:
    """Users (one row per Cognito user) and, for those who label, how they work."""

    subs: list[str]
    worker_ids: list[str]
    usernames: list[str]
    emails: list[str]
    statuses: list[str]
    enabled: np.ndarray
    created_ms: np.ndarray
    modified_ms: np.ndarray
    membership: np.ndarray  # [users, teams] bool
    teams: list[Team]
    client_id: str
    subdomain: str
    # behaviour
    speed: np.ndarray  # multiplies the task kind's median handling time
    sigma: np.ndarray  # lognormal spread of handling times
    p_return: np.ndarray
    p_decline: np.ndarray
    p_weekday: np.ndarray
    p_weekend: np.ndarray
    start_hour: np.ndarray  # preferred shift start, hours after midnight UTC
    shift_hours: np.ndarray
    gap_ms: np.ndarray  # mean pause between two tasks
    active_from_ms: np.ndarray
    active_until_ms: np.ndarray
    fast: np.ndarray  # suspiciously fast workers

    @property
    def size(self) -> int:
        return len(self.subs)


def build_workforce(plan: OperationPlan) -> Workforce:
    seed = plan.seed
    rng = rng_for(seed, "workforce")
    sizes = plan.team_sizes
    core = sum(sizes)
    n_pending = max(2, round(0.04 * core))
    n_admin = 2
    n = core + n_pending + n_admin
    # core workers, grouped by primary team; then pending invitations; then admins
    primary = np.concatenate(
        [np.full(s, t) for t, s in enumerate(sizes)] + [np.full(n_pending + n_admin, -1)]
    )
    membership = np.zeros((n, len(sizes)), dtype=bool)
    membership[np.arange(core), primary[:core]] = True
    # some workers belong to two teams: team 0 <-> 1, and 1 <-> 2
    for a, b, share in ((0, 1, 0.16), (1, 2, 0.14)):
        pool = np.flatnonzero(primary[:core] == a)
        k = max(2, round(share * sizes[b]))
        membership[rng.choice(pool, size=min(k, len(pool)), replace=False), b] = True
    pending = np.arange(core, core + n_pending)
    # half of the pending invitations were already added to a team's group
    for i, u in enumerate(pending[: (n_pending + 1) // 2]):
        membership[u, i % len(sizes)] = True

    period_ms = plan.days * DAY_MS
    created = plan.start_ms - rng.integers(3, 60, n) * DAY_MS - rng.integers(0, DAY_MS, n)
    modified = created + rng.integers(60_000, 3 * DAY_MS, n)
    statuses = ["CONFIRMED"] * n
    enabled = np.ones(n, dtype=bool)
    for u in pending:
        statuses[u] = "FORCE_CHANGE_PASSWORD"
        modified[u] = created[u]

    active_from = np.full(n, plan.start_ms, dtype=np.int64)
    active_until = np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
    p_weekday = rng.uniform(0.55, 0.95, n)
    p_weekend = rng.uniform(0.0, 0.3, n)
    works = np.zeros(n, dtype=bool)
    works[:core] = True

    core_ids = rng.permutation(core)
    n_idle = max(1, round(0.03 * core))
    n_disabled = max(2, round(0.03 * core))
    n_joiners = max(2, round(0.08 * core))
    idle = core_ids[:n_idle]
    disabled = core_ids[n_idle : n_idle + n_disabled]
    joiners = core_ids[n_idle + n_disabled : n_idle + n_disabled + n_joiners]
    works[idle] = False
    for u in disabled:
        until = plan.start_ms + int(rng.uniform(0.45, 0.75) * period_ms)
        active_until[u] = until
        enabled[u] = False
        modified[u] = until + int(rng.integers(HOUR_MS, 2 * DAY_MS))
    for u in joiners:
        joined = plan.start_ms + int(rng.uniform(0.1, 0.4) * period_ms)
        created[u] = joined - int(rng.integers(HOUR_MS, 3 * DAY_MS))
        modified[u] = joined - int(rng.integers(0, HOUR_MS))
        active_from[u] = joined
    p_weekday[~works] = 0.0
    p_weekend[~works] = 0.0

    speed = rng.lognormal(0.0, 0.3, n)
    sigma = rng.uniform(0.45, 0.8, n)
    fast = np.zeros(n, dtype=bool)
    workers = np.flatnonzero(works & enabled)
    n_fast = int(rng.integers(2, 4))
    fast_ids = rng.choice(workers, size=n_fast, replace=False)
    fast[fast_ids] = True
    speed[fast_ids] = rng.uniform(0.12, 0.18, n_fast)
    sigma[fast_ids] = rng.uniform(0.15, 0.25, n_fast)
    p_weekday[fast_ids] = np.maximum(p_weekday[fast_ids], 0.85)

    region = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    start_hour = np.select(
        [region == 0, region == 1],
        [rng.uniform(6.5, 9.5, n), rng.uniform(13.0, 16.0, n)],
        rng.uniform(0.5, 3.0, n),
    )
    shift_hours = np.clip(rng.lognormal(np.log(3.0), 0.45, n), 0.75, 8.0)
    gap_ms = rng.uniform(2_000, 8_000, n)

    # names, emails, usernames, ids
    order = rng.permutation(len(_FIRST) * len(_LAST))
    usernames, emails, subs, worker_ids = [], [], [], []
    for u in range(n):
        k = int(order[u % len(order)])
        first, last = _FIRST[k // len(_LAST)], _LAST[k % len(_LAST)]
        suffix = "" if u < len(order) else str(u // len(order))
        email = f"{first}.{last}{suffix}@example.com"
        if u >= core + n_pending:
            email = f"labeling-admin-{u - core - n_pending + 1}@example.com"
        sub = uuid4_like(seed, "sub", u)
        emails.append(email)
        subs.append(sub)
        usernames.append(sub if rng.random() < 0.1 else email)
        worker_ids.append(digest_hex(seed, "worker-id", u, size=8))

    teams = []
    for t, name in enumerate(TEAM_NAMES):
        t_created = plan.start_ms - int(rng.integers(60 * DAY_MS, 120 * DAY_MS))
        teams.append(
            Team(
                index=t,
                name=name,
                group=f"{name}-group",
                description=_TEAM_DESCRIPTIONS[t],
                members=np.flatnonzero(membership[:, t]),
                created_ms=t_created,
                updated_ms=t_created + int(rng.integers(DAY_MS, 30 * DAY_MS)),
            )
        )
    return Workforce(
        subs=subs,
        worker_ids=worker_ids,
        usernames=usernames,
        emails=emails,
        statuses=statuses,
        enabled=enabled,
        created_ms=created.astype(np.int64),
        modified_ms=modified.astype(np.int64),
        membership=membership,
        teams=teams,
        client_id=alnum(rng, 26, lower=True),
        subdomain=f"{alnum(rng, 10, lower=True)}.labeling.{account.REGION}.sagemaker.aws",
        speed=speed,
        sigma=sigma,
        p_return=rng.uniform(0.004, 0.03, n),
        p_decline=rng.uniform(0.004, 0.025, n),
        p_weekday=p_weekday,
        p_weekend=p_weekend,
        start_hour=start_hour,
        shift_hours=shift_hours,
        gap_ms=gap_ms,
        active_from_ms=active_from,
        active_until_ms=active_until,
        fast=fast,
    )
