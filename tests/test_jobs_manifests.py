"""Output manifests as real jobs write them, on hand-built files: lines with several labels
(a chained job, an adjustment job, a 3D point-cloud job whose lines begin with
source-ref-metadata), objects not labeled yet (a running and a stopped job), a manifest
rewritten between two extractions, and active-learning files split on any whitespace, under
any name ending in auto_annotator_output.txt, with object ids that disagree with the
consolidation ids.

Shapes: https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html (labels, 3D
point-cloud output), sms-reusing-data.html (a chained job reads the earlier output manifest
and needs a different LabelAttributeName), sms-data-verify-manifest.html (adjustment-status),
sms-point-cloud-single-frame-input-data.html (source-ref-metadata). Expected figures are
counted here in plain Python from the files written, never from the warehouse.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import run_etl
from extract.transform import dbt
from tests.jobfiles import (
    BUCKET,
    OUTPUT_PREFIX,
    Job,
    output_manifest_uri,
    project_copy,
    settings_for,
    write_consolidation,
    write_job,
)

FEE = 0.08


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def label(
    attr: str, job: str, *, human: bool, kind: str = "groundtruth/object-detection", **extra: object
) -> dict:
    """``<attr>`` and ``<attr>-metadata`` as a job writes them."""
    meta = {"objects": [{"confidence": 0.9}], "class-map": {"0": "bird"}, "type": kind,
            "human-annotated": "yes" if human else "no",
            "creation-date": "2026-10-02T10:00:00.123456", "job-name": f"labeling-job/{job}",
            **extra}  # fmt: skip
    return {attr: {"annotations": [{"class_id": 0, "left": 1, "top": 2, "width": 3, "height": 4}]},
            f"{attr}-metadata": meta}  # fmt: skip


def image(i: int) -> dict:
    return {"source-ref": f"s3://{BUCKET}/images/IMG_{i:06d}.jpg"}


def frame(i: int) -> dict:
    """A 3D point-cloud frame of the input manifest: source-ref and source-ref-metadata."""
    return {"source-ref": f"s3://{BUCKET}/lidar/frame{i}.bin",
            "source-ref-metadata": {"format": "binary/xyzi", "unix-timestamp": 1566861644.759115 + i,
                                    "ego-vehicle-pose": {"position": {"x": -2.7, "y": 116.2, "z": 1.9},
                                                         "heading": {"qx": -0.02, "qy": -0.01,
                                                                     "qz": -0.89, "qw": 0.45}},
                                    "prefix": f"s3://{BUCKET}/lidar/", "images": []}}  # fmt: skip


BASE = [{**image(i), **label("bounding-box", "od-base", human=True)} for i in range(4)]
CHAIN = [{**line, **label("species", "ic-chain", human=i < 3, kind="groundtruth/image-classification")}
         for i, line in enumerate(BASE)]  # fmt: skip
ADJUST = [{**line, **label("adjusted-bounding-box", "od-adjust", human=True,
                           **{"adjustment-status": "adjusted" if i % 2 else "unadjusted"})}
          for i, line in enumerate(BASE)]  # fmt: skip
POINT_CLOUD = [{**frame(i), **label("3d-bounding-box", "pc-3d", human=True,
                                    kind="groundtruth/point_cloud_object_detection")}
               for i in range(3)]  # fmt: skip
# The running job's manifest, as Ground Truth rewrites it: two objects labeled, then four.
RUNNING_V1 = [{**image(10 + i), **(label("bounding-box", "od-running", human=True) if i < 2 else {})}
              for i in range(5)]  # fmt: skip
RUNNING_V2 = [{**image(10 + i), **(label("bounding-box", "od-running", human=True) if i < 4 else {})}
              for i in range(5)]  # fmt: skip
STOPPED = [{**image(20 + i), **(label("bounding-box", "od-stopped", human=True) if i < 2 else {})}
           for i in range(5)]  # fmt: skip

MANIFESTS = {"od-base": BASE, "ic-chain": CHAIN, "od-adjust": ADJUST, "pc-3d": POINT_CLOUD,
             "od-running": RUNNING_V2, "od-stopped": STOPPED}  # fmt: skip

JOBS = [
    Job("od-base", at(1, 9), at(1, 12), counters=(4, 0, 0, 0)),
    Job("ic-chain", at(2, 9), at(2, 12), counters=(3, 1, 0, 0), label_attribute="species",
        input_manifest=output_manifest_uri("od-base"), automated=True),
    Job("od-adjust", at(2, 9), at(2, 12), counters=(4, 0, 0, 0),
        label_attribute="adjusted-bounding-box", input_manifest=output_manifest_uri("od-base")),
    Job("pc-3d", at(3, 9), at(3, 12), counters=(3, 0, 0, 0), label_attribute="3d-bounding-box"),
    Job("od-running", at(4, 9), at(4, 12), status="InProgress", counters=(4, 0, 0, 1)),
    Job("od-stopped", at(4, 9), at(4, 12), status="Stopped", counters=(2, 0, 0, 3)),
    Job("od-auto", at(5, 9), at(5, 12), automated=True, counters=(2, 3, 0, 0)),
]  # fmt: skip
LABEL_ATTRIBUTE = {j.name: j.label_attribute for j in JOBS}


def manifest_path(mirror: Path, job: str) -> Path:
    return mirror / "s3" / BUCKET / OUTPUT_PREFIX / job / "manifests/output/output.manifest"


def write_manifest(
    mirror: Path, job: str, lines: list[dict], *, mtime: float | None = None
) -> None:
    path = manifest_path(mirror, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def expected_status(mirror: Path, job: str) -> Counter:
    """Objects by status, read from the manifest file through the job's LabelAttributeName."""
    doc = json.loads((mirror / "sagemaker/describe-labeling-job" / f"{job}.json").read_text())
    own = doc["LabelAttributeName"] + "-metadata"
    out: Counter = Counter()
    for text in manifest_path(mirror, job).read_text().splitlines():
        meta = json.loads(text).get(own)
        if meta is None:
            out["unlabeled"] += 1
        elif "failure-reason" in meta:
            out["failed"] += 1
        else:
            out["human" if meta["human-annotated"] == "yes" else "machine"] += 1
    return out


def auto_file(mirror: Path) -> Path:
    path = (mirror / "s3" / BUCKET / OUTPUT_PREFIX
            / "od-auto/activelearning/2/output/batch-1-auto_annotator_output.txt")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


AUTO_IDS = ["2", "3", "1", "img-9"]  # "1" is labeled by humans too; "img-9" is no object id


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("jobs-manifests")
    project = project_copy(root, price_book=["fee,service_fee,,2026-01-01,,object,0.08,test"])
    settings = settings_for(root, project)
    mirror = root / "mirror"
    for job in JOBS:
        write_job(mirror, job)
    for name, lines in MANIFESTS.items():
        write_manifest(mirror, name, RUNNING_V1 if name == "od-running" else lines,
                       mtime=datetime(2026, 10, 4, 12).timestamp())  # fmt: skip
    write_consolidation(mirror, "od-base", 1, at(1, 11), [0, 1, 2, 3])
    write_consolidation(mirror, "ic-chain", 1, at(2, 11), [0, 1, 2])
    write_consolidation(mirror, "od-adjust", 1, at(2, 11), [0, 1, 2, 3])
    write_consolidation(mirror, "pc-3d", 1, at(3, 11), [0, 1, 2])
    write_consolidation(mirror, "od-running", 1, at(4, 11), [0, 1, 2, 3])
    write_consolidation(mirror, "od-stopped", 1, at(4, 11), [0, 1])
    write_consolidation(mirror, "od-auto", 1, at(5, 10), [0, 1])
    chain_auto = mirror / "s3" / BUCKET / OUTPUT_PREFIX / "ic-chain/activelearning/2/out"
    chain_auto.mkdir(parents=True)
    content = json.dumps(label("species", "ic-chain", human=False))
    (chain_auto / "auto_annotator_output.txt").write_text(f"3 {content}\n")
    auto = json.dumps(label("bounding-box", "od-auto", human=False))
    # a tab, several spaces, a space and trailing whitespace: the notebooks split on any of it
    auto_file(mirror).write_text(f"2\t{auto}\n3   {auto}\n1 {auto}\nimg-9 {auto} \t\n")
    first = run_etl(settings, f"mirror:{mirror}", out=io.StringIO()).extraction
    # Ground Truth rewrites the running job's output.manifest: a new version lands, and the
    # incremental models take it in.
    write_manifest(mirror, "od-running", RUNNING_V2, mtime=datetime(2026, 10, 4, 13).timestamp())
    result = run_etl(settings, f"mirror:{mirror}", out=io.StringIO())
    incremental = snapshot(settings)
    rebuilt = dbt(settings, "build", "--full-refresh")
    assert rebuilt.success, rebuilt.failures
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield con, mirror, settings, first, result, (incremental, snapshot(settings, con))
    con.close()


COMPARED = ("base_groundtruth__output_manifests", "base_groundtruth__auto_annotations",
            "stg_groundtruth__output_manifests", "stg_groundtruth__output_manifest_labels",
            "job_consistency", "fct_labeling_job_costs")  # fmt: skip


def snapshot(settings, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, list]:
    own = con is None
    con = con or duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {
            t: sorted(
                map(repr, con.execute(f"select * exclude (extracted_at) from {t}").fetchall())
            )
            if "extracted_at" in [c[0] for c in con.execute(f"describe {t}").fetchall()]
            else sorted(map(repr, con.execute(f"select * from {t}").fetchall()))
            for t in COMPARED
        }
    finally:
        if own:
            con.close()


def test_each_line_counts_for_its_own_job_label(built):
    """Chained, adjustment and 3D lines: the job's LabelAttributeName decides, not the first
    `-metadata` key of the line."""
    con, mirror, *_ = built
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select labeling_job_name, manifest_objects, manifest_human_labeled, "
            "manifest_machine_labeled, manifest_failed, manifest_unlabeled, is_manifest_consistent "
            "from job_consistency"
        ).fetchall()
    }
    for job in MANIFESTS:
        want = expected_status(mirror, job)
        got = rows[job]
        assert got[:5] == (sum(want.values()), want["human"], want["machine"], want["failed"],
                           want["unlabeled"]), job  # fmt: skip
        assert got[5] is True, job
    assert rows["ic-chain"][1:3] == (3, 1)  # not od-base's four human labels
    statuses = con.execute(
        "select distinct labeling_job_name, label_attribute_name, metadata_job_name from "
        "stg_groundtruth__output_manifests where object_status <> 'unlabeled'"
    ).fetchall()
    assert sorted(statuses) == sorted((job, LABEL_ATTRIBUTE[job], job) for job in MANIFESTS)


def test_earlier_jobs_labels_are_kept_and_queryable(built):
    con, *_ = built
    rows = con.execute(
        "select labeling_job_name, label_position, label_attribute_name, is_own_label, "
        "metadata_job_name, count(*) from stg_groundtruth__output_manifest_labels "
        "where labeling_job_name in ('ic-chain', 'od-adjust', 'pc-3d') group by all order by all"
    ).fetchall()
    assert rows == [
        ("ic-chain", 1, "bounding-box", False, "od-base", 4),
        ("ic-chain", 2, "species", True, "ic-chain", 4),
        ("od-adjust", 1, "bounding-box", False, "od-base", 4),
        ("od-adjust", 2, "adjusted-bounding-box", True, "od-adjust", 4),
        ("pc-3d", 1, "3d-bounding-box", True, "pc-3d", 3),  # source-ref-metadata is no label
    ]
    adjusted = dict(con.execute(
        "select adjustment_status, count(*) from stg_groundtruth__output_manifests "
        "where labeling_job_name = 'od-adjust' group by all"
    ).fetchall())  # fmt: skip
    assert adjusted == {"adjusted": 2, "unadjusted": 2}


def test_chained_job_counts_and_cost_are_its_own(built):
    con, *_ = built
    human, machine, total = con.execute(
        "select human_labeled_objects, machine_labeled_objects, cost_total_usd "
        "from fct_labeling_job_costs where labeling_job_name = 'ic-chain'"
    ).fetchone()
    assert (human, machine) == (3, 1)  # its own consolidation responses and auto labels
    assert float(total) == pytest.approx(4 * FEE)


def test_unlabeled_objects_are_staged_and_the_run_passes(built):
    """Running and stopped jobs: objects not labeled yet are objects, not quarantine, and the
    run (extract, staging, validation, marts) succeeds."""
    con, _, _, _, result, _ = built
    assert result.marts.success and result.staging.success
    assert (
        con.execute(
            "select count(*) from quarantine where resource = 'output_manifests'"
        ).fetchone()[0]
        == 0
    )
    statuses = dict(con.execute(
        "select labeling_job_name || ':' || object_status, count(*) "
        "from stg_groundtruth__output_manifests "
        "where labeling_job_name in ('od-running', 'od-stopped') group by all"
    ).fetchall())  # fmt: skip
    assert statuses == {"od-running:human": 4, "od-running:unlabeled": 1,
                        "od-stopped:human": 2, "od-stopped:unlabeled": 3}  # fmt: skip
    failed = [
        c for c in result.validation.checks if c.suite == "output_manifests" and not c.success
    ]
    assert failed == []


def test_a_rewritten_manifest_is_kept_whole_and_counted_once(built):
    con, _, settings, first, *_ = built
    lake = duckdb.connect()
    versions = lake.execute(
        "select _gtwh_run_id, count(*) from read_parquet(?) where key like '%od-running/%' group by all",
        [str(settings.lake_dir / "output_manifests" / "*.parquet")],
    ).fetchall()
    assert sorted(n for _, n in versions) == [len(RUNNING_V1), len(RUNNING_V2)]
    assert first.run_id in {r for r, _ in versions}
    staged = con.execute(
        "select count(*), count(distinct source_ref) from stg_groundtruth__output_manifests "
        "where labeling_job_name = 'od-running'"
    ).fetchone()
    assert staged == (len(RUNNING_V2), len(RUNNING_V2))
    (row,) = con.execute(
        "select raw_records, staged_records, quarantined_records, is_balanced from reconciliation "
        "where resource = 'output_manifests'"
    ).fetchall()
    assert row == (sum(map(len, MANIFESTS.values())) + len(RUNNING_V1),) * 2 + (0, True)


def test_auto_annotations_split_on_any_whitespace_under_any_matching_name(built):
    con, mirror, *_ = built
    ids = sorted(r[0] for r in con.execute(
        "select dataset_object_id from stg_groundtruth__auto_annotations where labeling_job_name = 'od-auto'"
    ).fetchall())  # fmt: skip
    assert ids == sorted(line.split()[0] for line in auto_file(mirror).read_text().splitlines())
    assert ids == sorted(AUTO_IDS)
    assert (
        con.execute(
            "select count(*) from quarantine where resource = 'auto_annotations'"
        ).fetchone()[0]
        == 0
    )


def test_auto_label_ids_that_disagree_with_consolidation_ids_warn(built):
    con, _, _, _, result, _ = built
    rows = dict(
        (r[0], r[1:])
        for r in con.execute(
            "select labeling_job_name, auto_labeled_ids, auto_label_id_mismatches, "
            "is_auto_label_ids_consistent from job_consistency"
        ).fetchall()
    )
    assert rows["od-auto"] == (4, 2, False)  # "1" was labeled by humans; "img-9" is no object id
    assert rows["ic-chain"] == (1, 0, True)
    assert rows["od-base"] == (None, None, None)
    assert result.marts.tests_warned >= 1


def test_incremental_build_equals_a_rebuild(built):
    """The second run took the new manifest version in incrementally; a full rebuild gives the
    same rows."""
    *_, (incremental, rebuilt) = built
    for table in COMPARED:
        assert incremental[table] == rebuilt[table], table
    assert len(incremental["base_groundtruth__output_manifests"]) == sum(
        map(len, MANIFESTS.values())
    ) + len(RUNNING_V1)
