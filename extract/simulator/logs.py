"""Worker-activity records in the two forms AWS hands them out: FilterLogEvents pages and
CreateExportTask gzip files.

Records wait in numeric form (numpy arrays) until the file they belong to is complete. Then they
are sorted and turned into text with one polars ``concat_str`` over gathered lookup tables:
the time fields are a date part (per day and layout), a time-of-day part (one of 86,400) and a
tail (" UTC 2026", "" or ".123"); the text around a record's closing time and its job comes
from a table per (outcome, record format, job). No Python loop runs per event.

A few records take the way of the anomalies (one at a time, a handful per simulation), for the
shapes real records have and the bulk tables do not (docs/data-quality.md):

- re-deliveries are the same CloudWatch event read again: the same eventId, timestamp and
  ingestion time in the page of a later, overlapping pull day, or the same line in a second,
  overlapping export task;
- two declines without acceptance by one worker on one job in the same millisecond: two
  distinct events with one message (one pair in the pages, one in the exports);
- time layouts beyond the three bulk ones: ISO with 1 or 9 fraction digits, ``+00:00`` and
  ``+0000`` offsets, a minute-only accepted time, Java dates in US zones (PDT/PST, EDT/EST), a
  JSON ``null`` and an absent time field;
- events of a type that is no task outcome (``TasksAccepted``, a documented Ground Truth
  metric name), staged by the warehouse and counted in no task figure.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pyarrow as pa

from extract.simulator import account
from extract.simulator.account import to_datetime
from extract.simulator.plan import DAY_MS, HOUR_MS, OperationPlan
from extract.simulator.scheduler import DECLINED, RETURNED, SUBMITTED, Anomaly, Tasks
from extract.simulator.seeding import digest_hex, opaque_token, rng_for, splitmix64, uuid4_like
from extract.simulator.workforce import Workforce

PAGE_SIZE = 10_000
LOG_ROOT = Path("logs/aws/sagemaker/groundtruth/WorkerActivity")
JAVA, ISO, ISO_MS = 0, 1, 2
EVENT_TYPES = {SUBMITTED: "TasksSubmitted", RETURNED: "TasksReturned", DECLINED: "TasksDeclined"}
_FAR = 1 << 62
_COLUMNS = (
    "ts",
    "ing",
    "seq",
    "w",
    "j",
    "acc",
    "out",
    "layout",
    "fmt2019",
    "blank",
    "pull",
    "copy",
)
# time layouts written one record at a time (module docstring), in the order they are used
EXTRA_LAYOUTS = (
    "iso_9_digits",
    "iso_1_digit",
    "iso_plus_00_00",
    "iso_plus_0000",
    "iso_minute_accepted",
    "java_los_angeles",
    "java_new_york",
    "json_null",
    "absent_field",
)
OTHER_EVENT_TYPE = "TasksAccepted"


@dataclass
class DeliveryCounts:
    events_written: int = 0
    tasks: int = 0
    duplicates: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    anomalies: dict[str, int] = field(
        default_factory=lambda: {
            "malformed_json": 0,
            "unparsable_timestamp": 0,
        }
    )
    other_event_types: dict[str, int] = field(default_factory=dict)
    extra_layouts: dict[str, int] = field(default_factory=dict)
    identical_pairs: int = 0
    pages: int = 0
    pull_days: int = 0
    export_files: int = 0
    export_tasks: set[str] = field(default_factory=set)


def _bytes_of(lines: pl.Series) -> list[memoryview]:
    """The UTF-8 bytes of all strings of a column, back to back, as a few buffers.

    A freshly built polars string column keeps long strings in row order in its data buffers;
    then those buffers are written as they are. Otherwise the column is converted (a copy).
    """
    if len(lines) == 0:
        return []
    arr = lines.to_arrow(compat_level=pl.CompatLevel.newest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type == pa.string_view() and arr.null_count == 0:
        views = np.frombuffer(arr.buffers()[1], dtype=np.uint32).reshape(-1, 4)
        views = views[arr.offset : arr.offset + len(arr)]
        length = views[:, 0].astype(np.int64)
        buffer = views[:, 2]
        offset = views[:, 3].astype(np.int64)
        same = buffer[1:] == buffer[:-1]
        follows = offset[1:] == offset[:-1] + length[:-1]
        if length.min() > 12 and np.all(np.where(same, follows, offset[1:] == 0)):
            starts = np.flatnonzero(np.r_[True, ~same])
            ends = np.r_[starts[1:], len(arr)] - 1
            data = arr.buffers()[2:]
            return [
                memoryview(data[int(buffer[a])])[int(offset[a]) : int(offset[b] + length[b])]
                for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
            ]
    arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    return [memoryview(arr.buffers()[2])[int(offsets[0]) : int(offsets[-1])]]


def _drop_tail(chunks: list[memoryview], n: int) -> list[memoryview]:
    """The same bytes without the last ``n``."""
    while n and chunks:
        last = chunks[-1]
        cut = min(n, len(last))
        chunks = [*chunks[:-1], last[: len(last) - cut]]
        n -= cut
    return chunks


@functools.cache
def _clock_table() -> pl.Series:
    """ "HH:MM:SS" for every second of a day, then ""."""
    t = pl.datetime_range(
        dt.datetime(2000, 1, 1), dt.datetime(2000, 1, 1, 23, 59, 59), "1s", eager=True
    )
    return pl.concat([t.dt.strftime("%H:%M:%S"), pl.Series([""])])


@functools.cache
def _millis_table() -> pl.Series:
    return pl.Series([f".{ms:03d}" for ms in range(1000)])


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


class _Text:
    """Lookup tables for the text of the records, raw (exports) or escaped (pages)."""

    def __init__(self, plan: OperationPlan, wf: Workforce, n_days: int, *, escaped: bool) -> None:
        def esc(s: str) -> str:
            return _escape(s) if escaped else s

        self.n_days = n_days
        days = [to_datetime(plan.day0_ms + d * DAY_MS) for d in range(n_days)]
        # time = DATE[layout, day] + CLOCK[second of day] + TAIL[...]; the last entry is ""
        self.date = pl.Series(
            [d.strftime("%a %b %d ") for d in days] + [d.strftime("%Y-%m-%dT") for d in days] + [""]
        )
        self.clock = _clock_table()
        self.tail = pl.concat(
            [pl.Series([d.strftime(" UTC %Y") for d in days] + [""]), _millis_table()]
        )
        pool = account.USER_POOL_ID
        self.worker = pl.Series(
            [
                esc(
                    json.dumps(
                        {"worker_id": wid, "cognito_user_pool_id": pool, "cognito_sub_id": sub},
                        separators=(",", ":"),
                    )[:-1]
                    + ',"task_accepted_time":"'
                )
                for wid, sub in zip(wf.worker_ids, wf.subs, strict=True)
            ]
        )
        # between the accepted time and the closing time, by (outcome)
        sub_k, ret_k, dec_k = (
            f'","task_{k}_time":"' for k in ("submitted", "returned", "declined")
        )
        self.before = pl.Series([esc(sub_k), esc(sub_k + ret_k), esc(sub_k + ret_k + dec_k)])
        # after the closing time, by (outcome, 2019 format, job): empty fields, job, event type
        after = {
            (SUBMITTED, False): ret_k + dec_k,
            (SUBMITTED, True): ret_k,
            (RETURNED, False): dec_k,
            (RETURNED, True): "",
            (DECLINED, False): "",
            (DECLINED, True): "",
        }
        rows = []
        for out in (SUBMITTED, RETURNED, DECLINED):
            for old in (False, True):
                for j in plan.jobs:
                    job = json.dumps(
                        {
                            "workteam_arn": wf.teams[j.team].arn,
                            "labeling_job_arn": account.labeling_job_arn(j.name),
                            "work_requester_account_id": account.ACCOUNT_ID,
                            "job_reference_code": j.reference_code,
                            "job_type": "Private",
                            "event_type": EVENT_TYPES[out],
                        },
                        separators=(",", ":"),
                    )[1:]
                    rows.append(esc(after[out, old] + '",' + job[:-1] + ',"event_timestamp":"'))
        self.after = pl.Series(rows)
        self.n_jobs = len(plan.jobs)
        self.end = esc('"}')

    def time_parts(
        self, ms: np.ndarray, layout: np.ndarray, day0_ms: int, blank: np.ndarray | None = None
    ) -> list[pl.Series]:
        """A time in the given layouts, as three columns; ``""`` where ``blank``."""
        day = (ms - day0_ms) // DAY_MS
        if len(day) and (day.min() < 0 or day.max() >= self.n_days):
            raise RuntimeError("a record's time is outside the simulated period")
        date = np.where(layout == JAVA, day, self.n_days + day)
        clock = (ms % DAY_MS) // 1000
        tail = np.where(
            layout == JAVA, day, np.where(layout == ISO, self.n_days, self.n_days + 1 + ms % 1000)
        )
        if blank is not None:
            date = np.where(blank, 2 * self.n_days, date)
            clock = np.where(blank, 86_400, clock)
            tail = np.where(blank, self.n_days, tail)
        return [self.date.gather(date), self.clock.gather(clock), self.tail.gather(tail)]

    def message(self, c: dict[str, np.ndarray], day0_ms: int) -> list[pl.Expr]:
        """The pieces of the record's JSON text, in order."""
        # a task declined without accepting it first has an empty accepted time
        acc = self.time_parts(c["acc"], c["layout"], day0_ms, blank=c["blank"])
        close = self.time_parts(c["ts"], c["layout"], day0_ms)
        out = c["out"].astype(np.int64)
        after = (out * 2 + c["fmt2019"]) * self.n_jobs + c["j"]
        return [
            pl.lit(self.worker.gather(c["w"])),
            *(pl.lit(s) for s in acc),
            pl.lit(self.before.gather(out)),
            *(pl.lit(s) for s in close),
            pl.lit(self.after.gather(after)),
            pl.lit(pl.Series(c["ts"] // 1000)).cast(pl.String),
            pl.lit(self.end),
        ]


class LogWriter:
    def __init__(
        self,
        out: Path,
        plan: OperationPlan,
        workforce: Workforce,
        *,
        log_format: str,
        n_days: int,
    ) -> None:
        self.root = out / LOG_ROOT
        self.plan = plan
        self.seed = plan.seed
        self.workforce = workforce
        self.counts = DeliveryCounts()
        self.seq = 0
        if log_format == "mixed":
            self.cutoff_ms = plan.day0_ms + max(1, -(-plan.days // 3)) * DAY_MS
        elif log_format == "json":
            self.cutoff_ms = -_FAR
        elif log_format == "export":
            self.cutoff_ms = _FAR
        else:
            raise ValueError(f"log_format={log_format!r}: expected 'mixed', 'json' or 'export'")
        self.next_pull_day_ms = max(plan.day0_ms, self.cutoff_ms)
        self.pending: dict[bool, list[dict[str, np.ndarray]]] = {True: [], False: []}
        self.odd: dict[bool, list[tuple[int, int, int, str]]] = {True: [], False: []}
        self.layouts_left = list(EXTRA_LAYOUTS)
        self.pairs_left = {True: 1, False: 1}  # one identical pair in the pages, one in exports
        self.id_salt = np.uint64(int(digest_hex(self.seed, "event-id", size=8), 16))
        self.text = {e: _Text(plan, workforce, n_days, escaped=e) for e in (False, True)}
        first_hour = plan.day0_ms // HOUR_MS
        self.first_hour = first_hour
        self.streams = pl.Series(
            [
                '{"logStreamName": "'
                + account.LOG_STREAM_PREFIX
                + str((first_hour + h) * 3600)
                + '", "timestamp": '
                for h in range(n_days * 24)
            ]
        )

    # ------------------------------------------------------------------ records

    def add(self, day: int, tasks: Tasks, anomalies: list[Anomaly]) -> None:
        rng = rng_for(self.seed, "delivery", day)
        if len(tasks):
            self._add_tasks(tasks, rng)
        if anomalies:
            self._add_anomalies(anomalies, rng)

    def _add_tasks(self, t: Tasks, rng: np.random.Generator) -> None:
        n = len(t)
        r = rng.random(n)
        layout = np.where(r < 0.78, JAVA, np.where(r < 0.90, ISO, ISO_MS)).astype(np.int8)
        fmt2019 = (rng.random(n) < 0.05) & (t.outcome != DECLINED)
        blank = (t.outcome == DECLINED) & (rng.random(n) < 0.6)
        lag = np.clip(rng.lognormal(np.log(1_200), 0.6, n), 80, 30_000).astype(np.int64)
        late = rng.random(n) < 0.002
        lag = np.where(late, rng.integers(HOUR_MS, 9 * HOUR_MS, n), lag)
        ing = t.close + lag
        # a re-delivery is the same event (same seq, so the same eventId; same times) read again
        # by a later pull (the next pull day), or exported again by an overlapping export task
        dup = np.flatnonzero(rng.random(n) < 0.003)
        later = (ing[dup] // DAY_MS + 1) * DAY_MS + rng.integers(0, HOUR_MS, len(dup))
        rows = np.concatenate([np.arange(n), dup])
        seq = self.seq + np.arange(n, dtype=np.int64)
        m = len(rows)
        cols = {
            "ts": t.close[rows],
            "ing": ing[rows],
            "seq": seq[rows],
            "w": t.worker[rows].astype(np.int64),
            "j": t.job[rows].astype(np.int64),
            "acc": t.accept[rows],
            "out": t.outcome[rows],
            "layout": layout[rows],
            "fmt2019": fmt2019[rows].astype(np.int64),
            "blank": blank[rows],
            "pull": np.concatenate([ing, later]),
            "copy": np.r_[np.zeros(n, bool), np.ones(len(dup), bool)],
        }
        self.seq += n
        cols = self._divert(cols, n, rng)
        self.counts.tasks += n
        self.counts.duplicates += len(dup)
        self.counts.events_written += m
        for code, name in EVENT_TYPES.items():
            count = int((t.outcome == code).sum())
            self.counts.by_type[name] = self.counts.by_type.get(name, 0) + count
        to_pages = cols["ts"] >= self.cutoff_ms
        for paged in (False, True):
            mask = to_pages if paged else ~to_pages
            if mask.all():
                self.pending[paged].append(cols)
            elif mask.any():
                self.pending[paged].append({k: v[mask] for k, v in cols.items()})

    def _divert(
        self, c: dict[str, np.ndarray], n: int, rng: np.random.Generator
    ) -> dict[str, np.ndarray]:
        """Take a record of the next extra layout out of the bulk, and add the identical pairs'
        second events (a handful per simulation)."""
        original = ~c["copy"]
        free = original & ~np.isin(c["seq"], c["seq"][c["copy"]])  # not re-delivered
        take: list[int] = []
        if self.layouts_left and n:
            ok = np.flatnonzero(free & ~c["blank"])  # with an accepted time
            if len(ok):
                i = int(ok[int(rng.integers(len(ok)))])
                kind = self.layouts_left.pop(0)
                self._odd_task(c, i, kind)
                self.counts.extra_layouts[kind] = self.counts.extra_layouts.get(kind, 0) + 1
                take.append(i)
                free[i] = False
        extra = []
        for paged in (True, False):
            ok = np.flatnonzero(free & c["blank"] & ((c["ts"] >= self.cutoff_ms) == paged))
            if self.pairs_left[paged] and len(ok):
                extra.append(int(ok[0]))
                self.pairs_left[paged] -= 1
        if not take and not extra:
            return c
        keep = np.ones(len(c["ts"]), bool)
        keep[take] = False
        out = {k: v[keep] for k, v in c.items()}
        if extra:
            # a second event: its own seq (so its own eventId), the same millisecond and message
            add = {k: c[k][extra] for k in _COLUMNS}
            add["seq"] = self.seq + np.arange(len(extra), dtype=np.int64)
            add["ing"] = add["ing"] + 1
            add["pull"] = add["ing"]
            out = {k: np.concatenate([out[k], add[k]]) for k in _COLUMNS}
            self.seq += len(extra)
            self.counts.tasks += len(extra)
            self.counts.events_written += len(extra)
            self.counts.identical_pairs += len(extra)
            self.counts.by_type["TasksDeclined"] = self.counts.by_type.get(
                "TasksDeclined", 0
            ) + len(extra)
        return out

    def _odd_task(self, c: dict[str, np.ndarray], i: int, kind: str) -> None:
        """One task outcome of the bulk, written in an extra layout (module docstring)."""
        wf, job = self.workforce, self.plan.jobs[int(c["j"][i])]
        w, out, acc, ts = int(c["w"][i]), int(c["out"][i]), int(c["acc"][i]), int(c["ts"][i])
        layouts = {
            "iso_9_digits": lambda ms: _iso(ms, f".{ms % 1000:03d}456789Z"),
            "iso_1_digit": lambda ms: _iso(ms, f".{ms % 1000 // 100}"),
            "iso_plus_00_00": lambda ms: _iso(ms, "+00:00"),
            "iso_plus_0000": lambda ms: _iso(ms, f".{ms % 1000:03d}+0000"),
            "java_los_angeles": lambda ms: _java_in(ms, "America/Los_Angeles"),
            "java_new_york": lambda ms: _java_in(ms, "America/New_York"),
        }
        fmt = layouts.get(kind, _java_time)
        closing = {SUBMITTED: "task_submitted_time", RETURNED: "task_returned_time",
                   DECLINED: "task_declined_time"}[out]  # fmt: skip
        rec: dict[str, object] = {
            "worker_id": wf.worker_ids[w],
            "cognito_user_pool_id": account.USER_POOL_ID,
            "cognito_sub_id": wf.subs[w],
            "task_accepted_time": fmt(acc),
            "task_submitted_time": "",
            "task_returned_time": "",
            "task_declined_time": "",
            "workteam_arn": wf.teams[job.team].arn,
            "labeling_job_arn": account.labeling_job_arn(job.name),
            "work_requester_account_id": account.ACCOUNT_ID,
            "job_reference_code": job.reference_code,
            "job_type": "Private",
            "event_type": EVENT_TYPES[out],
            "event_timestamp": str(ts // 1000),
        }
        rec[closing] = fmt(ts)
        empty = [k for k in ("task_submitted_time", "task_returned_time", "task_declined_time")
                 if k != closing]  # fmt: skip
        if kind == "iso_minute_accepted":
            rec["task_accepted_time"] = to_datetime(acc).strftime("%Y-%m-%dT%H:%M")
            rec[closing] = _iso(ts, "")
        elif kind == "json_null":
            rec.update(dict.fromkeys(empty))
        elif kind == "absent_field":
            for k in empty:
                del rec[k]
        message = json.dumps(rec, separators=(",", ":"))
        self.odd[ts >= self.cutoff_ms].append((ts, int(c["ing"][i]), int(c["seq"][i]), message))

    def _add_anomalies(self, anomalies: list[Anomaly], rng: np.random.Generator) -> None:
        """The odd records: written exactly as given, counted by kind."""
        wf = self.workforce
        for a in anomalies:
            job = self.plan.jobs[a.job]
            rec = {
                "worker_id": wf.worker_ids[a.worker],
                "cognito_user_pool_id": account.USER_POOL_ID,
                "cognito_sub_id": wf.subs[a.worker],
                "task_accepted_time": _java_time(a.accept),
                "task_submitted_time": _java_time(a.close),
                "task_returned_time": "",
                "task_declined_time": "",
                "workteam_arn": wf.teams[job.team].arn,
                "labeling_job_arn": account.labeling_job_arn(job.name),
                "work_requester_account_id": account.ACCOUNT_ID,
                "job_reference_code": job.reference_code,
                "job_type": "Private",
                "event_type": "TasksSubmitted",
                "event_timestamp": str(a.close // 1000),
            }
            at = a.close
            if a.kind == "unknown_event_type":
                # a type that closes no task: staged by the warehouse, in no task count
                at = a.accept
                rec["task_submitted_time"] = ""
                rec["event_type"] = OTHER_EVENT_TYPE
                rec["event_timestamp"] = str(a.accept // 1000)
                others = self.counts.other_event_types
                others[OTHER_EVENT_TYPE] = others.get(OTHER_EVENT_TYPE, 0) + 1
            elif a.kind == "unparsable_timestamp":
                rec["task_submitted_time"] = "not-a-date"
            message = json.dumps(rec, separators=(",", ":"))
            if a.kind == "malformed_json":
                message = message[: int(len(message) * 0.62)]  # cut off mid-record
            if a.kind in self.counts.anomalies:
                self.counts.anomalies[a.kind] += 1
            self.counts.events_written += 1
            ing = at + int(rng.integers(300, 4_000))
            self.odd[at >= self.cutoff_ms].append((at, ing, self.seq, message))
            self.seq += 1

    def _event_ids(self, ts: np.ndarray, seq: np.ndarray) -> list[pl.Expr]:
        """56 digits: 3, the timestamp (13), a hash (19), 0000 and the sequence number (19)."""
        rnd = splitmix64(seq.astype(np.uint64) ^ self.id_salt) % np.uint64(9 * 10**18)
        return [
            pl.lit(pl.Series(ts)).cast(pl.String),
            pl.lit(pl.Series(rnd + np.uint64(10**18))).cast(pl.String),
            pl.lit("0000"),
            pl.lit(pl.Series(seq + 10**18)).cast(pl.String),
        ]

    def _page_lines(self, c: dict[str, np.ndarray]) -> pl.Series:
        ts_s = pl.lit(pl.Series(c["ts"])).cast(pl.String)
        pieces = [
            pl.lit(self.streams.gather(c["ts"] // HOUR_MS - self.first_hour)),
            ts_s,
            pl.lit(', "message": "'),
            *self.text[True].message(c, self.plan.day0_ms),
            pl.lit('", "ingestionTime": '),
            pl.lit(pl.Series(c["ing"])).cast(pl.String),
            pl.lit(', "eventId": "3'),
            *self._event_ids(c["ts"], c["seq"]),
            pl.lit('"},\n'),
        ]
        return pl.select(pl.concat_str(pieces)).to_series()

    def _export_lines(self, c: dict[str, np.ndarray]) -> pl.Series:
        iso = np.full(len(c["ts"]), ISO_MS, dtype=np.int8)
        pieces = [
            *(pl.lit(s) for s in self.text[False].time_parts(c["ts"], iso, self.plan.day0_ms)),
            pl.lit("Z "),
            *self.text[False].message(c, self.plan.day0_ms),
            pl.lit("\n"),
        ]
        return pl.select(pl.concat_str(pieces)).to_series()

    def _odd_lines(self, paged: bool, lo: int, hi: int, key: str) -> pl.DataFrame | None:
        """Anomalies whose ingestion day (pages) or hour (exports) is in [lo, hi)."""
        rows = []
        keep = []
        for ts, ing, seq, message in self.odd[paged]:
            k = ing if key == "ing" else ts
            if not lo <= k < hi:
                keep.append((ts, ing, seq, message))
                continue
            if paged:
                rnd = int(splitmix64(np.array([seq], np.uint64) ^ self.id_salt)[0] % (9 * 10**18))
                envelope = {
                    "logStreamName": account.LOG_STREAM_PREFIX + str(ts // HOUR_MS * 3600),
                    "timestamp": ts,
                    "message": message,
                    "ingestionTime": ing,
                    "eventId": f"3{ts:013d}{rnd + 10**18}0000{seq + 10**18}",
                }
                line = json.dumps(envelope) + ",\n"
            else:
                line = f"{_iso_z(ts)} {message}\n"
            rows.append({"ts": ts, "ing": ing, "seq": seq, "line": line})
        self.odd[paged] = keep
        return pl.DataFrame(rows) if rows else None

    # ------------------------------------------------------------------ files

    def _take(self, paged: bool, key: str, before: int) -> dict[str, np.ndarray]:
        """Pending records with ``key < before``, sorted for writing; the rest stay pending."""
        parts = self.pending[paged]
        if not parts:
            return {k: np.zeros(0, bool if k == "copy" else np.int64) for k in _COLUMNS}
        c = (
            {k: np.concatenate([p[k] for p in parts]) for k in _COLUMNS}
            if len(parts) > 1
            else parts[0]
        )
        ready = c[key] < before
        rest = {k: v[~ready] for k, v in c.items()}
        self.pending[paged] = [rest] if len(rest["ts"]) else []
        c = {k: v[ready] for k, v in c.items()}
        group = c[key] // (DAY_MS if paged else HOUR_MS)
        if paged:
            order = np.lexsort((c["seq"], c["ing"], c["ts"], group))
        else:
            order = np.lexsort((c["seq"], c["ts"], group))
        return {k: v[order] for k, v in c.items()}

    def flush(self, upto_ms: int) -> None:
        """Write every pull day that ends by ``upto_ms`` and every export hour before it.

        Callers guarantee that no record with an earlier timestamp (exports) or ingestion time
        (pages) is added later.
        """
        self._flush_pages(upto_ms)
        self._flush_exports(upto_ms)

    def _flush_pages(self, upto_ms: int) -> None:
        if self.cutoff_ms >= _FAR:
            return
        last_day_end = upto_ms - upto_ms % DAY_MS
        if last_day_end <= self.next_pull_day_ms:
            return
        c = self._take(True, "pull", last_day_end)
        day_of = c["pull"] // DAY_MS * DAY_MS
        day = self.next_pull_day_ms
        while day < last_day_end:
            lo, hi = np.searchsorted(day_of, [day, day + DAY_MS])
            lines = self._page_lines({k: v[lo:hi] for k, v in c.items()}) if hi > lo else None
            odd = self._odd_lines(True, day, day + DAY_MS, "ing")
            if odd is not None:
                lines = _merge(lines, {k: c[k][lo:hi] for k in ("ts", "ing", "seq")}, odd)
            self._write_day(day, lines)
            day += DAY_MS
        self.next_pull_day_ms = day

    def _write_day(self, day_ms: int, lines: pl.Series | None) -> None:
        folder = self.root / "filter-log-events" / account.day_label(day_ms)
        folder.mkdir(parents=True, exist_ok=True)
        n = 0 if lines is None else len(lines)
        n_pages = max(1, -(-n // PAGE_SIZE))
        for p in range(n_pages):
            with open(folder / f"page-{p + 1:06d}.json", "wb") as f:
                f.write(b'{"events": [\n')
                if n:
                    # no separator after the page's last event
                    for chunk in _drop_tail(_bytes_of(lines.slice(p * PAGE_SIZE, PAGE_SIZE)), 2):
                        f.write(chunk)
                    f.write(b"\n")
                f.write(b'], "searchedLogStreams": []')
                if p < n_pages - 1:
                    token = opaque_token(self.seed, "filter-log-events", day_ms, p)
                    f.write(b', "nextToken": "' + token.encode() + b'"')
                f.write(b"}\n")
            self.counts.pages += 1
        self.counts.pull_days += 1

    def _flush_exports(self, upto_ms: int) -> None:
        boundary = upto_ms - upto_ms % HOUR_MS
        c = self._take(False, "ts", boundary)
        odd = self._odd_lines(False, -_FAR, boundary, "ts")
        for again in (False, True):
            # re-delivered lines go to their own, overlapping export task
            part = {k: v[c["copy"] == again] for k, v in c.items()} if c["copy"].any() else c
            if again and part is c:
                break
            part_odd = None if again else odd
            if not len(part["ts"]) and part_odd is None:
                continue
            lines = self._export_lines(part) if len(part["ts"]) else None
            ts = part["ts"]
            if part_odd is not None:
                lines = _merge(
                    lines, {k: part[k] for k in ("ts", "seq")}, part_odd, by=("ts", "seq")
                )
                ts = np.sort(np.concatenate([ts, part_odd["ts"].to_numpy()]))
            self._write_exports(ts, lines, overlapping=again)

    def _write_exports(self, ts: np.ndarray, lines: pl.Series, *, overlapping: bool) -> None:
        hours = ts // HOUR_MS
        starts = np.flatnonzero(np.r_[True, hours[1:] != hours[:-1]])
        ends = np.r_[starts[1:], len(hours)]
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            hour = int(hours[a])
            stream = account.LOG_STREAM_PREFIX + str(hour * 3600)
            task = self._export_task(hour * HOUR_MS, overlapping=overlapping)
            folder = self.root / "exports" / task / stream
            folder.mkdir(parents=True, exist_ok=True)
            comp = zlib.compressobj(1, zlib.DEFLATED, 31)
            payload = [comp.compress(chunk) for chunk in _bytes_of(lines.slice(a, b - a))]
            (folder / "000000.gz").write_bytes(b"".join(payload) + comp.flush())
            self.counts.export_files += 1

    def _export_task(self, ts_ms: int, *, overlapping: bool = False) -> str:
        week = (ts_ms - self.plan.day0_ms) // (7 * DAY_MS)
        task = uuid4_like(
            self.seed, "export-task-again" if overlapping else "export-task", int(week)
        )
        self.counts.export_tasks.add(task)
        return task

    def close(self, as_of_ms: int) -> None:
        """Write everything left; pull days run through the day of ``as_of_ms``."""
        last = as_of_ms
        for c in self.pending[True]:
            last = max(last, int(c["pull"].max()))
        for _, ing, _, _ in self.odd[True]:
            last = max(last, ing)
        self._flush_pages(last - last % DAY_MS + DAY_MS)
        self._flush_exports(_FAR)


def _merge(
    lines: pl.Series | None,
    keys: dict[str, np.ndarray],
    odd: pl.DataFrame,
    by: tuple[str, ...] = ("ts", "ing", "seq"),
) -> pl.Series:
    """Put the anomalies' lines among the bulk lines, in file order."""
    bulk = pl.DataFrame({k: keys[k] for k in by})
    if lines is not None:
        bulk = bulk.with_columns(line=lines)
    else:
        bulk = bulk.with_columns(line=pl.lit("", dtype=pl.String)).head(0)
    both = pl.concat([bulk, odd.select(*by, "line")], how="vertical_relaxed")
    return both.sort(list(by))["line"]


def _java_time(ms: int) -> str:
    return to_datetime(ms).strftime("%a %b %d %H:%M:%S UTC %Y")


def _iso(ms: int, tail: str) -> str:
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S") + tail


def _java_in(ms: int, zone: str) -> str:
    """Java Date.toString() in a JVM whose default zone is ``zone`` (PDT/PST, EDT/EST, ...)."""
    return to_datetime(ms).astimezone(ZoneInfo(zone)).strftime("%a %b %d %H:%M:%S %Z %Y")


def _iso_z(ms: int) -> str:
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
