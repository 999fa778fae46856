"""`gtwh extract --source aws`: options, reporting, credentials, progress, documentation."""

from __future__ import annotations

import io
import json
import logging
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from botocore.stub import Stubber

import extract.sources.aws as aws_package
from extract.cli import main
from extract.runner import Progress
from extract.sources.aws import AwsOptions, AwsSetupError, extract_aws
from extract.sources.aws.context import AwsExtractionReport
from extract.sources.aws.errors import OPTIONAL_PERMISSIONS, PERMISSIONS
from tests.test_aws_support import (
    AWS_ENV,
    FAKE_KEY_ID,
    FAKE_SECRET,
    REGION,
    STREAM,
    clients,
    inject_errors,
    lake_rows,
    message,
    moto_account,
    ms,
    options,
    put_events,
    recent,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "aws.md"


@pytest.fixture
def aws(monkeypatch):
    with moto_account(monkeypatch) as session:
        yield session


def test_environment_variables_and_flags_set_the_options(monkeypatch, aws, settings):
    env = {
        "GTWH_AWS_REGION": "eu-west-1",
        "GTWH_AWS_WORKTEAMS": "team-a, team-b",
        "GTWH_AWS_JOBS": "job-1",
        "GTWH_AWS_SINCE": "2026-10-01",
        "GTWH_AWS_UNTIL": "2026-10-02T12:00:00Z",
        "GTWH_AWS_FULL_REFRESH": "1",
        "GTWH_IDENTITY": "hash",
        "GTWH_AWS_LOG_PAGE_SIZE": "500",
        "GTWH_AWS_RESOURCES": "users,worker_activity",
        "GTWH_AWS_EXPORT_S3": "s3://b/p",
        "GTWH_AWS_LOG_OVERLAP_MINUTES": "30",
        "GTWH_AWS_METRIC_PERIOD": "3600",
    }
    opts = AwsOptions.from_env(env)
    assert (opts.region, opts.workteams, opts.jobs, opts.identity) == (
        "eu-west-1",
        ("team-a", "team-b"),
        ("job-1",),
        "hash",
    )
    assert opts.since == datetime(2026, 10, 1, tzinfo=UTC)
    assert opts.until == datetime(2026, 10, 2, 12, tzinfo=UTC)
    assert opts.full_refresh and opts.log_page_size == 500 and opts.metric_period == 3600
    assert opts.log_overlap == timedelta(minutes=30) and opts.export_s3 == "s3://b/p"
    with pytest.raises(ValueError, match="identity='maybe'"):
        AwsOptions.from_env({"GTWH_IDENTITY": "maybe"})
    with pytest.raises(ValueError, match="GTWH_AWS_LOG_PAGE_SIZE='many'"):
        AwsOptions.from_env({"GTWH_AWS_LOG_PAGE_SIZE": "many"})
    seen = {}

    def fake_extract(_settings, *, options=None, **_kwargs):
        seen["o"] = options  # what the CLI passed down
        return AwsExtractionReport("run", "aws:test")

    monkeypatch.setattr(aws_package, "extract_aws", fake_extract)
    monkeypatch.setenv("GTWH_AWS_JOBS", "job-from-env")  # a default the flags do not override
    environment = dict(os.environ)
    main(
        [
            "--data-dir",
            str(settings.data_dir),
            "extract",
            "--source",
            "aws",
            "--region",
            "ap-south-1",
            "--workteam",
            "x",
            "--workteam",
            "y",
            "--since",
            "7d",
            "--identity",
            "drop",
            "--full-refresh",
            "--resource",
            "users",
        ]
    )
    o = seen["o"]
    assert dict(os.environ) == environment  # flags travel as options, not variables
    assert (o.region, o.workteams, o.identity, o.full_refresh, o.resources, o.jobs) == (
        "ap-south-1",
        ("x", "y"),
        "drop",
        True,
        ("users",),
        ("job-from-env",),
    )
    assert timedelta(days=6, hours=23) < datetime.now(UTC) - o.since < timedelta(days=7, hours=1)


def test_a_denied_call_is_printed_with_its_permission_and_the_exit_status_is_1(
    aws, settings, monkeypatch, capsys
):
    put_events(aws, f"{STREAM}a", [(ms(recent(1)), message(1))])
    c = clients(aws)
    inject_errors(c.client("logs"), "FilterLogEvents", "AccessDeniedException", times=1)
    monkeypatch.setattr(aws_package, "Clients", lambda **_kw: c)
    status = main(
        [
            "--data-dir",
            str(settings.data_dir),
            "extract",
            "--source",
            "aws",
            "--resource",
            "worker_activity",
        ]
    )
    err = capsys.readouterr().err
    assert status == 1
    assert (
        "not extracted: FilterLogEvents on log group /aws/sagemaker/groundtruth/WorkerActivity "
        "was denied (AccessDeniedException): the credentials need logs:FilterLogEvents."
    ) in err


def test_no_credentials_stops_the_run_with_a_clear_message(monkeypatch, settings, capsys):
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    status = main(
        [
            "--data-dir",
            str(settings.data_dir),
            "extract",
            "--source",
            "aws",
            "--region",
            REGION,
            "--resource",
            "worker_activity",
        ]
    )
    assert status == 2
    assert "no usable AWS credentials in the standard boto3 chain" in capsys.readouterr().err
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(AwsSetupError, match="no AWS region: pass --region"):
        extract_aws(settings, options=AwsOptions(resources=("worker_activity",)))


def test_credentials_never_reach_the_lake_the_state_or_the_logs(aws, settings, caplog, capsys):
    caplog.set_level(logging.DEBUG, logger="gtwh")
    caplog.set_level(logging.INFO)
    cognito = aws.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="p")["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="a@example.com", MessageAction="SUPPRESS")
    put_events(aws, f"{STREAM}a", [(ms(recent(1)), message(1))])
    c = clients(aws)
    inject_errors(
        c.client("logs"),
        "FilterLogEvents",
        "AccessDeniedException",
        times=1,
        text=f"User with key {FAKE_KEY_ID} is not authorized",
    )  # echoed by AWS
    with Stubber(c.client("sagemaker")) as sagemaker:  # an account without work teams
        sagemaker.add_response("list_workteams", {"Workteams": []}, {})
        report = extract_aws(
            settings,
            options=options(resources=("users", "worker_activity"), user_pools=(pool,)),
            clients=c,
        )
    assert report.rows_by_resource()["users"] == 1
    text = [r.getMessage() for r in caplog.records] + list(capsys.readouterr())
    text += [p.describe() for p in report.problems]
    for path in settings.data_dir.rglob("*"):
        if path.suffix == ".json":
            text.append(path.read_text())
        elif path.suffix == ".parquet":
            rows = duckdb.sql(f"select * from read_parquet('{path}')").fetchall()
            text.append(json.dumps(rows, default=str))
    blob = "\n".join(text)
    assert "a@example.com" in blob  # the scan does see the lake's contents
    for secret in (FAKE_KEY_ID, FAKE_SECRET, AWS_ENV["AWS_SESSION_TOKEN"]):
        assert secret not in blob
    assert report.problems[0].detail == "User with key <access-key-id> is not authorized"


def test_progress_shows_pages_on_a_terminal_and_nothing_otherwise(aws, settings, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    put_events(aws, f"{STREAM}a", [(ms(recent(2)) + i, message(i)) for i in range(25)])
    for stream, expect_output in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr("sys.stderr", stream)
        extract_aws(
            settings,
            options=options(resources=("worker_activity",), log_page_size=10, full_refresh=True),
            clients=clients(aws),
        )
        shown = stream.getvalue()
        assert bool(shown) == expect_output
        if expect_output:
            assert re.search(r"worker_activity\s+3 pages\s+25 rows\s+[\d,]+ rows/s", shown)
    assert Progress(io.StringIO()).enabled is False
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 25


def test_the_documentation_lists_every_permission_and_variable():
    doc = DOC.read_text()
    policy = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    granted = {a for s in policy["Statement"] for a in s["Action"]}
    read_only = {p for op, p in PERMISSIONS.items() if op not in OPTIONAL_PERMISSIONS}
    assert granted == read_only
    for op in OPTIONAL_PERMISSIONS:
        assert PERMISSIONS[op] in doc
    source = Path(aws_package.__file__).with_name("options.py").read_text()
    variables = set(re.findall(r'"(GTWH_[A-Z_]+)"', source))
    assert variables and all(v in doc for v in variables), variables - set(
        re.findall(r"GTWH_[A-Z_]+", doc)
    )


def test_a_bad_flag_value_is_one_line_and_exit_2(settings, capsys):
    argv = ["--data-dir", str(settings.data_dir), "etl", "--source", "aws", "--since", "soon"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gtwh etl: ") and "soon" in err and "\n" not in err
