"""Acceptance on the simulated operation (what ``make etl`` builds): job B, started from A's
final model, is cheaper, faster and more automated than its control C on the same input
manifest; A -> B -> D resolves as one chain; and the numbers trace back to the
DescribeLabelingJob files and the S3 output in the simulator's mirror, read here in plain
Python."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from extract.pipeline import run_etl
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


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory):
    settings = isolated_settings(tmp_path_factory.mktemp("jobs-simulated"))
    run_etl(settings, "simulator", out=io.StringIO())
    mirror = settings.simulator_dir
    scenario = json.loads((mirror / "_simulation.json").read_text())["scenario"]
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    yield con, mirror, scenario
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
