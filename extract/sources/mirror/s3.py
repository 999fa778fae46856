"""Ground Truth's labeling output in S3: output manifests, consolidation responses per iteration,
and active-learning output. Lines and array elements are kept verbatim; job names and iteration
numbers are parsed from the keys in dbt staging.
"""

from __future__ import annotations

import re
from pathlib import Path

from extract.runner import Run, SourceFile, sql_list, sql_str
from extract.sources.mirror.files import find, json_buffer_size


class S3Listing:
    """The mirror's ``s3/`` tree, listed once for the three readers that share it."""

    def __init__(self, mirror: Path) -> None:
        self.mirror = mirror
        self._files: list[SourceFile] | None = None

    def files(self) -> list[SourceFile]:
        if self._files is None:
            self._files = find(self.mirror, self.mirror / "s3", "*")
        return self._files


class _S3Reader:
    resource = ""
    label = ""
    key_pattern: re.Pattern[str]

    def __init__(self, mirror: Path, listing: S3Listing | None = None) -> None:
        self.mirror = mirror
        self.root = mirror / "s3"
        self.listing = listing or S3Listing(mirror)

    def discover(self) -> list[SourceFile]:
        return [f for f in self.listing.files() if self.key_pattern.search(f.key)]

    def _files(self, files: list[SourceFile]) -> str:
        """A CTE body with each file's bucket, key and source key, worked out once per file
        (not once per row); the rows join it on ``filename``."""
        root, mirror = str(self.root) + "/", str(self.mirror) + "/"
        return f"""
            SELECT filename,
                   split_part(replace(filename, {sql_str(root)}, ''), '/', 1) AS bucket,
                   regexp_replace(replace(filename, {sql_str(root)}, ''), '^[^/]+/', '') AS key,
                   replace(filename, {sql_str(mirror)}, '') AS _gtwh_source
            FROM (SELECT unnest({sql_list([f.path for f in files])}) AS filename)
        """

    def _location(self) -> str:
        return "files.bucket, files.key, "

    def _lineage(self, run: Run) -> str:
        return f"{run.lineage_sql()}, files._gtwh_source"


class _LinesReader(_S3Reader):
    def rows(self, files: list[SourceFile], run: Run) -> str:
        return f"""
        WITH files AS ({self._files(files)})
        SELECT {self._location()} line, {self._lineage(run)}, NULL AS _gtwh_record_index
        FROM read_csv({sql_list([f.path for f in files])}, columns={{'line': 'VARCHAR'}},
                      header=false, delim='\x01', quote='', escape='', filename=true,
                      auto_detect=false)
        JOIN files USING (filename)
        WHERE line IS NOT NULL AND trim(line) <> ''
        """


class OutputManifestReader(_LinesReader):
    resource = "output_manifests"
    label = "S3 output manifests"
    key_pattern = re.compile(r"/manifests/output/output\.manifest$")


class AutoAnnotationReader(_LinesReader):
    resource = "auto_annotations"
    label = "S3 active-learning output"
    # Any file whose name ends in auto_annotator_output.txt, as the AWS notebooks match them
    # (aws/amazon-sagemaker-examples, ground_truth_object_detection_tutorial).
    key_pattern = re.compile(r"/activelearning/.+auto_annotator_output\.txt$")


class ConsolidationResponseReader(_S3Reader):
    resource = "consolidation_responses"
    label = "S3 consolidation responses"
    key_pattern = re.compile(r"/consolidation-response/iteration-\d+/[^/]+\.json$")

    # Many small files (one per labeling batch): large batches keep the ledger writes few.
    max_files = 4096

    def rows(self, files: list[SourceFile], run: Run) -> str:
        return f"""
        WITH files AS ({self._files(files)})
        SELECT {self._location()} json AS element, {self._lineage(run)},
               NULL AS _gtwh_record_index
        FROM read_json_objects({sql_list([f.path for f in files])}, format='array',
                               filename=true,
                               maximum_object_size={json_buffer_size(files)})
        JOIN files USING (filename)
        """


S3_READERS = [OutputManifestReader, ConsolidationResponseReader, AutoAnnotationReader]
