"""A run killed between pages (or between a data file and its ledger) resumes without loss or
duplicates. The extraction runs as ``gtwh extract --source aws`` in a subprocess, against a
moto server in this process, and is killed with SIGKILL by the fault hook (extract/faults.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from extract.lake import Lake
from extract.sources.aws import extract_aws
from extract.sources.aws.logs import PAGE_COMMITTED, cursor_key
from tests.conftest import isolated_settings
from tests.test_aws_support import (
    AWS_ENV,
    GROUP,
    REGION,
    STREAM,
    clients,
    lake_rows,
    message,
    ms,
    options,
    put_events,
    recent,
)

COLUMNS = '"eventId", "logStreamName", "timestamp", "ingestionTime", message, source_format'
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server(monkeypatch):
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    session = boto3.Session(region_name=REGION)
    session.client("s3").list_buckets()  # the server is up
    yield session
    moto.stop()


def _gtwh(data_dir: Path, until: str, crash: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GTWH_", "PYTEST"))}
    env.update({"GTWH_AWS_LOG_PAGE_SIZE": "400", "GTWH_AWS_MAX_ATTEMPTS": "3"})
    if crash:
        env["GTWH_CRASH_AT"] = crash
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "extract.cli",
            "--data-dir",
            str(data_dir),
            "extract",
            "--source",
            "aws",
            "--resource",
            "worker_activity",
            "--until",
            until,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_killed_between_pages_resumes_with_nothing_lost_or_duplicated(server, tmp_path):
    for s in range(3):
        put_events(
            server,
            f"{STREAM}{s}",
            [
                (ms(recent(5) + timedelta(seconds=3 * i + s)), message(3 * i + s))
                for i in range(800)
            ],
        )
    until = recent(1).isoformat()
    settings = isolated_settings(tmp_path / "killed")
    key = cursor_key(REGION, GROUP)

    killed = _gtwh(settings.data_dir, until, f"{PAGE_COMMITTED}:2")
    assert killed.returncode == -9, killed.stderr  # SIGKILL after the 2nd committed page
    assert len(lake_rows(settings.lake_dir, "worker_activity", '"eventId"')) == 800
    window = Lake(settings.lake_dir).ledger("worker_activity").cursor[key]["window"]
    assert window["pages"] == 2 and window["token"]

    torn = _gtwh(settings.data_dir, until, "after_data_file:2")  # data file written, ledger not
    assert torn.returncode == -9, torn.stderr
    assert Lake(settings.lake_dir).ledger("worker_activity").cursor[key]["window"]["pages"] == 3
    assert (
        len(list((settings.lake_dir / "worker_activity").glob("part-*.parquet"))) == 4
    )  # 1 orphan

    finished = _gtwh(settings.data_dir, until, None)
    assert finished.returncode == 0, finished.stderr
    assert Lake(settings.lake_dir).ledger("worker_activity").cursor[key]["window"] is None

    clean = isolated_settings(tmp_path / "clean")
    opts = options(resources=("worker_activity",), until=datetime.fromisoformat(until))
    assert extract_aws(clean, options=opts, clients=clients(server)).problems == []
    resumed = lake_rows(settings.lake_dir, "worker_activity", COLUMNS)
    assert len(resumed) == 2400 and len({r[0] for r in resumed}) == 2400
    assert resumed == lake_rows(clean.lake_dir, "worker_activity", COLUMNS)
