"""The benchmark's data: the simulated mirror, the 1% that arrives later, the floor and the peer.

The simulator writes the whole operation once (``source/``). The mirror of the first run
(``mirror/``) is that folder as hard links, minus what arrives later:

* **new**: the FilterLogEvents pages of the latest pull days (about 0.7% of the events);
* **late**: part of the events of a few pages from the days just before (within CloudWatch's
  14 days), held back and delivered afterwards as a CloudWatch Logs export file of an old
  period (about 0.15%);
* **re-delivered**: copies of events the first run already landed, as a new FilterLogEvents
  page (an overlapping pull, same eventIds) and a new export file (about 0.15%);
* the S3 consolidation responses Ground Truth wrote on the held-back days.

So both raw forms arrive in the increment, and the first run sees both forms too.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

LOG_GROUP = Path("logs/aws/sagemaker/groundtruth/WorkerActivity")
PAGES = LOG_GROUP / "filter-log-events"
EXPORTS = LOG_GROUP / "exports"
EXPORT_STREAMS = "aws/sagemaker/groundtruth/worker-activity"
BENCH_MARKER = "_bench.json"
NEW_SHARE, LATE_SHARE, REDELIVERED_SHARE = 0.007, 0.0015, 0.0015
LATE_WINDOW_DAYS = 14
KNOWN_EVENT_TYPES = {"TasksSubmitted", "TasksReturned", "TasksDeclined"}
_JAVA = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} (UTC|GMT) \d{4}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z?$")


def ensure_simulation(
    source: Path, *, events: int, seed: int, log_format: str, labeling_output: str
) -> dict:
    """Simulate into ``source`` unless it already holds exactly this simulation."""
    wanted = {
        "events": events,
        "seed": seed,
        "log_format": log_format,
        "labeling_output": labeling_output,
    }
    marker = source / BENCH_MARKER
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return json.loads((source / "_simulation.json").read_text())
    from extract.simulator import simulate

    if source.exists() and not (source / "_simulation.json").exists():
        shutil.rmtree(source)
    simulate(
        source, seed=seed, events=events, log_format=log_format, labeling_output=labeling_output
    )
    marker.write_text(json.dumps(wanted))
    return json.loads((source / "_simulation.json").read_text())


def _page_events(path: Path) -> list[dict]:
    return json.loads(path.read_text()).get("events") or []


def _write_page(path: Path, events: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = ",\n".join(json.dumps(e) for e in events)
    path.write_text('{"events": [\n' + body + '\n], "searchedLogStreams": []}\n')


def _iso_ms(ms: int) -> str:
    t = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _write_export(root: Path, events: list[dict]) -> list[str]:
    """Events as a CreateExportTask output under ``root`` (one gzip file per stream)."""
    by_stream: dict[str, list[dict]] = {}
    for e in events:
        stream = e["logStreamName"].removeprefix(EXPORT_STREAMS + "/")
        by_stream.setdefault(stream, []).append(e)
    written = []
    for stream, items in sorted(by_stream.items()):
        path = root / EXPORT_STREAMS / stream / "000000.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        items.sort(key=lambda e: e["timestamp"])
        text = "".join(f"{_iso_ms(e['timestamp'])} {e['message']}\n" for e in items)
        path.write_bytes(gzip.compress(text.encode(), compresslevel=6, mtime=0))
        written.append(str(path))
    return written


def _clean(message: str | None) -> bool:
    """A record staging stages (not an injected anomaly): so each copy is a re-delivery."""
    try:
        r = json.loads(message or "")
    except json.JSONDecodeError:
        return False
    if not isinstance(r, dict) or r.get("event_type") not in KNOWN_EVENT_TYPES:
        return False
    times = [
        r.get(k)
        for k in (
            "task_accepted_time",
            "task_submitted_time",
            "task_returned_time",
            "task_declined_time",
        )
    ]
    return all(t == "" or t is None or _JAVA.match(t) or _ISO.match(t) for t in times)


@dataclass
class Increment:
    """What the first run does not see, and what was added for the incremental run."""

    held_back_pages: list[str] = field(default_factory=list)  # relative to source/mirror
    held_back_s3: list[str] = field(default_factory=list)  # labeling output of those days
    split_pages: dict[str, int] = field(default_factory=dict)  # page -> events kept
    first_run_events: int = 0
    new_events: int = 0
    late_events: int = 0
    redelivered_events: int = 0
    added_files: list[str] = field(default_factory=list)

    @property
    def increment_events(self) -> int:
        return self.new_events + self.late_events + self.redelivered_events

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["held_back_pages"] = len(self.held_back_pages)
        doc["held_back_s3"] = len(self.held_back_s3)
        doc["added_files"] = len(self.added_files)
        return doc


def _link_tree(source: Path, mirror: Path, skip: set[str]) -> None:
    for dirpath, _, files in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        for name in files:
            relpath = (rel / name).as_posix()
            if relpath in skip or (rel == Path(".") and name.startswith("_")):
                continue
            target = mirror / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(Path(dirpath) / name, target)


def build_mirror(source: Path, mirror: Path, total_events: int) -> Increment:
    """The first run's mirror (hard links into ``source``), holding back the increment."""
    if mirror.exists():
        shutil.rmtree(mirror)
    inc = Increment()
    days = sorted((p for p in (source / PAGES).iterdir() if p.is_dir()), reverse=True)
    # new: whole pull days from the latest backwards
    boundary = None
    for day in days:
        if inc.new_events >= NEW_SHARE * total_events:
            break
        for page in sorted(day.glob("*.json")):
            inc.held_back_pages.append(page.relative_to(source).as_posix())
            inc.new_events += len(_page_events(page))
        boundary = day
    # late: half of the events of pages a few days before the held-back days
    late_days = [d for d in days if boundary is not None and d.name < boundary.name]
    late_days = late_days[2 : LATE_WINDOW_DAYS - 2]
    late: list[dict] = []
    for day in late_days:
        for page in sorted(day.glob("*.json")):
            if len(late) >= LATE_SHARE * total_events:
                break
            events = _page_events(page)
            if len(events) < 10:
                continue
            cut = len(events) // 2
            take = min(len(events) - cut, int(LATE_SHARE * total_events) - len(late) + 1)
            late.extend(events[cut : cut + take])
            kept = events[:cut] + events[cut + take :]
            inc.split_pages[page.relative_to(source).as_posix()] = len(kept)
    inc.late_events = len(late)
    # the labeling output Ground Truth wrote on the held-back days arrives with them
    if boundary is not None and (source / "s3").is_dir():
        inc.held_back_s3 = sorted(
            p.relative_to(source).as_posix()
            for p in (source / "s3").rglob("*.json")
            if "/consolidation-response/" in p.as_posix() and p.name[:10] >= boundary.name
        )
    _link_tree(
        source, mirror, set(inc.held_back_pages) | set(inc.split_pages) | set(inc.held_back_s3)
    )
    for rel, _ in inc.split_pages.items():
        events = _page_events(source / rel)
        cut = len(events) // 2
        taken = len(events) - inc.split_pages[rel]
        _write_page(mirror / rel, events[:cut] + events[cut + taken :])
    inc.first_run_events = total_events - inc.new_events - inc.late_events
    (mirror.parent / "late-events.json").write_text(json.dumps(late))
    return inc


def apply_increment(source: Path, mirror: Path, inc: Increment, total_events: int) -> Increment:
    """Deliver the held-back pages, the late export and the re-deliveries into ``mirror``."""
    for rel in [*inc.held_back_pages, *inc.held_back_s3]:
        target = mirror / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source / rel, target)
        inc.added_files.append(rel)
    late = json.loads((mirror.parent / "late-events.json").read_text())
    task = uuid.UUID(int=0xB0C4 << 64 | len(late))
    inc.added_files += _write_export(mirror / EXPORTS / str(task), late)
    # re-delivered: every k-th clean event of pages the first run landed, as a new page ...
    want = int(REDELIVERED_SHARE * total_events)
    landed_days = sorted(p for p in (mirror / PAGES).iterdir() if p.is_dir())
    held = {Path(r).parent.name for r in inc.held_back_pages}
    landed_days = [d for d in landed_days if d.name not in held]
    copies: list[dict] = []
    step = max(1, len(landed_days) // 8)
    for day in landed_days[::step]:
        page = next(iter(sorted(day.glob("*.json"))), None)
        if page is None or page.relative_to(mirror).as_posix() in inc.split_pages:
            continue
        events = [e for e in _page_events(page) if _clean(e.get("message"))]
        copies.extend(events[:: max(1, len(events) // max(1, want // 10))][: want // 8 + 1])
        if len(copies) >= want * 2 // 3:
            break
    if copies:
        rel = (PAGES / f"{landed_days[-1].name}-redelivered" / "page-000001.json").as_posix()
        _write_page(mirror / rel, copies)
        inc.added_files.append(rel)
    # ... and lines of an export file the first run landed, again, as another export task
    exports = sorted((mirror / EXPORTS).rglob("*.gz"))
    export_copies: list[dict] = []
    for path in exports[len(exports) // 3 :: max(1, len(exports) // 20)]:
        # exports/<task>/aws/sagemaker/groundtruth/worker-activity/<stream...>/000000.gz
        stream = "/".join(path.relative_to(mirror / EXPORTS).parts[5:-1])
        for line in gzip.decompress(path.read_bytes()).decode().splitlines():
            ts, _, message = line.partition(" ")
            if _clean(message):
                ms = int(
                    dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ")
                    .replace(tzinfo=dt.UTC)
                    .timestamp()
                    * 1000
                )
                export_copies.append(
                    {
                        "logStreamName": f"{EXPORT_STREAMS}/{stream}",
                        "timestamp": ms,
                        "message": message,
                    }
                )
        if len(export_copies) + len(copies) >= want:
            break
    export_copies = export_copies[: max(0, want - len(copies))]
    task = uuid.UUID(int=0xC0C4 << 64 | len(export_copies))
    inc.added_files += _write_export(mirror / EXPORTS / str(task), export_copies)
    inc.redelivered_events = len(copies) + len(export_copies)
    return inc


def event_files(mirror: Path) -> tuple[list[Path], list[Path]]:
    """The worker-activity files of a mirror: (FilterLogEvents pages, export files)."""
    root = mirror / LOG_GROUP
    pages = sorted(p for p in root.rglob("*.json") if p.is_file())
    exports = sorted(p for p in root.rglob("*.gz") if p.is_file())
    return pages, exports
