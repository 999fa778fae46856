"""Objects in S3: labeling output of each job, and CloudWatch Logs export files.

Objects are listed with the ``list_objects_v2`` paginator; an object is a source unit keyed
``aws:s3://<bucket>/<key>`` with fingerprint ``<size>:<ETag>``, so the shared runner
(:meth:`extract.runner.Runner.read`) skips what the lake already holds and lands only new or
rewritten objects. A batch is downloaded into a spool folder laid out like the mirror's
``s3/<bucket>/<key>`` tree and handed to the mirror's reader for that resource: the rows are
the mirror's rows by construction, only ``_gtwh_source`` names the S3 object instead of a file.

Per job, only the three prefixes the warehouse reads are listed (never the large
``worker-response`` or ``training`` trees). A job whose output was read after it reached a
terminal status is not listed again (until ``--full-refresh``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.resources import RESOURCES
from extract.runner import Reader, Run, SourceFile
from extract.sources.aws.context import AwsRun
from extract.sources.mirror.logs import ExportFileReader
from extract.sources.mirror.s3 import (
    AutoAnnotationReader,
    ConsolidationResponseReader,
    OutputManifestReader,
)

TERMINAL = frozenset({"Completed", "Failed", "Stopped"})
# resource -> (mirror reader, sub-prefix of <S3OutputPath>/<job>/ that holds its objects)
JOB_OUTPUTS: dict[str, tuple[type, str]] = {
    "output_manifests": (OutputManifestReader, "manifests/output/"),
    "consolidation_responses": (
        ConsolidationResponseReader,
        "annotations/consolidated-annotation/consolidation-response/",
    ),
    "auto_annotations": (AutoAnnotationReader, "activelearning/"),
}
OUTPUTS_CURSOR = "aws:job_outputs_complete"  # declared by each JOB_OUTPUTS resource


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> ``("bucket", "a/b")``."""
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri!r}")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


@dataclass
class Listing:
    """One S3 prefix to list, and who it belongs to (for messages and skip-lists)."""

    bucket: str
    prefix: str
    owner: str = ""


@dataclass
class SpooledS3Reader:
    """A :class:`extract.runner.Reader` over S3 objects, landed by a mirror reader."""

    ctx: AwsRun
    resource: str
    label: str
    mirror_reader: Callable[[Path], Any]  # spool root -> mirror reader
    listings: list[Listing]
    wanted: Callable[[str], bool]  # "<bucket>/<key>" -> read it?
    failed: set[str] = field(default_factory=set)  # owners whose listing failed
    spooled: set[Path] = field(default_factory=set)  # objects downloaded for the current batch

    def discover(self) -> list[SourceFile]:
        found: dict[str, SourceFile] = {}
        for listing in self.listings:
            target = f"s3://{listing.bucket}/{listing.prefix}"
            with self.ctx.problems.guard(self.resource, target, operation="ListObjectsV2"):
                ok = False
                pages = self.ctx.clients.paginate(
                    "s3", "list_objects_v2", Bucket=listing.bucket, Prefix=listing.prefix
                )
                for page in pages:
                    for obj in page.get("Contents", []):
                        key = obj["Key"]
                        if key.endswith("/") or not self.wanted(f"{listing.bucket}/{key}"):
                            continue
                        unit = SourceFile(
                            key=f"aws:s3://{listing.bucket}/{key}",
                            path=self.ctx.spool_dir / "s3" / listing.bucket / key,
                            size=int(obj.get("Size", 0)),
                            fingerprint=f"{obj.get('Size', 0)}:{obj.get('ETag', '')}",
                        )
                        found[unit.key] = unit
                ok = True
            if not ok:
                self.failed.add(listing.owner)
        return [found[k] for k in sorted(found)]

    def rows(self, files: list[SourceFile], run: Run) -> str:
        # The runner retries a failed batch unit by unit: keep what this batch already fetched.
        batch = {unit.path for unit in files}
        for path in list(self.spooled):
            if path not in batch:
                path.unlink(missing_ok=True)
                self.spooled.discard(path)
        s3 = self.ctx.clients.client("s3")
        for unit in files:
            if unit.path in self.spooled:
                continue
            bucket, key = split_s3_uri(unit.key.removeprefix("aws:"))
            unit.path.parent.mkdir(parents=True, exist_ok=True)
            body = s3.get_object(Bucket=bucket, Key=key)["Body"]
            with unit.path.open("wb") as fh:
                shutil.copyfileobj(body, fh, length=1024 * 1024)
            self.spooled.add(unit.path)
        inner = self.mirror_reader(self.ctx.spool_dir).rows(files, run)
        if not isinstance(inner, str):
            raise TypeError("mirror S3 readers build DuckDB queries")
        return (
            "SELECT * REPLACE ('aws:' || regexp_replace(_gtwh_source, '^s3/', 's3://') "
            f"AS _gtwh_source) FROM ({inner})"
        )


def land(ctx: AwsRun, reader: Reader) -> bool:
    """Run a reader with the shared runner; an AWS failure stops only this resource."""
    ctx.clear_spool()
    try:
        with ctx.problems.guard(reader.resource, reader.label, operation="GetObject"):
            ctx.report.results.append(ctx.read(reader))
            return True
        return False
    finally:
        ctx.clear_spool()


def extract_job_outputs(ctx: AwsRun, jobs: dict[str, dict[str, Any]]) -> None:
    """Land new output manifests, consolidation responses and active-learning output.

    ``jobs``: name -> {"status", "modified", "output" (S3OutputPath)} for the jobs in scope.
    """
    for resource, (mirror_cls, sub_prefix) in JOB_OUTPUTS.items():
        if not ctx.options.wants(resource):
            continue
        cursor_key = RESOURCES[resource].cursor_key(OUTPUTS_CURSOR, ctx.region)
        complete: dict[str, str] = ctx.cursor(resource, cursor_key)
        listings = []
        for name, job in sorted(jobs.items()):
            if not job.get("output") or complete.get(name) == job.get("modified"):
                continue
            bucket, prefix = split_s3_uri(job["output"])
            base = f"{prefix.rstrip('/')}/{name}/" if prefix.strip("/") else f"{name}/"
            listings.append(Listing(bucket, base + sub_prefix, owner=name))
        pattern: re.Pattern[str] = mirror_cls.key_pattern
        reader = SpooledS3Reader(
            ctx,
            resource,
            mirror_cls.label,
            lambda root, cls=mirror_cls: cls(root),
            listings,
            lambda key, p=pattern: bool(p.search("/" + key)),
        )
        if not land(ctx, reader):
            continue  # landing failed part-way: nothing is marked complete
        for listing in listings:
            job = jobs[listing.owner]
            if listing.owner not in reader.failed and job.get("status") in TERMINAL:
                complete[listing.owner] = job["modified"]
        if complete:
            ctx.save_state(resource, cursor_key, complete)


def extract_export_files(ctx: AwsRun) -> None:
    """Land CloudWatch Logs export files (``*.gz``) found under ``export_s3``."""
    assert ctx.options.export_s3
    bucket, prefix = split_s3_uri(ctx.options.export_s3)
    reader = SpooledS3Reader(
        ctx,
        "worker_activity",
        "CloudWatch Logs export files in S3",
        lambda root: ExportFileReader(root, root),
        [Listing(bucket, prefix, owner="export")],
        lambda key: key.endswith(".gz"),
    )
    land(ctx, reader)
