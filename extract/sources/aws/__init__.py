"""Extraction from a real AWS account into the same lake the mirror source fills.

One module per AWS API (``sagemaker``, ``cognito``, ``logs``, ``cloudwatch``, ``s3``); the
rows they land are the mirror readers' rows for the same data, so nothing downstream can tell
the sources apart (only ``_gtwh_source`` differs: ``aws:<api>/<what>/<page>``). State lives
in the lake's ledgers and moves in the same commit as the rows it covers. See docs/aws.md.

>>> from extract.settings import Settings
>>> report = extract_aws(Settings.from_env(), options=AwsOptions(region="eu-west-1"))  # doctest: +SKIP
"""

from __future__ import annotations

import shutil
import sys

from extract.extraction import connect_scratch
from extract.lake import Lake
from extract.runner import Progress, Run
from extract.settings import Settings
from extract.sources.aws.cloudwatch import extract_metric_data
from extract.sources.aws.cognito import extract_group_members, extract_users
from extract.sources.aws.context import AwsExtractionReport, AwsRun
from extract.sources.aws.errors import AwsProblem, AwsSetupError
from extract.sources.aws.identity import Identity
from extract.sources.aws.logs import create_export, extract_worker_activity
from extract.sources.aws.options import AwsOptions, parse_time
from extract.sources.aws.s3 import (
    JOB_OUTPUTS,
    extract_export_files,
    extract_job_outputs,
    split_s3_uri,
)
from extract.sources.aws.sagemaker import Workforce, extract_labeling_jobs, extract_workteams
from extract.sources.aws.session import Clients

__all__ = [
    "AwsExtractionReport",
    "AwsOptions",
    "AwsProblem",
    "AwsSetupError",
    "Clients",
    "extract_aws",
    "parse_time",
]


def extract_aws(
    settings: Settings,
    *,
    options: AwsOptions | None = None,
    clients: Clients | None = None,
) -> AwsExtractionReport:
    """Land everything new in the account (or the scope ``options`` narrows it to).

    ``options`` default to :meth:`AwsOptions.from_env`; ``clients`` to boto3's standard
    credential chain in ``options.region``. Parts of the account that cannot be read are in
    ``report.problems`` (and logged); the rest is landed. Raises :class:`AwsSetupError` when
    no call can succeed (no credentials, no region).
    """
    options = options or AwsOptions.from_env()
    clients = clients or Clients(region=options.region, max_attempts=options.max_attempts)
    identity = Identity(options.identity)
    lake = Lake(settings.lake_dir)
    run = Run.start()
    spool = settings.data_dir / "aws-spool" / run.run_id
    con = connect_scratch()
    try:
        orphans = lake.prepare(con)
        report = AwsExtractionReport(
            run.run_id, f"aws:{clients.region}", orphans_removed=len(orphans)
        )
        ctx = AwsRun(options, clients, lake, con, run, report, spool, Progress(sys.stderr))
        _extract(ctx, identity)
        report.problems = list(ctx.problems.items)
    finally:
        con.close()
        shutil.rmtree(spool, ignore_errors=True)
        if spool.parent.is_dir() and not any(spool.parent.iterdir()):
            spool.parent.rmdir()
    return report


def _extract(ctx: AwsRun, identity: Identity) -> None:
    """The order of the calls (the tests' SageMaker Stubber queues depend on it)."""
    wants = ctx.options.wants
    outputs = [r for r in JOB_OUTPUTS if wants(r)]
    team_metrics = wants("metric_data") and bool(ctx.options.workteams)
    need_jobs = wants("labeling_jobs") or bool(outputs) or team_metrics
    workforce = Workforce()
    if need_jobs or wants("workteams") or wants("users") or wants("group_members"):
        workforce = extract_workteams(ctx, land=wants("workteams"))
    jobs: dict = {}
    if need_jobs:
        jobs = extract_labeling_jobs(ctx, workforce, land=wants("labeling_jobs"))
    pools = {pool: set(groups) for pool, groups in workforce.pools.items()}
    for pool in ctx.options.user_pools:
        pools.setdefault(pool, set())
    if wants("users"):
        extract_users(ctx, sorted(pools), identity)
    if wants("group_members"):
        extract_group_members(ctx, pools, identity)
    if wants("worker_activity"):
        extract_worker_activity(ctx)
        if ctx.options.export_s3:
            if ctx.options.create_export:
                bucket, prefix = split_s3_uri(ctx.options.export_s3)
                with ctx.problems.guard("worker_activity", f"export to {ctx.options.export_s3}"):
                    create_export(ctx, bucket, prefix)
            extract_export_files(ctx)
    if wants("metric_data"):
        extract_metric_data(ctx, set(jobs) if team_metrics else None)
    if outputs:
        extract_job_outputs(ctx, jobs)
