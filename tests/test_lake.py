"""The lake: lossless landing, idempotent re-runs, and crash safety at every commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from extract.lake import Lake
from extract.sources.mirror import extract_mirror
from tests.awsfiles import event, export_line, record, t, write_export, write_page


def _lake_rows(settings, resource: str, columns: str = "*") -> list[tuple]:
    return duckdb.sql(
        f"select {columns} from read_parquet('{settings.lake_dir}/{resource}/*.parquet') order by all"
    ).fetchall()


def _pages(mirror: Path, n_pages: int, per_page: int) -> list[dict]:
    events = []
    for p in range(n_pages):
        batch = [
            event(record(accepted=t(9, p, s), closed=t(9, p, s + 1)), at=t(9, p, s + 1))
            for s in range(per_page)
        ]
        write_page(mirror, f"2026-10-01/page-{p + 1:06d}.json", batch)
        events += batch
    return events


def test_every_envelope_field_and_unknown_keys_are_kept(settings, mirror):
    events = _pages(mirror, 2, 3)
    events[0]["futureField"] = {"nested": [1, 2]}
    write_page(mirror, "2026-10-01/page-000001.json", events[:3])
    extract_mirror(settings, mirror)
    rows = _lake_rows(
        settings,
        "worker_activity",
        '"eventId", "logStreamName", "timestamp", "ingestionTime", message, event_extra',
    )
    rebuilt = [
        {
            "eventId": r[0],
            "logStreamName": r[1],
            "timestamp": r[2],
            "ingestionTime": r[3],
            "message": r[4],
            **(json.loads(r[5]) if r[5] else {}),
        }
        for r in rows
    ]
    got = sorted(json.dumps(e, sort_keys=True) for e in rebuilt)
    assert got == sorted(json.dumps(e, sort_keys=True) for e in events)


def test_export_lines_are_recoverable_exactly(settings, mirror):
    lines = [
        export_line(record(accepted=t(8), closed=t(8, 1)), t(8, 1)),
        export_line('{"not": "a worker record"}', t(8, 2)),
        "2026-10-01T08:05:00.000Z",
        'no-timestamp-at-all {"x": 1}',
    ]
    write_export(
        mirror,
        "task-1",
        "aws/sagemaker/groundtruth/worker-activity/123456789012-us-east-1/s1",
        lines,
    )
    extract_mirror(settings, mirror)
    rows = _lake_rows(settings, "worker_activity", 'export_line_prefix, message, "logStreamName"')
    rebuilt = sorted(p if m is None else f"{p} {m}" for p, m, _ in rows)
    assert rebuilt == sorted(lines)
    assert {r[2] for r in rows} == {
        "aws/sagemaker/groundtruth/worker-activity/123456789012-us-east-1/s1"
    }


def test_a_second_run_over_the_same_files_adds_nothing(settings, mirror):
    _pages(mirror, 3, 4)
    first = extract_mirror(settings, mirror)
    second = extract_mirror(settings, mirror)
    assert first.rows_by_resource()["worker_activity"] == 12
    assert second.rows_by_resource()["worker_activity"] == 0
    assert len(_lake_rows(settings, "worker_activity")) == 12


def test_a_run_with_nothing_new_rewrites_no_ledger(settings, mirror):
    """Unchanged ledgers are left in place (same inode: a rewrite renames a new file over it);
    a run that lands something replaces the ledger of what it landed."""
    _pages(mirror, 2, 3)
    extract_mirror(settings, mirror)
    ledgers = sorted((settings.lake_dir / "_state").glob("*.json"))
    assert ledgers
    before = {p.name: (os.stat(p).st_ino, p.read_text()) for p in ledgers}
    extract_mirror(settings, mirror)
    assert {p.name: (os.stat(p).st_ino, p.read_text()) for p in ledgers} == before
    _pages(mirror, 3, 3)
    extract_mirror(settings, mirror)
    changed = {p.name for p in ledgers if os.stat(p).st_ino != before[p.name][0]}
    assert "worker_activity.json" in changed
    assert json.loads((settings.lake_dir / "_state" / "worker_activity.json").read_text()) != (
        json.loads(before["worker_activity.json"][1])
    )


def test_new_and_changed_files_land_on_the_next_run(settings, mirror):
    _pages(mirror, 2, 2)
    extract_mirror(settings, mirror)
    write_page(
        mirror,
        "2026-10-02/page-000001.json",
        [event(record(accepted=t(9, day=2), closed=t(10, day=2)), at=t(10, day=2))],
    )
    report = extract_mirror(settings, mirror)
    assert report.rows_by_resource()["worker_activity"] == 1
    assert len(_lake_rows(settings, "worker_activity")) == 5


def test_a_run_killed_after_writing_data_but_before_the_ledger_is_repaired(
    settings, mirror, tmp_path
):
    _pages(mirror, 6, 5)
    code = (
        "import sys; from pathlib import Path; from extract.settings import Settings;"
        "from extract.sources.mirror import extract_mirror;"
        f"extract_mirror(Settings.from_env(data_dir={str(settings.data_dir)!r}), Path({str(mirror)!r}))"
    )
    env = {**os.environ, "GTWH_CRASH_AT": "after_data_file:1"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).parent.parent)
    assert proc.returncode == -9  # SIGKILL, as a crash
    leftovers = [p for p in (settings.lake_dir / "worker_activity").glob("part-*.parquet")]
    assert len(leftovers) == 1  # the data file exists, but the ledger never recorded it
    assert Lake(settings.lake_dir).ledger("worker_activity").files == {}
    extract_mirror(settings, mirror)
    rows = _lake_rows(settings, "worker_activity", '"eventId"')
    assert len(rows) == 30 and len(set(rows)) == 30


def test_row_groups_of_long_lines_stay_small_enough_to_read_in_little_memory(tmp_path):
    """At 10M events a 122,880-row group of 1.5 KB manifest lines was an 82 MB column chunk that
    DuckDB's reader holds whole (per thread): staging ran out of its 1 GB. Lake files cap a row
    group at 16 MB, so a reader with 200 MB reads them."""
    from extract.extraction import connect_scratch

    lake = Lake(tmp_path / "lake")
    con = connect_scratch()
    lake.prepare(con)
    query = (
        "select 'b' as bucket, 'job/manifests/output/output.manifest' as key, "
        "'{\"source-ref\": \"s3://b/' || i || '\", \"pad\": \"' || repeat('x', 1400) || '\"}' "
        "as line, 'run' as _gtwh_run_id, now()::timestamp as _gtwh_extracted_at, "
        "'k' as _gtwh_source, i as _gtwh_record_index from range(60000) t(i)"
    )
    assert lake.commit(con, "output_manifests", query, sources={"k": "f"}, run_id="run") == 60000
    files = lake.glob("output_manifests")
    biggest = duckdb.sql(
        f"select max(total_uncompressed_size) from parquet_metadata('{files}') "
        "where path_in_schema = 'line'"
    ).fetchone()[0]
    assert biggest <= 20 * 2**20, biggest
    small = duckdb.connect(config={"memory_limit": "200MB", "threads": 2})
    assert small.sql(f"select count(*), sum(length(line)) from '{files}'").fetchone()[0] == 60000
