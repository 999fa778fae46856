"""Model-chain lineage, job pairs, iterations and consistency on hand-built jobs: a four-job
model chain with a branch through an output manifest, a job whose starting model matches
nothing, controls on the same input manifest, a declared pairing, two-digit iterations, and
jobs whose sources disagree on purpose."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from extract.sources.mirror import extract_mirror
from extract.transform import dbt
from tests.awsfiles import event, record, write_page
from tests.jobfiles import (
    Job,
    manifest_uri,
    model_arn,
    output_manifest_uri,
    project_copy,
    settings_for,
    write_auto_annotations,
    write_consolidation,
    write_job,
    write_output_manifest,
)

FEE = 0.08
MTURK_TASK = 0.036  # (0, 3, 6)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


def public(name: str, created: datetime, modified: datetime, **kw) -> Job:
    return Job(name, created, modified, public=True, workers=3, price=(0, 3, 6), **kw)


M1, M2, M3 = model_arn("ch-1-model"), model_arn("ch-2-model"), model_arn("ch-3-model")
JOBS = [
    public(
        "ch-1",
        at(1, 0),
        at(1, 10),
        automated=True,
        final_model=M1,
        input_manifest=manifest_uri("part-1"),
        counters=(6, 4, 0, 0),
    ),
    public(
        "ch-2",
        at(2, 0),
        at(2, 10),
        initial_model=M1,
        final_model=M2,
        input_manifest=manifest_uri("part-2"),
        counters=(2, 8, 0, 0),
    ),
    public(
        "ch-3",
        at(5, 0),
        at(5, 10),
        initial_model=M2,
        final_model=M3,
        input_manifest=manifest_uri("part-3"),
        counters=(4, 6, 0, 0),
    ),
    # Same data as ch-3 without a starting model: automated, and human-only.
    public(
        "ctl-3",
        at(5, 0),
        at(5, 20),
        automated=True,
        final_model=model_arn("ctl-3-model"),
        input_manifest=manifest_uri("part-3"),
        counters=(8, 2, 0, 0),
    ),
    public(
        "ctl-3b", at(5, 0), at(5, 12), input_manifest=manifest_uri("part-3"), counters=(10, 0, 0, 0)
    ),
    # Counters disagree with S3 on purpose (HumanLabeled 3, S3 has 2).
    public(
        "ch-4",
        at(6, 0),
        at(6, 8),
        initial_model=M3,
        input_manifest=manifest_uri("part-4"),
        counters=(3, 2, 0, 0),
    ),
    public(
        "other-4",
        at(6, 0),
        at(6, 9),
        input_manifest=manifest_uri("part-4-copy"),
        counters=(4, 0, 0, 0),
    ),
    public(
        "verify-ch-2",
        at(3, 0),
        at(3, 5),
        input_manifest=output_manifest_uri("ch-2"),
        counters=(3, 0, 0, 0),
    ),
    public(
        "orphan",
        at(7, 0),
        at(7, 6),
        initial_model=model_arn("deleted-model-7"),
        final_model=model_arn("orphan-model"),
        counters=(2, 2, 0, 0),
    ),
    # Private team; TotalLabeled wrongly includes the failed object; 5 submissions for 2 x 2.
    Job(
        "nests",
        at(8, 0),
        at(8, 6),
        team="nest-team",
        workers=2,
        counters=(2, 0, 1, 0),
        total_labeled=3,
    ),
]
HUMAN = {  # job -> [(iteration, time, object ids)]
    "ch-1": [(1, at(1, 2), [0, 1, 2, 3]), (2, at(1, 4), [4, 5])],
    "ch-2": [(1, at(2, 2), [0, 1])],
    "ch-3": [(1, at(5, 2), [0, 1, 2, 3])],
    "ctl-3": [(1, at(5, 4), [0, 1, 2, 3]), (2, at(5, 10), [4, 5, 6, 7])],
    "ctl-3b": [(1, at(5, 6), list(range(10)))],
    "ch-4": [(1, at(6, 2), [0, 1])],
    "other-4": [(1, at(6, 3), [0, 1, 2, 3])],
    "verify-ch-2": [(1, at(3, 2), [0, 1, 2])],
    "orphan": [(1, at(7, 2), [0, 1])],
    "nests": [(1, at(8, 3), [0, 1])],
}
MACHINE = {  # job -> [(iteration, time, object ids)]
    "ch-1": [(3, at(1, 6), [6, 7, 8, 9])],
    "ch-2": [(2, at(2, 4), list(range(2, 10)))],
    "ch-3": [(2, at(5, 4), list(range(4, 10)))],
    "ctl-3": [(12, at(5, 18), [8, 9])],
    "ch-4": [(2, at(6, 4), [2, 3])],
    "orphan": [(2, at(7, 4), [2, 3])],
}


def counts(job: str) -> tuple[int, int]:
    human = len({i for _, _, ids in HUMAN.get(job, []) for i in ids})
    machine = len({i for _, _, ids in MACHINE.get(job, []) for i in ids})
    return human, machine


def cost(job: str) -> float:
    human, machine = counts(job)
    return human * (FEE + 3 * MTURK_TASK) + machine * FEE


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("jobs-lineage")
    project = project_copy(
        root,
        price_book=["fee,service_fee,,2026-01-01,,object,0.08,test"],
        pairings=["CH-4,other-4,same images exported twice"],
    )
    settings = settings_for(root, project)
    mirror = root / "mirror"
    for job in JOBS:
        write_job(mirror, job)
    for name, batches in HUMAN.items():
        for iteration, when, ids in batches:
            write_consolidation(mirror, name, iteration, when, ids)
    for name, batches in MACHINE.items():
        for iteration, when, ids in batches:
            write_auto_annotations(mirror, name, iteration, [(i, when) for i in ids])
    write_output_manifest(mirror, "nests", human=2, machine=0, failed=1)
    write_output_manifest(mirror, "ch-1", human=6, machine=4)
    subs = ["44444444-4444-4444-4444-444444444444", "55555555-5555-5555-5555-555555555555"]
    write_page(
        mirror,
        "2026-10-08/page-000001.json",
        [
            event(
                record(
                    accepted=at(8, 1, 10 * k),
                    closed=at(8, 1, 10 * k + 5),
                    sub=subs[k % 2],
                    worker_id=f"bbbbbbbbbbbbbbb{k}",
                    job="nests",
                    team="nest-team",
                ),
                at=at(8, 1, 10 * k + 5),
            )
            for k in range(5)
        ],
    )
    extract_mirror(settings, mirror)
    outcome = dbt(
        settings, "build", "--select", "+path:models/marts/jobs", "--indirect-selection", "cautious"
    )
    assert outcome.success, outcome.failures
    con = duckdb.connect(str(settings.build_warehouse), read_only=True)
    yield con, outcome
    con.close()


def test_chains_of_any_length_resolve_with_branches_and_orphans(warehouse):
    con, _ = warehouse
    chains = dict(con.execute("select job_path, chain_length from job_chains").fetchall())
    assert chains == {
        "ch-1 > ch-2 > ch-3 > ch-4": 4,
        "ch-1 > ch-2 > verify-ch-2": 3,
        "ctl-3": 1,
        "ctl-3b": 1,
        "other-4": 1,
        "orphan": 1,  # its starting model matches no job's final model
        "nests": 1,
    }
    kinds = dict(
        con.execute(
            "select job_path, is_model_chain from job_chains where chain_length > 1"
        ).fetchall()
    )
    assert kinds == {"ch-1 > ch-2 > ch-3 > ch-4": True, "ch-1 > ch-2 > verify-ch-2": False}


def test_chain_members_carry_cumulative_automation(warehouse):
    con, _ = warehouse
    rows = con.execute(
        "select labeling_job_name, cumulative_labeled_objects, cumulative_automation_rate "
        "from job_chain_members where chain_job_path = 'ch-1 > ch-2 > ch-3 > ch-4' order by chain_position"
    ).fetchall()
    human = machine = 0
    expected = []
    for job in ["ch-1", "ch-2", "ch-3", "ch-4"]:
        h, m = counts(job)
        human, machine = human + h, machine + m
        expected.append((job, human + machine, pytest.approx(machine / (human + machine))))
    assert rows == expected
    rate = con.execute(
        "select cumulative_automation_rate from job_chains where job_path = 'ch-1 > ch-2 > ch-3 > ch-4'"
    ).fetchone()[0]
    assert rate == pytest.approx(20 / 34)


def test_edges_link_models_and_manifests(warehouse):
    con, _ = warehouse
    edges = {
        (a, b): (model, manifest)
        for a, b, model, manifest in con.execute(
            "select from_job_name, to_job_name, has_model_link, has_manifest_link from job_lineage_edges"
        ).fetchall()
    }
    assert edges == {
        ("ch-1", "ch-2"): (True, False),
        ("ch-2", "ch-3"): (True, False),
        ("ch-3", "ch-4"): (True, False),
        ("ch-2", "verify-ch-2"): (False, True),
    }


def test_pairs_on_the_same_data_with_and_without_a_model(warehouse):
    con, _ = warehouse
    pairs = {
        (t, c): (same, declared)
        for t, c, same, declared in con.execute(
            "select treated_job_name, control_job_name, is_same_input_manifest, is_declared "
            "from job_pair_comparisons"
        ).fetchall()
    }
    assert pairs == {
        ("ch-3", "ctl-3"): (True, False),
        ("ch-3", "ctl-3b"): (True, False),
        ("ch-4", "other-4"): (False, True),  # declared as CH-4: names compare lower-cased
    }


def test_pair_metrics_match_the_job_records_and_s3_output(warehouse):
    con, _ = warehouse
    row = con.execute(
        "select elapsed_reduction_pct, cost_reduction_pct, machine_labeled_share_difference_points, "
        "treated_first_machine_iteration, control_first_machine_iteration, "
        "iterations_before_auto_labeling_saved, is_treated_faster, is_treated_cheaper, is_treated_more_automated "
        "from job_pair_comparisons where treated_job_name = 'ch-3' and control_job_name = 'ctl-3'"
    ).fetchone()
    treated_elapsed, control_elapsed = 10 * 3600, 20 * 3600
    assert row[0] == pytest.approx(100 * (control_elapsed - treated_elapsed) / control_elapsed)
    assert row[1] == pytest.approx(100 * (cost("ctl-3") - cost("ch-3")) / cost("ctl-3"))
    assert row[2] == pytest.approx(100 * (6 / 10 - 2 / 10))
    assert row[3:] == (2, 12, 1, True, True, True)


def test_iterations_of_any_size_with_running_totals_and_windows(warehouse):
    con, _ = warehouse
    rows = con.execute(
        "select iteration, human_labeled_objects, machine_labeled_objects, cumulative_labeled_objects, "
        "started_at, ended_at, first_machine_iteration, is_first_machine_iteration "
        "from fct_labeling_job_iterations where labeling_job_name = 'ctl-3' order by iteration"
    ).fetchall()
    naive = lambda t: t.replace(tzinfo=None)  # noqa: E731
    assert rows == [
        (1, 4, 0, 4, naive(at(5, 0)), naive(at(5, 4)), 12, False),
        (2, 4, 0, 8, naive(at(5, 4)), naive(at(5, 10)), 12, False),
        (12, 0, 2, 10, naive(at(5, 10)), naive(at(5, 18)), 12, True),
    ]


def test_job_comparison_has_every_job_side_by_side(warehouse):
    con, _ = warehouse
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select labeling_job_name, human_labeled_objects, machine_labeled_objects, cost_total_usd, "
            "model_parent_job_name from job_comparison"
        ).fetchall()
    }
    assert set(rows) == {j.name for j in JOBS}
    parents = {"ch-2": "ch-1", "ch-3": "ch-2", "ch-4": "ch-3"}
    for job in rows:
        if job == "nests":
            continue
        assert rows[job][:2] == counts(job)
        assert float(rows[job][2]) == pytest.approx(cost(job), abs=1e-6)
        assert rows[job][3] == parents.get(job)


def test_consistency_flags_disagreeing_sources(warehouse):
    con, outcome = warehouse
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select labeling_job_name, is_counter_total_consistent, is_manifest_consistent, "
            "is_iterations_consistent, iteration_human_gap, submitted_task_ratio from job_consistency"
        ).fetchall()
    }
    assert rows["nests"] == (False, True, True, 0, pytest.approx(5 / 4))
    assert rows["ch-4"] == (True, None, False, -1, None)  # public team: no worker log
    assert rows["ch-1"] == (True, True, True, 0, None)
    # The warn-level dbt tests on job_consistency fired, and did not fail the build.
    assert outcome.tests_warned >= 2
