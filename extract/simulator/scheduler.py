"""When the work happens: shifts of workers, and tasks handed out to labeling jobs.

The simulation walks day by day. Every day, each worker who works that day gets one shift with
one team. A shift is a sequence of task *slots*: accept, work (lognormal handling time), close,
a short pause, the next accept, now and then a coffee break. Slots are generated for all workers
of a team at once with numpy. Then the team's jobs, highest priority first, take the slots they
can use: only slots accepted after the job's current batch was posted, at most one task per data
object per worker, and exactly ``human objects x workers per object`` submitted tasks per
iteration. Slots nobody needs are dropped (the worker found no task), so every worker's tasks
are sequential and never overlap. An iteration ends with its last submitted task; the next
batch is posted after the consolidation and, with automated labeling, after a training run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from extract.simulator.plan import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    TEAM_KINDS,
    JobPlan,
    OperationPlan,
)
from extract.simulator.seeding import rng_for
from extract.simulator.workforce import Workforce

SUBMITTED, RETURNED, DECLINED = 0, 1, 2
SHARE_CHUNK = 30  # tasks handed to one job before its peer's turn


@dataclass
class IterationRecord:
    number: int
    posted_ms: int  # batch posted to workers (auto-labels were written just before)
    machine_ms: int  # when the auto-labels of this iteration were written
    done_ms: int  # last object consolidated
    object_done_ms: np.ndarray  # consolidation time per human object, in plan order
    human: np.ndarray
    machine: np.ndarray


@dataclass
class JobRun:
    plan: JobPlan
    state: str = "waiting"  # waiting | running | ended
    created_ms: int = 0
    ended_ms: int = 0  # LastModifiedTime
    it: int = 0
    t_avail: int = 0
    remaining: int = 0
    counts: np.ndarray | None = None
    it_closes: list[np.ndarray] = field(default_factory=list)
    it_max_close: int = 0
    records: list[IterationRecord] = field(default_factory=list)
    rng: np.random.Generator | None = None


@dataclass
class Tasks:
    """Task outcomes, one row per worker-activity record."""

    worker: np.ndarray
    job: np.ndarray
    accept: np.ndarray
    close: np.ndarray
    outcome: np.ndarray

    @staticmethod
    def concat(parts: list[Tasks]) -> Tasks:
        if not parts:
            e64 = np.zeros(0, dtype=np.int64)
            return Tasks(
                np.zeros(0, np.int32), np.zeros(0, np.int32), e64, e64.copy(), np.zeros(0, np.int8)
            )
        return Tasks(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("worker", "job", "accept", "close", "outcome")
            )
        )

    def __len__(self) -> int:
        return len(self.worker)


@dataclass
class Anomaly:
    kind: str
    worker: int
    job: int
    accept: int
    close: int


@dataclass
class DayResult:
    day: int
    day_start_ms: int
    tasks: Tasks
    ended: list[JobRun]
    anomalies: list[Anomaly]


@dataclass
class _Slots:
    worker: np.ndarray
    accept: np.ndarray
    close: np.ndarray
    outcome: np.ndarray


class Scheduler:
    def __init__(self, plan: OperationPlan, workforce: Workforce) -> None:
        self.plan = plan
        self.wf = workforce
        self.seed = plan.seed
        self.runs = [JobRun(j) for j in plan.jobs]
        self.by_name = {r.plan.name: r for r in self.runs}
        self.last_close = np.full(workforce.size, -(10**15), dtype=np.int64)
        self.as_of_ms = 0
        pending = [(k, t) for k, ts in plan.anomaly_days.items() for t in ts]
        self.pending_anomalies = sorted(pending, key=lambda kt: kt[1])

    # ---------------------------------------------------------------- job life cycle

    def _create(self, run: JobRun, at_ms: int) -> None:
        rng = rng_for(self.seed, "create", run.plan.name)
        run.state = "running"
        run.created_ms = int(at_ms)
        run.counts = np.zeros(self.wf.size, dtype=np.int32)
        run.rng = rng_for(self.seed, "iterations", run.plan.name)
        run.it = 0
        self._post(run, at_ms + int(rng.uniform(3, 8) * MINUTE_MS))

    def _post(self, run: JobRun, t_avail: int) -> None:
        it = run.plan.iterations[run.it]
        run.t_avail = int(t_avail)
        run.remaining = len(it.human) * run.plan.workers_per_object
        run.counts[:] = 0
        run.it_closes = []
        run.it_max_close = run.t_avail

    def _dynamic_creation(self, run: JobRun) -> int | None:
        p = run.plan
        if p.created_ms is not None:
            return p.created_ms
        deps = [self.by_name[n] for n in p.created_after]
        if any(d.state != "ended" for d in deps):
            return None
        done = max(d.ended_ms for d in deps)
        rng = rng_for(self.seed, "dynamic", p.created_after)
        hour = (done % DAY_MS) / HOUR_MS
        if hour < 16.0:
            at = done + int(rng.uniform(40, 120) * MINUTE_MS)
        else:  # the next morning
            at = done - done % DAY_MS + DAY_MS + int(rng.uniform(8.0, 9.5) * HOUR_MS)
        if p.not_before_ms is not None:
            at = max(at, p.not_before_ms)
        return at

    def _activate(self, day_end: int) -> None:
        for run in self.runs:
            if run.state == "waiting":
                at = self._dynamic_creation(run)
                if at is not None and at < day_end:
                    self._create(run, at)

    def _complete_iteration(self, run: JobRun) -> list[JobRun]:
        """Close the current iteration; post the next one or end the job. Returns ended runs."""
        p = run.plan
        it = p.iterations[run.it]
        rng = run.rng  # one stream per job, used iteration after iteration
        w = p.workers_per_object
        h = len(it.human)
        if h:
            closes = np.sort(np.concatenate(run.it_closes))
            assert len(closes) == h * w, (p.name, run.it, len(closes), h * w)
            object_done = closes[w - 1 :: w] + rng.integers(1_000, 20_000, h)
            done = int(object_done.max()) + int(rng.integers(1_000, 10_000))
        else:
            object_done = np.zeros(0, dtype=np.int64)
            done = run.t_avail
        machine_ms = run.t_avail - int(rng.integers(30_000, 4 * MINUTE_MS))
        run.records.append(
            IterationRecord(
                it.number,
                run.t_avail,
                machine_ms,
                done,
                object_done.astype(np.int64),
                it.human,
                it.machine,
            )
        )
        run.it += 1
        if run.it >= p.run_iterations:
            run.state = "ended"
            if p.outcome == "Failed":
                run.ended_ms = done + int(rng.uniform(2, 10) * MINUTE_MS)
            elif p.outcome == "InProgress":
                run.ended_ms = done + int(rng.uniform(0.5, 2) * MINUTE_MS)
            else:
                run.ended_ms = done + int(rng.uniform(1, 5) * MINUTE_MS)
            run.counts = None
            return [run]
        nxt = p.iterations[run.it]
        if nxt.needs_training:
            first = not p.iterations[run.it - 1].needs_training
            if p.warm_from is not None:
                delay = rng.uniform(25, 40) if first else rng.uniform(15, 30)
            else:
                delay = rng.uniform(45, 75) if first else rng.uniform(20, 40)
        elif p.auto_labeling:
            delay = rng.uniform(1, 4)
        else:
            delay = rng.uniform(0.5, 3)
        self._post(run, done + int(delay * MINUTE_MS))
        return []

    # ---------------------------------------------------------------- shifts

    def _on_duty(self, team: int, day_end: int) -> bool:
        for run in self.runs:
            if run.plan.team != team:
                continue
            if run.state == "running":
                return True
            if run.state == "waiting":
                p = run.plan
                if p.created_ms is not None:
                    if p.created_ms < day_end:
                        return True
                    continue
                if p.not_before_ms is not None and p.not_before_ms >= day_end:
                    continue
                deps = [self.by_name[n] for n in p.created_after]
                if all(d.state != "waiting" for d in deps):
                    return True
        return False

    def _slots(self, team: int, users: np.ndarray, day_start: int, rng) -> _Slots:
        wf = self.wf
        kind = TEAM_KINDS[team]
        n = len(users)
        start = (
            day_start
            + (wf.start_hour[users] * HOUR_MS).astype(np.int64)
            + rng.normal(0, 0.5 * HOUR_MS, n).astype(np.int64)
        )
        start = np.clip(start, day_start, day_start + DAY_MS - HOUR_MS)
        start = np.maximum.reduce([
            start, self.last_close[users] + HOUR_MS, wf.active_from_ms[users],
            np.full(n, self.plan.start_ms),
        ])  # fmt: skip
        length = (wf.shift_hours[users] * rng.lognormal(0, 0.3, n) * HOUR_MS).astype(np.int64)
        end = np.minimum(
            start + np.clip(length, 20 * MINUTE_MS, 10 * HOUR_MS), wf.active_until_ms[users]
        )
        ok = end > start + 5 * MINUTE_MS
        users, start, end = users[ok], start[ok], end[ok]
        if len(users) == 0:
            z = np.zeros(0, dtype=np.int64)
            return _Slots(z.astype(np.int32), z, z.copy(), z.astype(np.int8))
        median = kind.median_seconds * wf.speed[users]
        sigma = wf.sigma[users]
        mean_task = median * np.exp(sigma**2 / 2)
        gap_mean = wf.gap_ms[users]
        per = mean_task * 1000 + gap_mean + 1000
        k = np.ceil((end - start) / per * 1.3).astype(np.int64) + 8
        owner = np.repeat(np.arange(len(users)), k)
        total = int(k.sum())
        limit = kind.time_limit
        dur = np.exp(np.log(median)[owner] + sigma[owner] * rng.standard_normal(total))
        dur = np.clip(dur, 2.0, limit - 1.0)
        u = rng.random(total)
        p_dec = self.wf.p_decline[users][owner]
        p_ret = self.wf.p_return[users][owner]
        outcome = np.where(u < p_dec, DECLINED, np.where(u < p_dec + p_ret, RETURNED, SUBMITTED))
        outcome = outcome.astype(np.int8)
        ret = outcome == RETURNED
        dur = np.where(ret, np.clip(dur * rng.uniform(0.15, 1.0, total), 2.0, limit), dur)
        timed_out = ret & (rng.random(total) < 0.08)
        dur = np.where(timed_out, float(limit), dur)
        dec = outcome == DECLINED
        dur = np.where(dec, rng.uniform(2.0, 25.0, total), dur)
        dur_ms = np.maximum((dur * 1000).astype(np.int64), 2000)
        gap = 1000 + rng.exponential(1.0, total) * gap_mean[owner]
        p_coffee = np.minimum(0.2, (mean_task[owner] + gap_mean[owner] / 1000) / 3000.0)
        r = rng.random(total)
        gap = gap + np.where(r < p_coffee, rng.uniform(10, 30, total) * MINUTE_MS, 0.0)
        gap = gap + np.where(r > 1 - p_coffee / 8, rng.uniform(30, 60, total) * MINUTE_MS, 0.0)
        gap_ms = gap.astype(np.int64)
        seg_start = np.cumsum(k) - k
        gap_ms[seg_start] = (rng.uniform(0, 90, len(users)) * 1000).astype(np.int64)
        step = gap_ms + dur_ms
        csum = np.cumsum(step)
        base = np.repeat(csum[seg_start] - step[seg_start], k)
        accept = start[owner] + (csum - step - base) + gap_ms
        close = accept + dur_ms
        keep = close <= end[owner]
        order = np.argsort(accept[keep], kind="stable")
        return _Slots(
            worker=users[owner[keep]][order].astype(np.int32),
            accept=accept[keep][order],
            close=close[keep][order],
            outcome=outcome[keep][order],
        )

    # ---------------------------------------------------------------- allocation

    def _allocate(
        self, run: JobRun, sl: _Slots, free: np.ndarray, limit: int | None = None
    ) -> np.ndarray:
        """Give the current iteration the earliest free slots it may use (at most ``limit``
        submitted tasks); returns their indices."""
        n = len(sl.accept)
        i0 = int(np.searchsorted(sl.accept, run.t_avail, "left"))
        if i0 >= n or run.remaining <= 0:
            return np.zeros(0, dtype=np.int64)
        need = run.remaining if limit is None else min(run.remaining, limit)
        cap = len(run.plan.iterations[run.it].human)
        win = need + need // 3 + 64  # usually enough; doubled when not
        while True:
            i1 = min(n, i0 + win)
            cand = i0 + np.flatnonzero(free[i0:i1])
            w = sl.worker[cand]
            sub = sl.outcome[cand] == SUBMITTED
            # a worker may take at most one task per data object of the batch
            most = np.bincount(w[sub], minlength=len(run.counts)) + run.counts
            if len(w) and most.max() >= cap:
                order = np.argsort(w, kind="stable")
                ws = w[order]
                ss = sub[order].astype(np.int64)
                cs = np.cumsum(ss)
                first = np.r_[True, ws[1:] != ws[:-1]]
                grp = np.maximum.accumulate(np.where(first, np.arange(len(ws)), 0))
                before_sorted = cs - ss - (cs[grp] - ss[grp])
                before = np.empty_like(before_sorted)
                before[order] = before_sorted
                allowed = run.counts[w] + before < cap
                cand, sub = cand[allowed], sub[allowed]
            csub = np.cumsum(sub)
            got = int(csub[-1]) if len(csub) else 0
            if got >= need or i1 == n:
                break
            win *= 2
        if got >= need:
            last = int(np.searchsorted(csub, need, "left"))
            cand, sub = cand[: last + 1], sub[: last + 1]
        free[cand] = False
        run.counts += np.bincount(sl.worker[cand][sub], minlength=len(run.counts)).astype(np.int32)
        run.remaining -= int(sub.sum())
        if len(cand):
            run.it_closes.append(sl.close[cand][sub])
            run.it_max_close = max(run.it_max_close, int(sl.close[cand].max()))
        return cand

    def _step(
        self, run: JobRun, sl: _Slots, free: np.ndarray, taken: list, ended: list, limit=None
    ) -> bool:
        """One allocation for the run's current iteration; False when it cannot progress today."""
        if run.state != "running":
            return False
        if run.remaining > 0:
            if not len(sl.accept) or run.t_avail > int(sl.accept[-1]):
                return False
            idx = self._allocate(run, sl, free, limit)
            if len(idx):
                taken.append((run.plan.index, idx))
            if run.remaining > 0:
                return len(idx) > 0
        done = self._complete_iteration(run)
        ended.extend(done)
        if done:  # jobs waiting for this one may start the same day
            self._activate(self._day_end)
        return True

    def _work_team(self, team: int, sl: _Slots, taken: list, ended: list) -> None:
        """Hand the team's slots to its jobs: higher priority first; jobs of equal priority
        share them, a chunk of tasks at a time, so that they progress side by side."""
        free = np.ones(len(sl.accept), dtype=bool)
        visited: set[int] = set()
        while True:
            cands = [
                r for r in self.runs
                if r.plan.team == team and r.state == "running" and r.plan.index not in visited
            ]  # fmt: skip
            if not cands:
                return
            top = min(r.plan.priority for r in cands)
            group = [r for r in cands if r.plan.priority == top]
            if len(group) == 1:
                while self._step(group[0], sl, free, taken, ended):
                    pass
                visited.add(group[0].plan.index)
                continue
            active = group
            while active:
                active = [r for r in active if self._step(r, sl, free, taken, ended, SHARE_CHUNK)]
                for r in self.runs:  # a peer created meanwhile joins in
                    if (r.plan.team == team and r.plan.priority == top and r.state == "running"
                            and r.plan.index not in visited and r not in group):  # fmt: skip
                        group.append(r)
                        active.append(r)
            visited.update(r.plan.index for r in group)

    # ---------------------------------------------------------------- the day loop

    def days(self) -> Iterator[DayResult]:
        plan, wf = self.plan, self.wf
        max_days = plan.horizon_days
        first_day = int((plan.start_ms - plan.day0_ms) // DAY_MS)
        for day in range(first_day, max_days):
            day_start = plan.day0_ms + day * DAY_MS
            self._day_end = day_start + DAY_MS
            self._activate(self._day_end)
            rng = rng_for(self.seed, "day", day)
            weekday = ((day_start // DAY_MS) + 3) % 7  # 0 = Monday
            p = wf.p_weekend if weekday >= 5 else wf.p_weekday
            works_today = (rng.random(wf.size) < p) & (wf.active_from_ms < self._day_end)
            works_today &= wf.active_until_ms > day_start
            duty = np.array([self._on_duty(t, self._day_end) for t in range(len(wf.teams))])
            eligible = wf.membership & duty[None, :] & works_today[:, None]
            # one team per worker and day
            choice = np.where(
                eligible.any(axis=1),
                np.argmax(eligible * rng.random(eligible.shape), axis=1),
                -1,
            )
            parts: list[Tasks] = []
            ended: list[JobRun] = []
            for team in range(len(wf.teams)):
                users = np.flatnonzero(choice == team)
                if not duty[team] or len(users) == 0:
                    continue
                sl = self._slots(team, users, day_start, rng_for(self.seed, "slots", day, team))
                taken: list[tuple[int, np.ndarray]] = []
                self._work_team(team, sl, taken, ended)
                for job, idx in taken:
                    parts.append(
                        Tasks(
                            sl.worker[idx],
                            np.full(len(idx), job, np.int32),
                            sl.accept[idx],
                            sl.close[idx],
                            sl.outcome[idx],
                        )
                    )
            tasks = Tasks.concat(parts)
            if len(tasks):
                np.maximum.at(self.last_close, tasks.worker, tasks.close)
            anomalies = self._anomalies(day, tasks, final=self._finished())
            if len(tasks):
                self.as_of_ms = max(self.as_of_ms, int(tasks.close.max()))
            for r in ended:
                self.as_of_ms = max(self.as_of_ms, r.ended_ms)
            for a in anomalies:
                self.as_of_ms = max(self.as_of_ms, a.close)
            yield DayResult(day, day_start, tasks, ended, anomalies)
            if self._finished():
                rng_end = rng_for(self.seed, "as-of")
                self.as_of_ms += int(rng_end.uniform(2, 10) * MINUTE_MS)
                return
        stuck = [r.plan.name for r in self.runs if r.state != "ended"]
        raise RuntimeError(f"the simulation did not finish; jobs still open: {stuck}")

    def _finished(self) -> bool:
        return all(r.state == "ended" for r in self.runs)

    def _anomalies(self, day: int, tasks: Tasks, *, final: bool) -> list[Anomaly]:
        out: list[Anomaly] = []
        if not len(tasks):
            return out
        rel_day = day - (self.plan.start_ms - self.plan.day0_ms) / DAY_MS
        rng = rng_for(self.seed, "anomaly", day)
        while self.pending_anomalies and (final or self.pending_anomalies[0][1] <= rel_day):
            kind, _ = self.pending_anomalies.pop(0)
            jobs, counts = np.unique(tasks.job, return_counts=True)
            job = int(jobs[np.argmax(counts)])
            of_job = tasks.worker[tasks.job == job]
            ws, wc = np.unique(of_job, return_counts=True)
            worker = int(ws[np.argmax(wc)])
            accept = int(self.last_close[worker]) + int(rng.uniform(20, 60) * MINUTE_MS)
            close = accept + int(rng.uniform(30, 200) * 1000)
            self.last_close[worker] = close
            out.append(Anomaly(kind, worker, job, accept, close))
        return out
