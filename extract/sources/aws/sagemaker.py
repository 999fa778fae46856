"""SageMaker Ground Truth: work teams and labeling jobs (moto does not emulate these; the tests
use ``botocore.stub.Stubber``).

Calls, in this order (the tests' Stubber queues rely on it):

1. ``ListWorkteams`` (paginator; skipped when ``workteams`` names the teams), then
   ``DescribeWorkteam`` for every team, sorted by name. The Cognito user pools and groups
   behind the teams come from ``MemberDefinitions``. A description lands in ``workteams``
   when its content changed.
2. ``ListLabelingJobs`` (paginator; ``since`` -> ``LastModifiedTimeAfter``, ``until`` ->
   ``CreationTimeBefore``), then ``ListLabelingJobsForWorkteam`` for every team, sorted by ARN
   (adds jobs of this account that the first list missed).
3. ``DescribeLabelingJob``, sorted by name, for every job that is new, whose
   ``LastModifiedTime`` or status changed since it was last described, or that was not yet in
   a terminal status (Completed, Failed, Stopped). A description lands in ``labeling_jobs``
   when its content changed. The cursor keeps, per job, the status, ``LastModifiedTime``,
   work team and ``S3OutputPath`` of the last description, committed with those rows.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from extract.resources import RESOURCES
from extract.runner import Page, ResourceResult
from extract.sources.aws.context import AwsRun
from extract.sources.aws.responses import cli_json, cli_time, digest

TERMINAL = frozenset({"Completed", "Failed", "Stopped"})
DESCRIBE_BATCH = 50


@dataclass
class Workforce:
    """What the work teams in scope point at."""

    workteam_arns: set[str] = field(default_factory=set)
    pools: dict[str, set[str]] = field(default_factory=dict)  # user pool id -> group names


def extract_workteams(ctx: AwsRun, *, land: bool) -> Workforce:
    """Describe the work teams in scope; land the descriptions that changed if ``land``."""
    label = "DescribeWorkteam responses"
    result = ctx.result("workteams", label) if land else ResourceResult("workteams", label)
    return ctx.land(result, _workteam_pages(ctx, land, result), unit="responses")


def _workteam_pages(
    ctx: AwsRun, land: bool, result: ResourceResult
) -> Generator[Page, None, Workforce]:
    opts = ctx.options
    found = Workforce()
    names: list[str] = list(opts.workteams)
    if not names:
        with ctx.problems.guard("workteams", "the account's work teams"):
            for page in ctx.clients.paginate("sagemaker", "list_workteams"):
                names.extend(team["WorkteamName"] for team in page.get("Workteams", []))
    rows: list[dict[str, Any]] = []
    sources: dict[str, str] = {}
    sagemaker = ctx.clients.client("sagemaker")
    for name in sorted(set(names)):
        with ctx.problems.guard("workteams", f"work team {name}"):
            response = sagemaker.describe_workteam(WorkteamName=name)
            team = response["Workteam"]
            result.units_seen += 1
            found.workteam_arns.add(team["WorkteamArn"])
            for member in team.get("MemberDefinitions", []):
                cognito = member.get("CognitoMemberDefinition")
                if cognito:
                    found.pools.setdefault(cognito["UserPool"], set()).add(cognito["UserGroup"])
            text = cli_json(response)
            key = f"aws:sagemaker/describe-workteam/{ctx.region}/{name}"
            if land and ctx.landed_fingerprint("workteams", key) != digest(text):
                rows.append(
                    {
                        "workteam_name": team["WorkteamName"],
                        "response": text,
                        **ctx.run.lineage(f"aws:sagemaker/describe-workteam/{name}", 1),
                    }
                )
                sources[key] = ctx.unique(digest(text))
    if rows:
        yield Page("workteams", rows, sources, units=len(rows))
    return found


def _jobs_key(region: str) -> str:
    return RESOURCES["labeling_jobs"].cursor_key("aws:labeling_jobs", region)


def _needs_describe(known: dict[str, Any] | None, summary: dict[str, Any]) -> bool:
    if not known or known.get("status") not in TERMINAL:
        return True
    if summary.get("LabelingJobStatus") and summary["LabelingJobStatus"] != known.get("status"):
        return True
    modified = summary.get("LastModifiedTime")
    return modified is not None and cli_time(modified) != known.get("modified")


def _list_jobs(ctx: AwsRun, workforce: Workforce) -> dict[str, dict[str, Any]]:
    opts = ctx.options
    summaries: dict[str, dict[str, Any]] = {}
    kwargs: dict[str, Any] = {}
    if opts.since:
        kwargs["LastModifiedTimeAfter"] = opts.since
    if opts.until:
        kwargs["CreationTimeBefore"] = opts.until
    with ctx.problems.guard("labeling_jobs", "the account's labeling jobs"):
        for page in ctx.clients.paginate("sagemaker", "list_labeling_jobs", **kwargs):
            for summary in page.get("LabelingJobSummaryList", []):
                summaries[summary["LabelingJobName"]] = summary
    for arn in sorted(workforce.workteam_arns):
        account = arn.split(":")[4] if arn.count(":") >= 5 else ""
        team_kwargs: dict[str, Any] = {"WorkteamArn": arn}
        if opts.since:
            team_kwargs["CreationTimeAfter"] = opts.since
        if opts.until:
            team_kwargs["CreationTimeBefore"] = opts.until
        with ctx.problems.guard("labeling_jobs", f"labeling jobs of work team {arn}"):
            pages = ctx.clients.paginate(
                "sagemaker", "list_labeling_jobs_for_workteam", **team_kwargs
            )
            for page in pages:
                for summary in page.get("LabelingJobSummaryList", []):
                    name = summary.get("LabelingJobName")
                    # Jobs of other requester accounts cannot be described from this one.
                    if name and summary.get("WorkRequesterAccountId") == account:
                        summaries.setdefault(name, {"LabelingJobName": name, "WorkteamArn": arn})
    if opts.workteams:
        summaries = {
            n: s
            for n, s in summaries.items()
            if not s.get("WorkteamArn") or s["WorkteamArn"] in workforce.workteam_arns
        }
    if opts.jobs:
        wanted = {j.lower() for j in opts.jobs}
        summaries = {n: s for n, s in summaries.items() if n.lower() in wanted}
        for name in opts.jobs:  # asked for by name: describe it even if no list showed it
            if name.lower() not in {n.lower() for n in summaries}:
                summaries[name] = {"LabelingJobName": name}
    return summaries


def extract_labeling_jobs(
    ctx: AwsRun, workforce: Workforce, *, land: bool
) -> dict[str, dict[str, Any]]:
    """Describe new, changed and unfinished jobs; return every job in scope with its state."""
    label = "DescribeLabelingJob responses"
    result = ctx.result("labeling_jobs", label) if land else ResourceResult("labeling_jobs", label)
    return ctx.land(result, _job_pages(ctx, workforce, land, result), unit="jobs")


def _job_pages(
    ctx: AwsRun, workforce: Workforce, land: bool, result: ResourceResult
) -> Generator[Page, None, dict[str, dict[str, Any]]]:
    """A page per DESCRIBE_BATCH described jobs, with the jobs' states as the cursor."""
    key = _jobs_key(ctx.region)
    known: dict[str, dict[str, Any]] = ctx.cursor("labeling_jobs", key).get("jobs", {})
    summaries = _list_jobs(ctx, workforce)
    result.units_seen = len(summaries)
    todo = [n for n in sorted(summaries) if _needs_describe(known.get(n), summaries[n])]
    sagemaker = ctx.clients.client("sagemaker")
    for start in range(0, len(todo), DESCRIBE_BATCH):
        rows: list[dict[str, Any]] = []
        sources: dict[str, str] = {}
        described = 0
        for name in todo[start : start + DESCRIBE_BATCH]:
            with ctx.problems.guard("labeling_jobs", f"labeling job {name}"):
                response = sagemaker.describe_labeling_job(LabelingJobName=name)
                described += 1
                text = cli_json(response)
                known[name] = {
                    "status": response["LabelingJobStatus"],
                    "modified": cli_time(response["LastModifiedTime"]),
                    "workteam": response.get("HumanTaskConfig", {}).get("WorkteamArn"),
                    "output": response.get("OutputConfig", {}).get("S3OutputPath"),
                }
                source_key = f"aws:sagemaker/describe-labeling-job/{ctx.region}/{name}"
                if ctx.landed_fingerprint("labeling_jobs", source_key) != digest(text):
                    rows.append(
                        {
                            "labeling_job_name": response["LabelingJobName"],
                            "response": text,
                            **ctx.run.lineage(f"aws:sagemaker/describe-labeling-job/{name}", 1),
                        }
                    )
                    sources[source_key] = ctx.unique(digest(text))
        if land:
            if not sources:  # nothing changed, but the states are worth keeping
                sources = {
                    f"aws:sagemaker/describe-labeling-job/{ctx.region}": ctx.unique(
                        f"batch-{start // DESCRIBE_BATCH}"
                    )
                }
            yield Page("labeling_jobs", rows, sources, {key: {"jobs": known}}, units=described)
    in_scope = set(summaries) | {
        n
        for n, j in known.items()
        if (not ctx.options.workteams or j.get("workteam") in workforce.workteam_arns)
        and (not ctx.options.jobs or n.lower() in {x.lower() for x in ctx.options.jobs})
    }
    return {n: known[n] for n in sorted(in_scope) if n in known}
