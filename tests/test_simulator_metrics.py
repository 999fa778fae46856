"""The simulated operation's Cognito groups and CloudWatch metrics have the shapes real accounts
hold (issue 11, points 4 and 9): an emptied group, every documented Ground Truth metric with
GetMetricData's statistic names, ActiveWorkers as the guide defines it, and job outcomes.

Metric names and definitions: SageMaker developer guide, Monitor with CloudWatch, Ground Truth
metrics (doc_source/monitoring-cloudwatch.md in awsdocs/amazon-sagemaker-developer-guide).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import botocore.session
import pytest

from extract.simulator import simulate
from tests.test_simulator import genuine_records, read_log_events

DOCUMENTED = {
    "ActiveWorkers", "DatasetObjectsAutoAnnotated", "DatasetObjectsHumanAnnotated",
    "DatasetObjectsLabelingFailed", "JobsFailed", "JobsSucceeded", "JobsStopped",
    "TasksAccepted", "TasksDeclined", "TasksReturned", "TasksSubmitted", "TimeSpent",
    "TotalDatasetObjectsLabeled",
}  # fmt: skip


@pytest.fixture(scope="module")
def operation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("metrics") / "mirror"
    simulate(out, seed=7)
    return out


def _series(root: Path) -> list[tuple[dict, dict]]:
    """(MetricStat, result) of every GetMetricData file."""
    out = []
    for path in sorted((root / "cloudwatch/get-metric-data").glob("*.json")):
        doc = json.loads(path.read_text())
        stats = {q["Id"]: q["MetricStat"] for q in doc["MetricDataQueries"]}
        out += [(stats[r["Id"]], r) for r in doc["MetricDataResults"]]
    return out


def _job(dimensions: list[dict]) -> str | None:
    value = next((d["Value"] for d in dimensions if d["Name"].startswith("LabelingJob")), None)
    return None if value is None else value.rsplit("/", 1)[-1]


def test_one_team_names_an_emptied_group_whose_answer_lists_nobody(operation):
    pool = next((operation / "cognito-idp").iterdir())
    groups = {
        m["CognitoMemberDefinition"]["UserGroup"]
        for p in (operation / "sagemaker/describe-workteam").glob("*.json")
        for m in json.loads(p.read_text())["Workteam"]["MemberDefinitions"]
    }
    answers = {g: [json.loads(p.read_text()) for p in sorted((pool / "groups" / g).glob("*.json"))]
               for g in groups}  # fmt: skip
    empty = [g for g, pages in answers.items() if not any(p["Users"] for p in pages)]
    assert len(empty) == 1 and len(groups) == 4
    assert answers[empty[0]] == [{"Users": []}]  # one page, no NextToken


def test_every_documented_metric_is_there_with_getmetricdata_statistic_names(operation):
    enum = botocore.session.get_session().get_service_model("cloudwatch").shape_for("Statistic")
    series = _series(operation)
    assert {s["Metric"]["MetricName"] for s, _ in series} == DOCUMENTED
    assert {s["Stat"] for s, _ in series} <= set(enum.enum)
    for stat, _ in series:
        name = stat["Metric"]["MetricName"]
        assert stat["Stat"] == ("Maximum" if name.startswith(("Dataset", "Total")) else "Sum")


def test_active_workers_is_one_point_per_submitted_returned_or_declined_event(operation):
    closed: Counter = Counter()
    active: Counter = Counter()
    for stat, result in _series(operation):
        metric = stat["Metric"]
        if metric["Namespace"] != "AWS/SageMaker/Workteam":
            continue
        key = json.dumps(metric["Dimensions"])
        for at, value in zip(result["Timestamps"], result["Values"], strict=True):
            if metric["MetricName"] == "ActiveWorkers":
                active[(key, at)] += value
            elif metric["MetricName"] in ("TasksSubmitted", "TasksReturned", "TasksDeclined"):
                closed[(key, at)] += value
    assert active and active == closed


def test_tasks_accepted_and_job_outcomes_match_the_logs_and_the_descriptions(operation):
    records, _ = genuine_records(read_log_events(operation))
    accepted = Counter(
        r["labeling_job_arn"].rsplit("/", 1)[1]
        for r in records
        if r["event_type"] in ("TasksSubmitted", "TasksReturned")
    )
    describes = [
        json.loads(p.read_text())
        for p in (operation / "sagemaker/describe-labeling-job").glob("*.json")
    ]
    sums: defaultdict = defaultdict(float)
    failed_max: dict = {}
    for stat, result in _series(operation):
        name, job = stat["Metric"]["MetricName"], _job(stat["Metric"]["Dimensions"])
        if name == "DatasetObjectsLabelingFailed" and result["Values"]:
            failed_max[job] = max(result["Values"])
        elif name in ("TasksAccepted", "JobsSucceeded", "JobsFailed", "JobsStopped"):
            sums[(name, job)] += sum(result["Values"])
    for job, n in accepted.items():  # best effort: about 0.5% of the events are not delivered
        assert 0.97 * n - 3 <= sums[("TasksAccepted", job)] <= n, job
    status = Counter(d["LabelingJobStatus"] for d in describes)
    assert status["Completed"] and status["Failed"]
    assert sums[("JobsSucceeded", None)] == status["Completed"]
    assert sums[("JobsFailed", None)] == status["Failed"]
    assert sums[("JobsStopped", None)] == status["Stopped"]
    ended = {"Completed", "Failed", "Stopped"}
    assert failed_max and failed_max == {
        d["LabelingJobName"]: d["LabelCounters"]["FailedNonRetryableError"]
        for d in describes
        if d["LabelingJobStatus"] in ended and d["LabelCounters"]["FailedNonRetryableError"]
    }
