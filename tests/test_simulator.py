"""The simulator writes a realistic, self-consistent AWS mirror, the same bytes for the same seed.

Everything is read back from the files, independently of the simulator's own code.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from extract.simulator import SimulationSummary, simulate

LOGS = Path("logs/aws/sagemaker/groundtruth/WorkerActivity")
FIELDS_2019 = [
    "worker_id", "cognito_user_pool_id", "cognito_sub_id", "task_accepted_time",
    "task_submitted_time", "task_returned_time", "workteam_arn", "labeling_job_arn",
    "work_requester_account_id", "job_reference_code", "job_type", "event_type", "event_timestamp",
]  # fmt: skip
FIELDS = [*FIELDS_2019[:6], "task_declined_time", *FIELDS_2019[6:]]
TIME_FIELDS = ("task_accepted_time", "task_submitted_time", "task_returned_time",
               "task_declined_time")  # fmt: skip
CLOSING = {
    "TasksSubmitted": "task_submitted_time",
    "TasksReturned": "task_returned_time",
    "TasksDeclined": "task_declined_time",
}


# ------------------------------------------------------------------------------- readers


JAVA_ZONES = {"UTC": 0, "PDT": -7, "PST": -8, "EDT": -4, "EST": -5}  # the zones it writes


@functools.cache
def parse_time(value: str) -> dt.datetime | None:
    """Every layout the records use; None for what cannot be parsed."""
    java = re.fullmatch(r"(\w{3} \w{3} \d\d \d\d:\d\d:\d\d) (\w+) (\d{4})", value)
    if java and java.group(2) in JAVA_ZONES:
        local = dt.datetime.strptime(f"{java.group(1)} {java.group(3)}", "%a %b %d %H:%M:%S %Y")
        return (local - dt.timedelta(hours=JAVA_ZONES[java.group(2)])).replace(tzinfo=dt.UTC)
    iso = re.fullmatch(
        r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?", value
    )
    if iso:
        base, fraction, zone = iso.groups()
        at = dt.datetime.fromisoformat(base + (f".{fraction[:6]:0<6}" if fraction else ""))
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            at -= sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
        return at.replace(tzinfo=dt.UTC)
    return None


def read_log_events(root: Path) -> list[dict]:
    """All delivered events, from FilterLogEvents pages and from export files alike."""
    events = []
    for page in sorted((root / LOGS / "filter-log-events").glob("*/page-*.json")):
        for e in json.loads(page.read_text())["events"]:
            events.append({**e, "source": "page", "folder": page.parent.name})
    for gz in sorted((root / LOGS / "exports").rglob("*.gz")):
        for n, line in enumerate(gzip.decompress(gz.read_bytes()).decode().splitlines(), 1):
            stamp, message = line.split(" ", 1)
            ts = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
            events.append(
                {
                    "message": message,
                    "timestamp": round(ts.timestamp() * 1000),
                    "source": "export",
                    "folder": str(gz.parent),
                    "position": (gz.name, n),
                }
            )
    return events


def distinct_events(events: list[dict]) -> list[dict]:
    """One per CloudWatch event: a page event is its eventId; an export line is its position,
    and the k-th line with one timestamp and message in an export folder is the k-th event of
    that (timestamp, message) (docs/data-quality.md, "Re-deliveries")."""
    views: dict[tuple, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for e in events:
        occurrence = (e["timestamp"], e["message"])
        view = "pages" if e["source"] == "page" else e["folder"]
        views[occurrence][view].setdefault(e.get("eventId") or e["position"], e)
    out = []
    for by_view in views.values():
        out.extend(max(by_view.values(), key=len).values())
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def describes(root: Path) -> dict[str, dict]:
    return {p.stem: load(p) for p in (root / "sagemaker/describe-labeling-job").glob("*.json")}


def s3_path(root: Path, uri: str) -> Path:
    return root / "s3" / uri.removeprefix("s3://")


def genuine_records(events: list[dict]) -> tuple[list[dict], Counter]:
    """Unique, well-formed task outcomes; plus a count of what was set aside and why."""
    out, aside = [], Counter()
    distinct = distinct_events(events)
    aside["duplicate"] = len(events) - len(distinct)
    for e in distinct:
        try:
            rec = json.loads(e["message"])
        except json.JSONDecodeError:
            aside["malformed_json"] += 1
            continue
        if rec["event_type"] not in CLOSING:
            aside["other_event_type"] += 1
            continue
        times = [rec.get(f) or "" for f in TIME_FIELDS]
        if any(t and parse_time(t) is None for t in times):
            aside["unparsable_timestamp"] += 1
            continue
        out.append({**rec, "_timestamp": e["timestamp"]})
    return out, aside


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    out = tmp_path_factory.mktemp("demo") / "mirror"
    return out, simulate(out, seed=7)


@pytest.fixture(scope="module")
def demo_events(demo) -> list[dict]:
    return read_log_events(demo[0])


@pytest.fixture(scope="module")
def demo_records(demo_events) -> tuple[list[dict], Counter]:
    return genuine_records(demo_events)


# ------------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_files_and_another_seed_does_not(demo, tmp_path: Path) -> None:
    root, _ = demo
    again = simulate(tmp_path / "again", seed=7)
    other = simulate(tmp_path / "other", seed=8)
    first = tree_digest(root)
    assert len(first) > 100
    assert tree_digest(tmp_path / "again") == first
    assert again.to_json() == (root / "_simulation.json").read_text()
    different = tree_digest(tmp_path / "other")
    same = {k for k, v in first.items() if different.get(k) == v}
    # only seed-independent inputs (manifests, label lists, UI templates) and the pages of
    # days without activity may repeat
    for k in same:
        empty = k.startswith(str(LOGS)) and not load(root / k)["events"]
        assert empty or (k.startswith("s3/") and "/input/" in k), k
    assert len(same) < 0.1 * len(first)
    assert other.to_json() != again.to_json()


def test_refuses_to_write_over_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="out="):
        simulate(tmp_path, seed=1)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_an_earlier_or_interrupted_run_is_replaced(tmp_path: Path) -> None:
    stale = tmp_path / "logs/aws/sagemaker/groundtruth/WorkerActivity/exports/old/000000.gz"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"stale")
    (tmp_path / "_simulation.json").write_text('{"incomplete": true}')
    summary = simulate(tmp_path, seed=2, events=6_000)
    assert not stale.exists()
    assert json.loads((tmp_path / "_simulation.json").read_text())["seed"] == 2
    assert 5_400 <= summary.events_written <= 6_600


def test_bad_arguments_name_the_argument(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="log_format="):
        simulate(tmp_path / "a", log_format="csv")
    with pytest.raises(ValueError, match="start="):
        simulate(tmp_path / "b", start=dt.datetime(2026, 10, 1))


# ------------------------------------------------------------------------------- AWS shapes


def _to_params(value, shape):
    """JSON as the CLI prints it -> what botocore would have parsed (timestamps as datetimes)."""
    if shape.type_name == "timestamp" and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if shape.type_name == "structure" and isinstance(value, dict):
        return {
            k: _to_params(v, shape.members[k]) if k in shape.members else v
            for k, v in value.items()
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [_to_params(v, shape.member) for v in value]
    return value


def _assert_valid(doc: dict, shape, where: Path) -> None:
    report = ParamValidator().validate(_to_params(doc, shape), shape)
    assert not report.has_errors(), f"{where}: {report.generate_report()}"


def test_json_files_validate_against_the_botocore_output_shapes(demo) -> None:
    root, _ = demo
    session = botocore.session.get_session()

    def output(service: str, op: str):
        return session.get_service_model(service).operation_model(op).output_shape

    checks = [
        ("sagemaker/describe-labeling-job/*.json", output("sagemaker", "DescribeLabelingJob")),
        ("sagemaker/describe-workteam/*.json", output("sagemaker", "DescribeWorkteam")),
        ("cognito-idp/*/list-users/*.json", output("cognito-idp", "ListUsers")),
        ("cognito-idp/*/groups/*/*.json", output("cognito-idp", "ListUsersInGroup")),
    ]
    counted = Counter()
    for pattern, shape in checks:
        for path in root.glob(pattern):
            _assert_valid(load(path), shape, path)
            counted[pattern] += 1
    assert counted[checks[0][0]] == 13 and counted[checks[1][0]] == 3
    assert counted[checks[3][0]] == 4  # one page per team's group, and the emptied group's
    gmd = session.get_service_model("cloudwatch").operation_model("GetMetricData")
    query_shape = gmd.input_shape.members["MetricDataQueries"]
    files = list(root.glob("cloudwatch/get-metric-data/*.json"))
    assert files
    for path in files:
        doc = load(path)
        queries = doc.pop("MetricDataQueries")
        _assert_valid(doc, gmd.output_shape, path)
        report = ParamValidator().validate(queries, query_shape)
        assert not report.has_errors(), f"{path}: {report.generate_report()}"
        assert [q["Id"] for q in queries] == [r["Id"] for r in doc["MetricDataResults"]]
        assert len(queries) <= 500


def test_cli_timestamps_carry_an_offset(demo) -> None:
    root, _ = demo
    text = (root / "sagemaker/describe-labeling-job/birds-od-chain-a.json").read_text()
    stamps = re.findall(r'"(?:CreationTime|LastModifiedTime)": "([^"]+)"', text)
    assert stamps and all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", s) for s in stamps
    )


# ------------------------------------------------------------------------------- worker activity


def test_every_log_message_is_a_documented_record(demo, demo_events) -> None:
    _, summary = demo
    assert len(demo_events) == summary.events_written
    malformed, layouts, event_types, widths = 0, Counter(), Counter(), Counter()
    for e in demo_events:
        try:
            rec = json.loads(e["message"])
        except json.JSONDecodeError:
            malformed += 1
            continue
        assert [k for k in FIELDS if k in rec] == list(rec), list(rec)
        assert set(FIELDS) - set(rec) <= {"task_returned_time", "task_declined_time"}
        widths[len(rec)] += 1
        assert all(isinstance(v, str) or (v is None and k in TIME_FIELDS) for k, v in rec.items())
        event_types[rec["event_type"]] += 1
        assert re.fullmatch(r"[0-9a-f]{16}", rec["worker_id"])
        assert rec["job_type"] == "Private" and rec["work_requester_account_id"] == "123456789012"
        assert rec["job_reference_code"].startswith("123456789012")
        assert len(rec["job_reference_code"]) == 28
        for f in TIME_FIELDS:
            v = rec.get(f)
            if v:
                layouts[re.sub(r"\d", "9", v)[:10]] += 1
        closing = CLOSING.get(rec["event_type"])
        if closing:
            ts = parse_time(rec[closing])
            if ts is not None:  # the one unparsable record is checked elsewhere
                assert int(rec["event_timestamp"]) == int(ts.timestamp())
                assert e["timestamp"] // 1000 == int(rec["event_timestamp"])
            for f in TIME_FIELDS[1:]:
                assert bool(rec.get(f)) == (f == closing)
            if rec["event_type"] != "TasksDeclined":
                assert rec["task_accepted_time"]
    assert malformed == 1
    assert event_types["TasksAccepted"] == 2 == summary.other_event_types["TasksAccepted"]
    assert set(event_types) == {*CLOSING, "TasksAccepted"}
    # the less common layouts: 9 and 1 fraction digits, offsets, minute-only, US zones
    assert {"9999-99-99", "Tue Oct 99", "Mon Oct 99"} & set(layouts)
    texts = {
        rec_text
        for e in demo_events
        for rec_text in re.findall(r'_time\\?":\\?"([^"\\]+)', e["message"])
    }
    assert any(re.search(r"\.\d{9}Z$", x) for x in texts)
    assert any(re.search(r"T\d\d:\d\d:\d\d\.\d$", x) for x in texts)
    assert any(x.endswith("+00:00") for x in texts) and any(x.endswith("+0000") for x in texts)
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", x) for x in texts)
    assert any(" PDT " in x or " PST " in x for x in texts)
    assert any(" EDT " in x or " EST " in x for x in texts)
    assert any('"task_returned_time":null' in e["message"] for e in demo_events)
    assert min(event_types[t] for t in CLOSING) > 50
    # most records use Java's Date.toString(); ISO-8601 with and without fractions; some 2019
    java = sum(v for k, v in layouts.items() if k[:3].isalpha())
    assert java > 0.7 * sum(layouts.values())
    assert any(k.startswith("9999-99-99") for k in layouts)
    assert 0.03 < widths[13] / sum(widths.values()) < 0.08


def test_pages_look_like_filter_log_events_responses(demo) -> None:
    root, _ = demo
    ids: list[str] = []
    for day in sorted((root / LOGS / "filter-log-events").iterdir()):
        pages = sorted(day.glob("page-*.json"))
        assert pages and pages[0].name == "page-000001.json"
        for i, page in enumerate(pages):
            doc = load(page)
            assert doc["searchedLogStreams"] == []
            assert ("nextToken" in doc) == (i < len(pages) - 1)
            events = doc["events"]
            assert len(events) <= 10_000
            keys = [(e["timestamp"], e["ingestionTime"]) for e in events]
            assert keys == sorted(keys)
            for e in events:
                assert list(e) == [
                    "logStreamName", "timestamp", "message", "ingestionTime", "eventId"
                ]  # fmt: skip
                assert e["logStreamName"].startswith(
                    "aws/sagemaker/groundtruth/worker-activity/123456789012-us-east-1/"
                )
                ingested = dt.datetime.fromtimestamp(e["ingestionTime"] / 1000, dt.UTC)
                # an event is read on its ingestion day, or again by a later, overlapping pull
                assert ingested.strftime("%Y-%m-%d") <= day.name
                assert e["ingestionTime"] >= e["timestamp"]
                ids.append(e["eventId"])
    assert ids and all(re.fullmatch(r"[0-9]{56}", i) for i in ids)
    assert 0 < len(ids) - len(set(ids)) < 0.01 * len(ids)  # re-read events keep their eventId


def test_history_is_exported_and_the_rest_is_paged(demo) -> None:
    root, summary = demo
    exported = list((root / LOGS / "exports").rglob("000000.gz"))
    assert exported
    for gz in exported:
        rel = gz.relative_to(root / LOGS / "exports").parts
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", rel[0]
        )
        assert "/".join(rel[1:-1]).startswith("aws/sagemaker/groundtruth/worker-activity/")
    last_export = max(
        json.loads(line.split(" ", 1)[1])["event_timestamp"]
        for gz in exported
        for line in gzip.decompress(gz.read_bytes()).decode().splitlines()
        if line.split(" ", 1)[1].endswith("}")
    )
    first_pull = min(p.name for p in (root / LOGS / "filter-log-events").iterdir())
    assert dt.datetime.fromtimestamp(int(last_export), dt.UTC).strftime("%Y-%m-%d") < first_pull
    assert 0.2 < summary.pull_days / summary.days < 0.8


def test_redeliveries_and_anomalies_are_exactly_as_reported(demo, demo_events, demo_records):
    _, summary = demo
    records, aside = demo_records
    assert aside["duplicate"] == summary.duplicates_injected > 0
    assert 0.001 < summary.duplicates_injected / summary.tasks < 0.006
    assert summary.anomalies == {"malformed_json": 1, "unparsable_timestamp": 1}
    for kind, n in summary.anomalies.items():
        assert aside[kind] == n
    assert aside["other_event_type"] == sum(summary.other_event_types.values()) == 2
    assert len(records) == summary.tasks
    assert summary.events_written == (
        summary.tasks
        + summary.duplicates_injected
        + sum(summary.anomalies.values())
        + sum(summary.other_event_types.values())
    )
    # two declines with one message and millisecond, in each form: both are tasks
    same = Counter((e["timestamp"], e["message"]) for e in distinct_events(demo_events))
    pairs = [k for k, n in same.items() if n == 2]
    assert summary.identical_pairs == 2 and len(pairs) == 2
    assert all(json.loads(m)["event_type"] == "TasksDeclined" for _, m in pairs)
    late = [
        e for e in demo_events
        if e["source"] == "page" and e["ingestionTime"] - e["timestamp"] > 3_600_000
    ]  # fmt: skip
    assert late  # some deliveries are hours late


def test_submitted_tasks_per_job_equal_human_labeled_times_workers(demo, demo_records) -> None:
    root, _ = demo
    records, _ = demo_records
    submitted = Counter(
        r["labeling_job_arn"] for r in records if r["event_type"] == "TasksSubmitted"
    )
    jobs = describes(root)
    for name, d in jobs.items():
        per_object = d["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"]
        expected = d["LabelCounters"]["HumanLabeled"] * per_object
        assert submitted.pop(d["LabelingJobArn"], 0) == expected, name
    assert not submitted  # no activity for unknown jobs


def test_each_worker_works_one_task_at_a_time_within_the_limits(demo, demo_records) -> None:
    root, _ = demo
    records, _ = demo_records
    jobs = {d["LabelingJobArn"]: d for d in describes(root).values()}
    by_worker = defaultdict(list)
    handling = defaultdict(list)
    for r in records:
        job = jobs[r["labeling_job_arn"]]
        close = parse_time(r[CLOSING[r["event_type"]]])
        accept = parse_time(r["task_accepted_time"]) if r["task_accepted_time"] else close
        assert accept <= close
        if r["event_type"] == "TasksSubmitted":
            seconds = (close - accept).total_seconds()
            assert 2 <= seconds <= job["HumanTaskConfig"]["TaskTimeLimitInSeconds"]
            handling[r["cognito_sub_id"]].append(seconds)
        created = dt.datetime.fromisoformat(job["CreationTime"])
        ended = dt.datetime.fromisoformat(job["LastModifiedTime"])
        assert created <= accept and close <= ended
        assert r["workteam_arn"] == job["HumanTaskConfig"]["WorkteamArn"]
        by_worker[r["cognito_sub_id"]].append((accept, close))
    twins = 0
    for sub, spans in by_worker.items():
        spans.sort()
        for prev, span in itertools.pairwise(spans):
            if prev == span and span[0] == span[1]:  # the identical declines: one instant, twice
                twins += 1
                continue
            # a minute-only accepted time ("2026-10-05T10:14") is up to 59 s early
            minute_only = span[0].second == 0 and span[0] + dt.timedelta(minutes=1) > prev[1]
            assert span[0] > prev[1] or minute_only, sub
    assert twins == 2
    medians = sorted(sorted(v)[len(v) // 2] for v in handling.values() if len(v) > 100)
    assert medians[0] < medians[len(medians) // 2] / 3  # a few workers are suspiciously fast


def test_workers_are_cognito_users_in_their_jobs_team(demo, demo_records) -> None:
    root, summary = demo
    records, _ = demo_records
    pool = next((root / "cognito-idp").iterdir())
    users = [u for p in sorted((pool / "list-users").glob("*.json")) for u in load(p)["Users"]]
    assert len(users) == summary.users
    sub_of = {u["Username"]: {a["Name"]: a["Value"] for a in u["Attributes"]}["sub"] for u in users}
    assert len(set(sub_of.values())) == len(users)
    statuses = Counter(u["UserStatus"] for u in users)
    assert statuses["CONFIRMED"] > statuses["FORCE_CHANGE_PASSWORD"] > 0
    assert 0 < sum(not u["Enabled"] for u in users) < 0.2 * len(users)
    teams = {}
    for path in (root / "sagemaker/describe-workteam").glob("*.json"):
        team = load(path)["Workteam"]
        groups = [m["CognitoMemberDefinition"]["UserGroup"] for m in team["MemberDefinitions"]]
        assert {m["CognitoMemberDefinition"]["UserPool"] for m in team["MemberDefinitions"]} == {
            pool.name
        }
        pages = sorted(p for group in groups for p in (pool / "groups" / group).glob("*.json"))
        teams[team["WorkteamArn"]] = {
            {a["Name"]: a["Value"] for a in u["Attributes"]}["sub"]
            for p in pages
            for u in load(p)["Users"]
        }
    workers = {r["cognito_sub_id"] for r in records}
    assert workers < set(sub_of.values())  # some users never work
    for r in records:
        assert r["cognito_sub_id"] in teams[r["workteam_arn"]]
        assert r["cognito_user_pool_id"] == pool.name
    in_two = Counter(s for members in teams.values() for s in members)
    assert any(n == 2 for n in in_two.values())


# ------------------------------------------------------------------------------- S3 output


def _consolidated(prefix: Path) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    folder = prefix / "annotations/consolidated-annotation/consolidation-response"
    for path in folder.glob("iteration-*/*.json"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.json", path.name)
        iteration = int(path.parent.name.removeprefix("iteration-"))
        for item in load(path):
            assert set(item) == {"datasetObjectId", "consolidatedAnnotation"}
            out[iteration].add(item["datasetObjectId"])
    return out


def _auto_labeled(prefix: Path) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for path in (prefix / "activelearning").rglob("auto_annotator_output.txt"):
        iteration = int(path.parts[-3])
        for line in path.read_text().splitlines():
            oid, body = line.split(" ", 1)
            meta = next(v for k, v in json.loads(body).items() if k.endswith("-metadata"))
            assert meta["human-annotated"] == "no" and meta["creation-date"]
            out[iteration].append(oid)
    return out


def test_s3_output_agrees_with_the_label_counters(demo) -> None:
    root, _ = demo
    for name, d in describes(root).items():
        counters = d["LabelCounters"]
        prefix = s3_path(root, d["OutputConfig"]["S3OutputPath"]) / name
        human = _consolidated(prefix)
        auto = _auto_labeled(prefix)
        human_ids = set().union(*human.values()) if human else set()
        auto_ids = [o for ids in auto.values() for o in ids]
        assert len(human_ids) == counters["HumanLabeled"], name
        assert len(auto_ids) == len(set(auto_ids)) == counters["MachineLabeled"], name
        assert not human_ids & set(auto_ids)
        assert counters["TotalLabeled"] == counters["HumanLabeled"] + counters["MachineLabeled"]
        inputs = s3_path(root, d["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"])
        n_inputs = len(inputs.read_text().splitlines())
        assert n_inputs == sum(
            counters[k] for k in ("TotalLabeled", "FailedNonRetryableError", "Unlabeled")
        )
        if d["LabelingJobStatus"] in ("Failed", "InProgress"):
            assert "LabelingJobOutput" not in d
        if d["LabelingJobStatus"] == "Failed":
            continue
        # a stopped or running job's manifest holds every object too: those not labeled yet
        # as in the input manifest, without the job's label
        manifest = prefix / "manifests/output/output.manifest"
        if "LabelingJobOutput" in d:
            assert manifest == s3_path(root, d["LabelingJobOutput"]["OutputDatasetS3Uri"])
        rows = [json.loads(line) for line in manifest.read_text().splitlines()]
        assert len(rows) == n_inputs
        own = d["LabelAttributeName"] + "-metadata"
        meta = [r[own] for r in rows if own in r]
        flags = Counter(m.get("human-annotated", "failed") for m in meta)
        assert flags["yes"] == counters["HumanLabeled"]
        assert flags["no"] == counters["MachineLabeled"]
        assert flags["failed"] == counters["FailedNonRetryableError"]
        assert len(rows) - len(meta) == counters["Unlabeled"]
        assert all(m["job-name"] == f"labeling-job/{name}" for m in meta)


def test_chain_and_control_jobs_tell_the_active_learning_story(demo) -> None:
    root, summary = demo
    jobs = describes(root)
    a, b, d = (jobs[n] for n in summary.scenario["chain"])
    c = jobs[summary.scenario["control"]["job"]]
    model = "LabelingJobAlgorithmsConfig"
    assert (
        b[model]["InitialActiveLearningModelArn"]
        == a["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    )
    assert (
        d[model]["InitialActiveLearningModelArn"]
        == b["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    )
    assert "InitialActiveLearningModelArn" not in c[model]
    assert "InitialActiveLearningModelArn" not in a[model]
    assert c["InputConfig"] == b["InputConfig"]
    assert b["CreationTime"] == c["CreationTime"]
    for job in (a, b, c, d):
        assert job["LabelCounters"]["TotalLabeled"] >= 1250
        assert job["HumanTaskConfig"]["MaxConcurrentTaskCount"] == 200

    def elapsed(job: dict) -> dt.timedelta:
        return dt.datetime.fromisoformat(job["LastModifiedTime"]) - dt.datetime.fromisoformat(
            job["CreationTime"]
        )

    def machine_share(job: dict) -> float:
        return job["LabelCounters"]["MachineLabeled"] / job["LabelCounters"]["TotalLabeled"]

    def prefix(job: dict) -> Path:
        return s3_path(root, job["OutputConfig"]["S3OutputPath"]) / job["LabelingJobName"]

    assert b["LabelCounters"]["HumanLabeled"] < 0.75 * c["LabelCounters"]["HumanLabeled"]
    assert elapsed(b) < 0.85 * elapsed(c)
    assert machine_share(b) > machine_share(c) + 0.1
    assert min(_auto_labeled(prefix(b))) < min(_auto_labeled(prefix(c)))
    iterations = {n: max(_consolidated(prefix(j))) for n, j in jobs.items() if j.get(model)}
    assert max(iterations.values()) >= 10
    # the notebooks' schedule: 10 probe objects, then 190 for training
    first = _consolidated(prefix(c))
    assert len(first[1]) == 10 and len(first[2]) == 190 and len(first[3]) == 200


def test_job_statuses_cover_the_life_cycle(demo) -> None:
    root, _ = demo
    jobs = list(describes(root).values())
    status = Counter(j["LabelingJobStatus"] for j in jobs)
    assert status == {"Completed": 10, "Failed": 1, "InProgress": 1, "Stopped": 1}
    failed = next(j for j in jobs if j["LabelingJobStatus"] == "Failed")
    assert failed["FailureReason"] and "LabelingJobOutput" not in failed
    running = next(j for j in jobs if j["LabelingJobStatus"] == "InProgress")
    assert running["LabelCounters"]["Unlabeled"] > 0 and "LabelingJobOutput" not in running
    stopped = next(j for j in jobs if j["LabelingJobStatus"] == "Stopped")
    assert stopped["LabelCounters"]["Unlabeled"] > 0 and "LabelingJobOutput" in stopped
    assert any(
        j["LabelingJobStatus"] == "Completed" and j["LabelCounters"]["FailedNonRetryableError"]
        for j in jobs
    )
    human_only = [j for j in jobs if "LabelingJobAlgorithmsConfig" not in j]
    assert len(human_only) >= 3
    assert all(j["LabelCounters"]["MachineLabeled"] == 0 for j in human_only)


# ------------------------------------------------------------------------------- metrics


def test_metrics_are_slightly_below_the_logs(demo, demo_records) -> None:
    root, _ = demo
    records, _ = demo_records
    logged = Counter((r["labeling_job_arn"].rsplit("/", 1)[1], r["event_type"]) for r in records)
    metric = Counter()
    forms = Counter()
    for path in (root / "cloudwatch/get-metric-data").glob("workteam-*.json"):
        doc = load(path)
        queries = {q["Id"]: q["MetricStat"] for q in doc["MetricDataQueries"]}
        for res in doc["MetricDataResults"]:
            stat = queries[res["Id"]]
            assert stat["Metric"]["Namespace"] == "AWS/SageMaker/Workteam"
            assert stat["Period"] == 3600 and stat["Stat"] == "Sum"
            dims = {x["Name"]: x["Value"] for x in stat["Metric"]["Dimensions"]}
            assert set(dims) == {"CognitoUserPool", "LabelingJob", "WorkerId"}
            stamps = [dt.datetime.fromisoformat(t) for t in res["Timestamps"]]
            assert stamps == sorted(stamps, reverse=True)
            assert all(t.minute == 0 and t.second == 0 for t in stamps)
            job = dims["LabelingJob"].rsplit("/", 1)[-1]  # a name, labeling-job/<name> or an ARN
            forms[dims["LabelingJob"].count("/") + dims["LabelingJob"].startswith("arn:")] += 1
            metric[(job, stat["Metric"]["MetricName"])] += sum(res["Values"])
    for (job, event_type), n in logged.items():
        m = metric[(job, event_type)]
        assert m <= n and (n < 200 or m >= 0.97 * n), (job, event_type, m, n)
    assert sum(metric[k] for k in logged) < sum(logged.values())  # best effort: some are lost
    assert forms[0] and forms[1] and forms[2]  # bare name, labeling-job/<name>, ARN
    jobs = load(root / "cloudwatch/get-metric-data/labeling-jobs.json")
    namespaces = {q["MetricStat"]["Metric"]["Namespace"] for q in jobs["MetricDataQueries"]}
    assert namespaces == {"AWS/Sagemaker/LabelingJobs"}
    queries = {q["Id"]: q["MetricStat"]["Metric"] for q in jobs["MetricDataQueries"]}
    counters = {n: d["LabelCounters"] for n, d in describes(root).items()}
    for res in jobs["MetricDataResults"]:
        m = queries[res["Id"]]
        job = m["Dimensions"][0]["Value"]
        if m["MetricName"] == "TotalDatasetObjectsLabeled":
            assert max(res["Values"]) == counters[job]["TotalLabeled"]


# ------------------------------------------------------------------------------- scale


def test_requested_event_count_is_met_within_ten_percent(tmp_path: Path) -> None:
    summary = simulate(
        tmp_path / "big", seed=3, events=200_000, log_format="json",
        labeling_output="scenario", anomalies=False,
    )  # fmt: skip
    assert 180_000 <= summary.events_written <= 220_000
    assert summary.anomalies == dict.fromkeys(summary.anomalies, 0)
    assert len(summary.workteams) == 3 and len(summary.jobs) > 9
    pages = list((tmp_path / "big" / LOGS / "filter-log-events").glob("*/page-*.json"))
    assert not (tmp_path / "big" / LOGS / "exports").exists()
    on_disk = sum(
        len(re.findall(rb'^\{"logStreamName"', p.read_bytes(), flags=re.M)) for p in pages
    )
    assert on_disk == summary.events_written
    outputs = {p.parts[-4] for p in (tmp_path / "big" / "s3").rglob("output.manifest")}
    chain = {*summary.scenario["chain"], summary.scenario["control"]["job"]}
    assert outputs == chain  # "scenario": labeling output only for the named jobs
