"""Acceptance on the simulated operation (what ``make etl`` builds): job B, started from A's
final model, is cheaper, faster and more automated than its control C on the same input
manifest; A -> B -> D resolves as one chain; jobs chained on an earlier job's output manifest,
the 3D point-cloud job, the stopped job and the running job (whose manifest is rewritten
between two runs) count their own objects; and the numbers trace back to the
DescribeLabelingJob files and the S3 output in the simulator's mirror, read here in plain
Python."""

from __future__ import annotations

import io
import json
import os
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import ensure_simulation, run_etl
from tests.conftest import isolated_settings

FEE = 0.08  # the shipped price book's service fee
HOURLY = 18.0  # the shipped price book's illustrative rate for the simulated teams


def describe(mirror: Path, job: str) -> dict:
    return json.loads((mirror / "sagemaker/describe-labeling-job" / f"{job}.json").read_text())


def whole_seconds(doc: dict) -> int:
    created, modified = (
        datetime.fromisoformat(doc[k]).replace(microsecond=0)
        for k in ("CreationTime", "LastModifiedTime")
    )
    return int((modified - created).total_seconds())


def s3_iterations(mirror: Path) -> dict[tuple[str, int], list[int]]:
    """(job, iteration) -> [human, machine] objects, first label only, read from the S3 files."""
    labels: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for path in mirror.glob("s3/*/**/consolidation-response/iteration-*/*.json"):
        job = path.parts[path.parts.index("annotations") - 1]
        iteration = int(path.parent.name.removeprefix("iteration-"))
        for element in json.loads(path.read_text()):
            labels[job].append((iteration, path.stem, str(element["datasetObjectId"]), "human"))
    for path in mirror.glob("s3/*/**/activelearning/**/auto_annotator_output.txt"):
        job = path.parts[path.parts.index("activelearning") - 1]
        iteration = int(path.parts[path.parts.index("activelearning") + 1])
        for line in path.read_text().splitlines():
            if line.strip():
                labels[job].append((iteration, "", line.split()[0], "machine"))
    out: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for job, rows in labels.items():
        seen = set()
        for iteration, _, object_id, who in sorted(rows):
            if object_id not in seen:
                seen.add(object_id)
                out[(job, iteration)][0 if who == "human" else 1] += 1
    return out


def output_manifest(mirror: Path, job: str) -> Path:
    return next(mirror.glob(f"s3/*/**/{job}/manifests/output/output.manifest"))


def own_statuses(mirror: Path, job: str) -> Counter:
    """Objects by status in the job's output manifest, read through its LabelAttributeName."""
    own = describe(mirror, job)["LabelAttributeName"] + "-metadata"
    out: Counter = Counter()
    for text in output_manifest(mirror, job).read_text().splitlines():
        meta = json.loads(text).get(own)
        if meta is None:
            out["unlabeled"] += 1
        elif "failure-reason" in meta:
            out["failed"] += 1
        else:
            out["human" if meta["human-annotated"] == "yes" else "machine"] += 1
    return out


def earlier_version(mirror: Path, job: str, iterations: int) -> str:
    """The running job's manifest as Ground Truth wrote it after ``iterations`` batches: the
    objects labeled later keep their input line (rebuilt here from the final file and the
    consolidation responses)."""
    attr = describe(mirror, job)["LabelAttributeName"]
    later = {
        str(e["datasetObjectId"])
        for p in mirror.glob(
            f"s3/*/**/{job}/annotations/**/consolidation-response/iteration-*/*.json"
        )
        if int(p.parent.name.removeprefix("iteration-")) > iterations
        for e in json.loads(p.read_text())
    }
    out = []
    for i, text in enumerate(output_manifest(mirror, job).read_text().splitlines()):
        if str(i) in later:
            row = json.loads(text)
            text = json.dumps({k: v for k, v in row.items() if k not in (attr, f"{attr}-metadata")})
        out.append(text + "\n")
    return "".join(out)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    """``make etl`` on the simulated operation, run as Ground Truth's S3 evolves: first with the
    running job's earlier output.manifest, then again once it was rewritten."""
    settings = isolated_settings(tmp_path_factory.mktemp("jobs-simulated"))
    mirror = ensure_simulation(settings)
    summary = json.loads((mirror / "_simulation.json").read_text())
    scenario = summary["scenario"]
    (running,) = scenario["running"]
    first, last = summary["manifest_versions"][running]
    path = output_manifest(mirror, running)
    final = path.read_bytes()
    assert len(final) == last["bytes"]
    earlier = earlier_version(mirror, running, first["iterations"]).encode()
    assert len(earlier) == first["bytes"]  # exactly the version the simulator wrote first
    path.write_bytes(earlier)
    os.utime(path, (1_790_000_000, 1_790_000_000))
    first_run = run_etl(settings, "simulator", out=io.StringIO())
    path.write_bytes(final)
    os.utime(path, (1_790_003_600, 1_790_003_600))
    run_etl(settings, "simulator", out=io.StringIO())
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield (
        con,
        mirror,
        scenario | {"versions": (first, last), "first_run": first_run.extraction.run_id},
    )
    con.close()


def names(scenario: dict) -> tuple[str, str, str, str]:
    a, b, d = scenario["chain"]
    c = scenario["control"]["job"]
    assert scenario["control"]["compare_with"] == b
    return a, b, c, d


def test_b_is_cheaper_faster_and_more_automated_than_its_control(simulated):
    con, _, scenario = simulated
    _, b, c, _ = names(scenario)
    row = con.execute(
        "select is_same_input_manifest, is_treated_faster, is_treated_cheaper, is_treated_more_automated, "
        "elapsed_reduction_pct, cost_reduction_pct, machine_labeled_share_difference_points, "
        "iterations_before_auto_labeling_saved "
        "from job_pair_comparisons where treated_job_name = ? and control_job_name = ?",
        [b, c],
    ).fetchone()
    assert row is not None, "B and C were not paired"
    assert row[:4] == (True, True, True, True)
    assert row[4] > 0 and row[5] > 0 and row[6] > 0
    assert row[7] >= 1


def test_pair_numbers_trace_to_job_records_and_s3(simulated):
    con, mirror, scenario = simulated
    _, b, c, _ = names(scenario)
    iterations = s3_iterations(mirror)
    totals = {
        job: [sum(v[k] for (j, _), v in iterations.items() if j == job) for k in (0, 1)]
        for job in (b, c)
    }
    row = con.execute(
        "select treated_elapsed_seconds, control_elapsed_seconds, treated_machine_labeled_share, "
        "control_machine_labeled_share from job_pair_comparisons "
        "where treated_job_name = ? and control_job_name = ?",
        [b, c],
    ).fetchone()
    assert row[0] == whole_seconds(describe(mirror, b))
    assert row[1] == whole_seconds(describe(mirror, c))
    for job, share in ((b, row[2]), (c, row[3])):
        human, machine = totals[job]
        assert share == pytest.approx(machine / (human + machine))
        counters = describe(mirror, job)["LabelCounters"]
        assert (counters["HumanLabeled"], counters["MachineLabeled"]) == (human, machine)


def test_job_cost_is_fee_per_object_plus_private_working_hours(simulated):
    con, mirror, _ = simulated
    working = dict(
        con.execute(
            "select labeling_job_name, sum(working_seconds) / 3600 from int_task_working_time group by 1"
        ).fetchall()
    )
    iterations = s3_iterations(mirror)
    rows = con.execute(
        "select labeling_job_name, cost_total_usd from fct_labeling_job_costs"
    ).fetchall()
    assert rows
    for job, total in rows:
        objects = sum(sum(v) for (j, _), v in iterations.items() if j == job)
        assert float(total) == pytest.approx(
            objects * FEE + working.get(job, 0) * HOURLY, abs=1e-3
        ), job


def test_chain_a_b_d_resolves_and_the_control_stands_alone(simulated):
    con, mirror, scenario = simulated
    a, b, c, d = names(scenario)
    chains = dict(con.execute("select job_path, is_model_chain from job_chains").fetchall())
    assert chains[f"{a} > {b} > {d}"] is True
    assert chains[c] is True  # a chain of one
    iterations = s3_iterations(mirror)
    human = sum(v[0] for (j, _), v in iterations.items() if j in (a, b, d))
    machine = sum(v[1] for (j, _), v in iterations.items() if j in (a, b, d))
    rate = con.execute(
        "select cumulative_automation_rate from job_chains where job_path = ?", [f"{a} > {b} > {d}"]
    ).fetchone()[0]
    assert rate == pytest.approx(machine / (human + machine))


def test_every_iteration_matches_the_s3_files(simulated):
    con, mirror, _ = simulated
    expected = {k: tuple(v) for k, v in s3_iterations(mirror).items()}
    got = {
        (job, it): (h, m)
        for job, it, h, m in con.execute(
            "select labeling_job_name, iteration, human_labeled_objects, machine_labeled_objects "
            "from fct_labeling_job_iterations"
        ).fetchall()
    }
    assert got == expected
    assert max(it for _, it in got) >= 10  # iteration-10 and up are parsed whole


def test_counters_s3_and_worker_log_agree_on_the_simulation(simulated):
    con, mirror, _ = simulated
    rows = con.execute(
        "select labeling_job_name, is_counter_total_consistent, is_iterations_consistent, "
        "submitted_task_ratio from job_consistency"
    ).fetchall()
    jobs = {p.stem for p in (mirror / "sagemaker/describe-labeling-job").glob("*.json")}
    assert {r[0] for r in rows} == jobs
    for job, counters_ok, iterations_ok, ratio in rows:
        assert counters_ok and iterations_ok, job
        assert ratio == pytest.approx(1.0, abs=0.01), job


def test_job_names_in_marts_are_the_describe_files(simulated):
    con, mirror, _ = simulated
    jobs = {p.stem for p in (mirror / "sagemaker/describe-labeling-job").glob("*.json")}
    for table in (
        "dim_labeling_jobs",
        "fct_labeling_job_costs",
        "job_comparison",
        "job_consistency",
    ):
        assert {
            r[0] for r in con.execute(f"select labeling_job_name from {table}").fetchall()
        } == jobs, table


def test_every_job_counts_its_own_label_in_the_manifest(simulated):
    """Chained and adjustment jobs (two labels per line), the 3D job (source-ref-metadata
    first), the stopped and the running job: counted through their own LabelAttributeName."""
    con, mirror, scenario = simulated
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select labeling_job_name, manifest_objects, manifest_human_labeled, "
            "manifest_machine_labeled, manifest_failed, manifest_unlabeled, is_manifest_consistent "
            "from job_consistency where manifest_objects is not null"
        ).fetchall()
    }
    jobs = [
        *scenario["chained"],
        *scenario["point_cloud"],
        *scenario["stopped"],
        *scenario["running"],
    ]
    assert set(jobs) <= set(rows)
    for job in rows:
        want = own_statuses(mirror, job)
        assert rows[job][:5] == (sum(want.values()), want["human"], want["machine"],
                                 want["failed"], want["unlabeled"]), job  # fmt: skip
        assert rows[job][5] is True, job
    for job in (*scenario["stopped"], *scenario["running"]):
        assert rows[job][1] > 0 and rows[job][4] > 0, job  # labeled and unlabeled objects


def test_chained_jobs_counts_and_cost_are_their_own(simulated):
    con, mirror, scenario = simulated
    iterations = s3_iterations(mirror)
    working = dict(con.execute(
        "select labeling_job_name, sum(working_seconds) / 3600 from int_task_working_time group by 1"
    ).fetchall())  # fmt: skip
    for job, parent in scenario["chained"].items():
        human = sum(v[0] for (j, _), v in iterations.items() if j == job)
        machine = sum(v[1] for (j, _), v in iterations.items() if j == job)
        row = con.execute(
            "select human_labeled_objects, machine_labeled_objects, cost_total_usd "
            "from fct_labeling_job_costs where labeling_job_name = ?",
            [job],
        ).fetchone()
        assert row[:2] == (human, machine), job
        assert float(row[2]) == pytest.approx(
            (human + machine) * FEE + working[job] * HOURLY, abs=1e-3
        )
        counters = describe(mirror, job)["LabelCounters"]
        assert (counters["HumanLabeled"], counters["MachineLabeled"]) == (human, machine)
        # every line keeps the earlier job's label too, queryable beside the job's own
        labels = con.execute(
            "select label_attribute_name, is_own_label, metadata_job_name, count(*) "
            "from stg_groundtruth__output_manifest_labels where labeling_job_name = ? group by all "
            "order by 2",
            [job],
        ).fetchall()
        lines = len(output_manifest(mirror, job).read_text().splitlines())
        assert labels == [
            (describe(mirror, parent)["LabelAttributeName"], False, parent, lines),
            (describe(mirror, job)["LabelAttributeName"], True, job, lines),
        ]


def test_rewritten_manifest_lands_whole_and_counts_once(simulated):
    con, mirror, scenario = simulated
    (running,) = scenario["running"]
    first, last = scenario["versions"]
    lake = duckdb.connect()
    landed = lake.execute(
        "select _gtwh_run_id = ?, count(*) from read_parquet(?) where key like ? group by 1",
        [scenario["first_run"], str(mirror.parent / "lake/output_manifests/*.parquet"),
         f"%/{running}/manifests/output/output.manifest"],
    ).fetchall()  # fmt: skip
    n = len(output_manifest(mirror, running).read_text().splitlines())
    assert dict(landed) == {True: n, False: n}  # both versions, every line of each
    staged = dict(con.execute(
        "select object_status, count(*) from stg_groundtruth__output_manifests "
        "where labeling_job_name = ? group by all", [running]
    ).fetchall())  # fmt: skip
    assert staged == {"human": last["labeled_objects"], "unlabeled": n - last["labeled_objects"]}
    assert first["labeled_objects"] < last["labeled_objects"]


def test_no_manifest_line_is_quarantined_and_every_resource_reconciles(simulated):
    con, _, _ = simulated
    assert (
        con.execute(
            "select count(*) from quarantine where resource in ('output_manifests', 'auto_annotations')"
        ).fetchone()[0]
        == 0
    )
    rows = con.execute("select resource, is_balanced from reconciliation").fetchall()
    assert rows and all(ok for _, ok in rows), rows
