"""Worker activity through CloudWatch Logs (moto): every page, watermarks, overlap, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from extract.lake import Lake
from extract.sources.aws import extract_aws
from extract.sources.aws.logs import cursor_key
from extract.sources.mirror import extract_mirror
from tests.test_aws_support import (
    GROUP,
    REGION,
    STREAM,
    clients,
    count_calls,
    inject_errors,
    lake_rows,
    message,
    moto_account,
    ms,
    put_events,
    recent,
)

ENVELOPE = '"logStreamName", "timestamp", message'


def options(**kwargs):
    from tests.test_aws_support import options as aws_options

    return aws_options(resources=("worker_activity",), **kwargs)


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        yield session


@pytest.fixture
def fast_backoff(monkeypatch):
    """Keep botocore's retry decisions, drop its waiting (tests count retries, not seconds)."""
    monkeypatch.setattr(
        "botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0.0
    )
    monkeypatch.setattr(  # adaptive mode's client-side rate limiter
        "botocore.retries.bucket.TokenBucket._sleep_amount", lambda self, amount: 0.0
    )


def _spread(n: int, streams: int, start, span: timedelta) -> dict[str, list[tuple[int, str]]]:
    step = span / n
    out: dict[str, list[tuple[int, str]]] = {}
    for i in range(n):
        out.setdefault(f"{STREAM}{i % streams}", []).append((ms(start + step * i), message(i)))
    return out


def test_every_page_of_a_large_multi_stream_group_is_read(aws, settings):
    events = _spread(12_000, 4, recent(6), timedelta(hours=4))
    for stream, batch in events.items():
        put_events(aws, stream, batch)
    c = clients(aws)
    calls = count_calls(c.client("logs"), "FilterLogEvents")
    report = extract_aws(settings, options=options(log_page_size=1000), clients=c)
    assert len(calls) == 12 and all(call["limit"] == 1000 for call in calls)
    assert calls[0].get("nextToken") is None and all(call.get("nextToken") for call in calls[1:])
    [result] = report.results
    assert (result.units_new, result.rows) == (12, 12_000)
    landed = lake_rows(settings.lake_dir, "worker_activity", ENVELOPE)
    expected = sorted((s, t, m) for s, batch in events.items() for t, m in batch)
    assert landed == expected
    ids = lake_rows(settings.lake_dir, "worker_activity", '"eventId", _gtwh_source, source_format')
    assert len({r[0] for r in ids}) == 12_000
    assert {r[2] for r in ids} == {"filter_log_events"}
    assert {r[1].rsplit("/", 1)[1] for r in ids} == {f"page-{n:04d}" for n in range(1, 13)}


def test_a_second_run_reads_only_from_the_watermark_minus_the_overlap(aws, settings):
    put_events(
        aws, f"{STREAM}a", [(ms(recent(3) + timedelta(seconds=i)), message(i)) for i in range(100)]
    )
    c = clients(aws)
    calls = count_calls(c.client("logs"), "FilterLogEvents")
    first_until = recent(1)
    first = extract_aws(settings, options=options(until=first_until), clients=c)
    assert first.rows_by_resource()["worker_activity"] == 100
    assert "startTime" not in calls[0]  # a first run reads the whole retention
    put_events(
        aws,
        f"{STREAM}b",
        [(ms(recent(0.5) + timedelta(seconds=i)), message(1000 + i)) for i in range(50)],
    )
    second_until = recent(0.1)
    second = extract_aws(settings, options=options(until=second_until), clients=c)
    assert second.rows_by_resource()["worker_activity"] == 50
    assert calls[-1]["startTime"] == ms(first_until) - 15 * 60 * 1000
    assert calls[-1]["endTime"] == ms(second_until) - 1
    state = Lake(settings.lake_dir).ledger("worker_activity").cursor[cursor_key(REGION, GROUP)]
    assert state == {"watermark_ms": ms(second_until), "window": None}
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 150


def test_events_in_the_overlap_land_once_and_late_arrivals_are_caught(aws, settings):
    until = recent(1)
    in_overlap = [
        (ms(until - timedelta(minutes=5) + timedelta(seconds=i)), message(i)) for i in range(20)
    ]
    put_events(aws, f"{STREAM}a", in_overlap)
    c = clients(aws)
    extract_aws(settings, options=options(until=until), clients=c)
    # After the first run: an event that happened before its end arrives late, and new ones.
    late = [(ms(until - timedelta(minutes=2)), message(500))]
    new = [(ms(until + timedelta(minutes=10 + i)), message(600 + i)) for i in range(5)]
    put_events(aws, f"{STREAM}b", late + new)
    second = extract_aws(settings, options=options(until=recent(0.05)), clients=c)
    assert second.rows_by_resource()["worker_activity"] == 6  # the 20 re-read events are skipped
    rows = lake_rows(settings.lake_dir, "worker_activity", '"eventId", message')
    assert len(rows) == 26 and len({r[0] for r in rows}) == 26
    assert message(500) in {r[1] for r in rows}


def test_throttling_is_retried_and_the_extraction_succeeds(aws, settings, fast_backoff):
    put_events(
        aws, f"{STREAM}a", [(ms(recent(2) + timedelta(seconds=i)), message(i)) for i in range(300)]
    )
    c = clients(aws, max_attempts=5)
    sends = inject_errors(c.client("logs"), "FilterLogEvents", "ThrottlingException", times=3)
    report = extract_aws(settings, options=options(log_page_size=100), clients=c)
    assert report.problems == []
    assert sends[0] == 3 + 3  # three throttled sends, then the three pages
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 300


def test_throttling_beyond_the_retries_is_reported_and_nothing_advances(
    aws, settings, fast_backoff
):
    put_events(aws, f"{STREAM}a", [(ms(recent(2)), message(1))])
    c = clients(aws, max_attempts=2)
    inject_errors(c.client("logs"), "FilterLogEvents", "ThrottlingException", times=50)
    report = extract_aws(settings, options=options(), clients=c)
    [problem] = report.problems
    assert (problem.kind, problem.operation, problem.permission) == (
        "throttled",
        "FilterLogEvents",
        "logs:FilterLogEvents",
    )
    assert "the next run resumes" in problem.describe()
    ledger = Lake(settings.lake_dir).ledger("worker_activity")
    assert cursor_key(REGION, GROUP) not in ledger.cursor
    assert extract_aws(settings, options=options(), clients=clients(aws)).problems == []
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 1


def test_an_expired_token_restarts_the_window_and_lands_each_event_once(aws, settings):
    base = recent(3)
    put_events(
        aws, f"{STREAM}a", [(ms(base + timedelta(minutes=i)), message(i)) for i in range(30)]
    )
    c = clients(aws)
    extract_aws(settings, options=options(until=base + timedelta(minutes=9, seconds=30)), clients=c)
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 10
    # As if a later run had died after page 1 of its window and come back after the token
    # expired (AWS keeps them 24 h): the window is read again from its start.
    lake = Lake(settings.lake_dir)
    ledger = lake.ledger("worker_activity")
    key = cursor_key(REGION, GROUP)
    ledger.cursor[key]["window"] = {
        "start": None,
        "end": ms(recent(1)),
        "token": "stale",
        "pages": 1,
    }
    ledger.save()
    sends = inject_errors(
        c.client("logs"),
        "FilterLogEvents",
        "InvalidParameterException",
        times=1,
        text="The specified nextToken has expired.",
    )
    report = extract_aws(settings, options=options(log_page_size=7, until=recent(0.9)), clients=c)
    assert report.problems == [] and sends[0] > 1
    rows = lake_rows(settings.lake_dir, "worker_activity", '"eventId"')
    assert len(rows) == 30 and len(set(rows)) == 30
    assert lake.ledger("worker_activity").cursor[key]["window"] is None


def test_export_files_in_s3_land_as_the_mirror_reader_lands_them(aws, settings, tmp_path):
    events = [(ms(recent(5) + timedelta(minutes=i)), message(i)) for i in range(40)]
    put_events(aws, f"{STREAM}a", events[:25])
    put_events(aws, f"{STREAM}b", events[25:])
    s3 = aws.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="exports")
    opts = options(
        export_s3="s3://exports/gt/worker-activity",
        create_export=True,
        since=recent(6),
        until=recent(4),
    )
    first = extract_aws(settings, options=opts, clients=clients(aws))
    assert first.problems == []
    rows = lake_rows(settings.lake_dir, "worker_activity", "message", "source_format = 'export'")
    assert sorted(r[0] for r in rows) == sorted(m for _, m in events)
    # The same objects, laid out as a mirror folder, give the same rows through the mirror.
    mirror = tmp_path / "mirror"
    for obj in s3.list_objects_v2(Bucket="exports", Prefix="gt/worker-activity/")["Contents"]:
        if obj["Key"].endswith(".gz"):
            target = mirror / "logs" / GROUP.lstrip("/") / "exports" / obj["Key"].split("/", 2)[2]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket="exports", Key=obj["Key"])["Body"].read())
    from tests.conftest import isolated_settings

    mirror_settings = isolated_settings(tmp_path / "m")
    extract_mirror(mirror_settings, mirror)
    columns = '"eventId", "logStreamName", "timestamp", "ingestionTime", message, event_extra, export_line_prefix, source_format'
    assert lake_rows(
        settings.lake_dir, "worker_activity", columns, "source_format = 'export'"
    ) == lake_rows(mirror_settings.lake_dir, "worker_activity", columns)
    sources = lake_rows(
        settings.lake_dir, "worker_activity", "distinct _gtwh_source", "source_format = 'export'"
    )
    assert all(s[0].startswith("aws:s3://exports/gt/worker-activity/") for s in sources)
    again = extract_aws(settings, options=opts, clients=clients(aws))
    assert again.rows_by_resource().get("worker_activity", 0) == 0


def test_a_missing_log_group_is_reported_absent_not_as_a_failure(aws, settings):
    report = extract_aws(settings, options=options(), clients=clients(aws))
    assert report.problems == []
    assert report.absent == [f"log group {GROUP} ({REGION})"]


def test_full_refresh_reads_everything_again_and_lands_nothing_twice(aws, settings):
    put_events(
        aws, f"{STREAM}a", [(ms(recent(3) + timedelta(seconds=i)), message(i)) for i in range(40)]
    )
    c = clients(aws)
    calls = count_calls(c.client("logs"), "FilterLogEvents")
    extract_aws(settings, options=options(until=recent(2)), clients=c)
    put_events(aws, f"{STREAM}a", [(ms(recent(2.9)), message(99))])  # far too late for the overlap
    incremental = extract_aws(settings, options=options(until=recent(1)), clients=c)
    assert incremental.rows_by_resource()["worker_activity"] == 0
    refreshed = extract_aws(
        settings, options=options(until=recent(1), full_refresh=True), clients=c
    )
    assert "startTime" not in calls[-1]
    assert refreshed.rows_by_resource()["worker_activity"] == 1
    rows = lake_rows(settings.lake_dir, "worker_activity", '"eventId"')
    assert len(rows) == 41 and len(set(rows)) == 41
