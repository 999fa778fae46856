"""What the pipeline is measured against.

* **floor**: DuckDB alone reading the same raw worker-activity files into typed Parquet, nothing
  else: the envelope, the record's 14 fields, its four times parsed (Java ``Date.toString()`` or
  ISO-8601) and the event times as timestamps. No lineage, no quarantine, no de-duplication.
* **peer**: what a user would write from AWS's blog posts: ``json.loads`` per event into a list
  of dicts, a pandas DataFrame, ``pd.to_datetime`` on the times, ``to_parquet``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

FIELDS = [
    "worker_id",
    "cognito_user_pool_id",
    "cognito_sub_id",
    "task_accepted_time",
    "task_submitted_time",
    "task_returned_time",
    "task_declined_time",
    "workteam_arn",
    "labeling_job_arn",
    "work_requester_account_id",
    "job_reference_code",
    "job_type",
    "event_type",
    "event_timestamp",
]
TIME_FIELDS = [f for f in FIELDS if f.endswith("_time")]
JAVA_LAYOUT = "%a %b %d %H:%M:%S UTC %Y"
ISO_LAYOUTS = [
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%a %b %d %H:%M:%S GMT %Y",
]
ENVELOPE = (
    '{"events":[{"eventId":"VARCHAR","logStreamName":"VARCHAR","timestamp":"BIGINT",'
    '"ingestionTime":"BIGINT","message":"VARCHAR"}]}'
)
RECORD = "{" + ",".join(f'"{f}":"VARCHAR"' for f in FIELDS) + "}"
BATCH_BYTES = 128 * 1024 * 1024


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _typed() -> str:
    def worker_time(col: str) -> str:
        iso = ", ".join(f"'{f}'" for f in ISO_LAYOUTS)
        return (
            f"coalesce(try_strptime(nullif(r.{col}, ''), '{JAVA_LAYOUT}'), "
            f"try_strptime(nullif(r.{col}, ''), [{iso}]))"
        )

    plain = [f"r.{f} AS {f}" for f in FIELDS if f not in TIME_FIELDS and f != "event_timestamp"]
    times = [f"{worker_time(f)} AS {f.removesuffix('_time')}_at" for f in TIME_FIELDS]
    return ", ".join(
        [
            *plain,
            *times,
            "make_timestamp(try_cast(r.event_timestamp AS BIGINT) * 1000000) AS event_timestamp_at",
        ]
    )


def _batches(files: list[Path], limit: int) -> list[list[Path]]:
    out: list[list[Path]] = []
    size = 0
    for f in files:
        n = f.stat().st_size
        if not out or size + n > limit:
            out.append([])
            size = 0
        out[-1].append(f)
        size += n
    return out


def floor(
    pages: list[Path],
    exports: list[Path],
    out: Path,
    *,
    memory_limit: str = "1GB",
    threads: int = 2,
) -> int:
    """Raw event files -> typed Parquet files in ``out``; returns the number of events."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={"memory_limit": memory_limit, "threads": threads, "preserve_insertion_order": False}
    )
    con.execute("SET TimeZone = 'UTC'")
    typed = _typed()
    rows = 0
    for i, batch in enumerate(_batches(pages, BATCH_BYTES)):
        # The page's events are parsed once and kept (MATERIALIZED): unnesting straight from
        # the parse would parse the page again for every vector of events.
        rows += con.execute(f"""
            COPY (
                WITH events AS MATERIALIZED (
                    SELECT unnest(from_json(content, '{ENVELOPE}').events, recursive := true)
                    FROM read_text({_sql_list(batch)})
                )
                SELECT "eventId" AS event_id, "logStreamName" AS log_stream_name,
                       make_timestamp("timestamp" * 1000) AS event_at,
                       make_timestamp("ingestionTime" * 1000) AS ingested_at, {typed}
                FROM (SELECT *, try(from_json(message, '{RECORD}')) AS r FROM events)
            ) TO '{out}/pages-{i:05d}.parquet' (FORMAT parquet, COMPRESSION zstd)
        """).fetchone()[0]
    for i, batch in enumerate(_batches(exports, 8 * BATCH_BYTES)):
        rows += con.execute(f"""
            COPY (
                SELECT try_strptime(line[:sp - 1], '%Y-%m-%dT%H:%M:%S.%fZ') AS event_at, {typed}
                FROM (
                    SELECT line, sp, try(from_json(line[sp + 1:], '{RECORD}')) AS r
                    FROM (SELECT line, strpos(line, ' ') AS sp
                          FROM read_csv({_sql_list(batch)}, columns = {{'line': 'VARCHAR'}},
                                        header = false, delim = '\x01', quote = '', escape = '',
                                        compression = 'gzip', auto_detect = false))
                    WHERE line IS NOT NULL
                )
            ) TO '{out}/export-{i:05d}.parquet' (FORMAT parquet, COMPRESSION zstd)
        """).fetchone()[0]
    con.close()
    return rows


def peer_files(pages: list[Path], exports: list[Path], events: int, total: int) -> list[Path]:
    """About ``events`` events' worth of files, both forms in the mirror's proportions."""
    files = sorted([*pages, *exports])
    if events >= total:
        return files
    step = max(1, round(total / events))
    # every step-th file first, the others after, in case those hold fewer events
    return files[::step] + [f for i, f in enumerate(files) if i % step]


def peer(files: list[Path], out: Path, limit: int) -> int:
    """The blog approach, on at most ``limit`` events of ``files``."""
    import pandas as pd

    records: list[dict] = []
    for f in files:
        if len(records) >= limit:
            break
        if f.suffix == ".gz":
            with gzip.open(f, "rt") as fh:
                for line in fh:
                    stamp, _, message = line.rstrip("\n").partition(" ")
                    try:
                        record = json.loads(message)
                    except json.JSONDecodeError:
                        continue
                    record["event_time"] = stamp
                    records.append(record)
        else:
            for event in json.loads(f.read_text()).get("events", []):
                try:
                    record = json.loads(event["message"])
                except (json.JSONDecodeError, TypeError):
                    continue
                record["event_time"] = event.get("timestamp")
                record["event_id"] = event.get("eventId")
                records.append(record)
    records = records[:limit]
    df = pd.DataFrame.from_records(records)
    for col in TIME_FIELDS:
        java = pd.to_datetime(df[col], format=JAVA_LAYOUT, errors="coerce")
        iso = pd.to_datetime(df[col], format="ISO8601", errors="coerce", utc=True)
        df[col] = java.fillna(iso.dt.tz_localize(None))
    df["event_timestamp"] = pd.to_datetime(
        pd.to_numeric(df["event_timestamp"], errors="coerce"), unit="s"
    )
    stamps = df["event_time"]
    numeric = pd.to_numeric(stamps, errors="coerce")
    df["event_time"] = pd.to_datetime(numeric, unit="ms").fillna(
        pd.to_datetime(
            stamps.where(numeric.isna()), format="ISO8601", errors="coerce", utc=True
        ).dt.tz_localize(None)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(out)
    return len(df)
