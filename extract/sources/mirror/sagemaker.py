"""DescribeWorkteam and DescribeLabelingJob responses, kept verbatim (one row per file version).

Jobs change until they reach a terminal status, so a changed file lands again as a new version;
staging keeps the newest version of each job.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from extract.lake import arrow_rows
from extract.runner import Run, SourceFile
from extract.sources.mirror.files import find


def _document(path: Path, required: str) -> tuple[str, dict]:
    text = path.read_text()
    doc = json.loads(text)
    if not isinstance(doc, dict) or required not in doc:
        raise KeyError(f"{path.name}: no '{required}' in the response")
    return text, doc


class WorkteamsReader:
    resource = "workteams"
    label = "DescribeWorkteam responses"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.mirror / "sagemaker" / "describe-workteam", "*.json")

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            text, doc = _document(f.path, "Workteam")
            name = doc["Workteam"].get("WorkteamName") or f.path.stem
            out.append({"workteam_name": name, "response": text, **run.lineage(f.key, 1)})
        return arrow_rows(self.resource, out)


class LabelingJobsReader:
    resource = "labeling_jobs"
    label = "DescribeLabelingJob responses"

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror

    def discover(self) -> list[SourceFile]:
        return find(self.mirror, self.mirror / "sagemaker" / "describe-labeling-job", "*.json")

    def rows(self, files: list[SourceFile], run: Run) -> pa.Table:
        out = []
        for f in files:
            text, doc = _document(f.path, "LabelingJobName")
            out.append(
                {
                    "labeling_job_name": doc["LabelingJobName"],
                    "response": text,
                    **run.lineage(f.key, 1),
                }
            )
        return arrow_rows(self.resource, out)
