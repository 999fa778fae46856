"""Mirror -> lake is lossless: every field of every record of the simulated operation is
recoverable from the lake, read back here with plain Python, independently of the readers."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from extract.simulator import simulate
from extract.sources.mirror import extract_mirror
from tests.conftest import isolated_settings

GROUP = Path("logs/aws/sagemaker/groundtruth/WorkerActivity")


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    root = tmp_path_factory.mktemp("lossless")
    mirror = root / "mirror"
    simulate(mirror, seed=11)
    settings = isolated_settings(root)
    report = extract_mirror(settings, mirror)
    assert report.rejected == []

    def lake(resource: str, columns: str) -> list[tuple]:
        return duckdb.sql(
            f"select {columns} from read_parquet('{settings.lake_dir}/{resource}/*.parquet')"
        ).fetchall()

    return mirror, lake


def test_every_filter_log_events_event_is_in_the_lake(landed):
    mirror, lake = landed
    expected = Counter()
    for page in sorted((mirror / GROUP).rglob("*.json")):
        for ev in json.loads(page.read_text())["events"]:
            expected[json.dumps(ev, sort_keys=True)] += 1
    rows = lake(
        "worker_activity",
        '"eventId", "logStreamName", "timestamp", "ingestionTime", message, event_extra',
    )
    got = Counter(
        json.dumps(
            {
                "eventId": r[0],
                "logStreamName": r[1],
                "timestamp": r[2],
                "ingestionTime": r[3],
                "message": r[4],
                **json.loads(r[5] or "{}"),
            },
            sort_keys=True,
        )
        for r in rows
        if r[0] is not None
    )
    assert sum(expected.values()) > 1000
    assert got == expected


def test_every_export_line_is_in_the_lake(landed):
    mirror, lake = landed
    expected = Counter()
    for path in sorted((mirror / GROUP).rglob("*.gz")):
        with gzip.open(path, "rt") as fh:
            expected.update(line.rstrip("\n") for line in fh if line.strip())
    rows = lake("worker_activity", "export_line_prefix, message")
    got = Counter(p if m is None else f"{p} {m}" for p, m in rows if p is not None)
    assert sum(expected.values()) > 1000
    assert got == expected


def test_every_cognito_user_entry_is_in_the_lake(landed):
    mirror, lake = landed
    users = Counter()
    members = Counter()
    for path in (mirror / "cognito-idp").rglob("*.json"):
        pool = path.relative_to(mirror / "cognito-idp").parts[0]
        group = path.parent.name if path.parent.parent.name == "groups" else None
        for user in json.loads(path.read_text())["Users"]:
            key = json.dumps([pool, group, user], sort_keys=True)
            (members if group else users)[key] += 1
    got_users = Counter(
        json.dumps([p, None, json.loads(u)], sort_keys=True)
        for p, u in lake("users", 'user_pool_id, "user"')
    )
    member_rows = lake("group_members", 'user_pool_id, group_name, "user"')
    got_members = Counter(
        json.dumps([p, g, json.loads(u)], sort_keys=True)
        for p, g, u in member_rows
        if u is not None
    )
    assert len(users) > 0 and got_users == users
    assert len(members) > 0 and got_members == members
    # a group whose answer lists nobody lands as one placeholder row, so that it is seen empty
    empty = {
        (p.parent.parent.parent.name, p.parent.name)
        for p in (mirror / "cognito-idp").glob("*/groups/*/*.json")
        if not json.loads(p.read_text())["Users"]
    }
    assert empty and Counter((p, g) for p, g, u in member_rows if u is None) == dict.fromkeys(
        empty, 1
    )


@pytest.mark.parametrize(
    "folder,resource",
    [
        ("sagemaker/describe-labeling-job", "labeling_jobs"),
        ("sagemaker/describe-workteam", "workteams"),
    ],
)
def test_api_responses_are_kept_verbatim(landed, folder, resource):
    mirror, lake = landed
    expected = sorted(p.read_text() for p in (mirror / folder).glob("*.json"))
    assert expected and sorted(r[0] for r in lake(resource, "response")) == expected


def test_every_metric_data_point_is_in_the_lake(landed):
    mirror, lake = landed
    expected = Counter()
    for path in (mirror / "cloudwatch/get-metric-data").glob("*.json"):
        doc = json.loads(path.read_text())
        queries = {q["Id"]: q for q in doc["MetricDataQueries"]}
        for res in doc["MetricDataResults"]:
            for ts, value in zip(res["Timestamps"], res["Values"], strict=True):
                expected[
                    json.dumps(
                        [queries[res["Id"]], res["Label"], res["StatusCode"], ts, value],
                        sort_keys=True,
                    )
                ] += 1
    got = Counter(
        json.dumps([json.loads(q), label, status, ts, value], sort_keys=True)
        for q, label, status, ts, value in lake(
            "metric_data", "query, label, status_code, point_timestamp, point_value"
        )
        if ts is not None
    )
    assert sum(expected.values()) > 0 and got == expected


def test_every_labeling_output_record_is_in_the_lake(landed):
    mirror, lake = landed
    s3 = mirror / "s3"
    manifests, elements, autos = Counter(), Counter(), Counter()
    for path in s3.rglob("*"):
        if not path.is_file():
            continue
        bucket, key = path.relative_to(s3).parts[0], "/".join(path.relative_to(s3).parts[1:])
        if key.endswith("manifests/output/output.manifest"):
            manifests.update(
                (bucket, key, line) for line in path.read_text().splitlines() if line.strip()
            )
        elif "/consolidation-response/iteration-" in key and key.endswith(".json"):
            elements.update(
                (bucket, key, json.dumps(e, sort_keys=True)) for e in json.loads(path.read_text())
            )
        elif key.endswith("auto_annotator_output.txt"):
            autos.update(
                (bucket, key, line) for line in path.read_text().splitlines() if line.strip()
            )
    assert manifests and elements and autos
    assert Counter(lake("output_manifests", "bucket, key, line")) == manifests
    assert (
        Counter(
            (b, k, json.dumps(json.loads(e), sort_keys=True))
            for b, k, e in lake("consolidation_responses", "bucket, key, element")
        )
        == elements
    )
    assert Counter(lake("auto_annotations", "bucket, key, line")) == autos
