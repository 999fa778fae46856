"""The AWS mirror: a folder laid out as the AWS CLI and S3 give the data (see README).

Each module reads one AWS API's files into its lake resource. A mirror may hold only some
folders; :func:`readers` returns a reader for every resource, and a reader whose folder is
absent discovers nothing and is reported as absent.
"""

from __future__ import annotations

from pathlib import Path

from extract.extraction import land
from extract.resources import RESOURCES
from extract.results import ExtractionReport
from extract.runner import Reader
from extract.settings import Settings
from extract.sources.mirror.cloudwatch import MetricDataReader
from extract.sources.mirror.cognito import GroupMembersReader, UsersReader
from extract.sources.mirror.logs import ExportFileReader, FilterLogEventsReader
from extract.sources.mirror.s3 import S3_READERS, S3Listing
from extract.sources.mirror.sagemaker import LabelingJobsReader, WorkteamsReader


def readers(mirror: Path) -> list[Reader]:
    logs = mirror / RESOURCES["worker_activity"].mirror_folder
    s3 = S3Listing(mirror)  # listed once, when the first S3 reader runs
    return [
        FilterLogEventsReader(mirror, logs),
        ExportFileReader(mirror, logs),
        UsersReader(mirror),
        GroupMembersReader(mirror),
        WorkteamsReader(mirror),
        LabelingJobsReader(mirror),
        MetricDataReader(mirror),
        *(cls(mirror, s3) for cls in S3_READERS),
    ]


def absent_folders(mirror: Path) -> list[str]:
    """The top-level mirror folders that are missing, for the run summary."""
    expected = dict.fromkeys(r.mirror_folder for r in RESOURCES.values() if r.mirror_folder)
    return [name for name in expected if not (mirror / name).is_dir()]


def extract_mirror(settings: Settings, mirror: Path) -> ExtractionReport:
    """Land an AWS mirror folder (see README, "The AWS mirror")."""
    if not mirror.is_dir():
        raise FileNotFoundError(f"mirror folder {str(mirror)!r} does not exist")
    return land(settings, readers(mirror), source=f"mirror:{mirror}", absent=absent_folders(mirror))
