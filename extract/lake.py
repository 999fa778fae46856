"""The Parquet lake: one folder per resource, files committed atomically, a ledger per resource.

Commit protocol for one batch:
  1. DuckDB writes ``<dataset>/.tmp/<file>``; the file is fsynced;
  2. it is renamed to ``<dataset>/<file>`` (atomic on POSIX) and the folder is fsynced;
  3. the resource's ledger (``_state/<resource>.json``) records the file and the sources it covers,
     written to a temporary file, fsynced and renamed.
A crash before 3 leaves a data file the ledger does not know: ``prepare()`` deletes such orphans
at the start of the next run, which then reads the same sources again. So a run killed at any point
and re-run loses nothing and duplicates nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from extract.faults import maybe_crash
from extract.parsing import TYPERS
from extract.resources import RESOURCES, Resource

SCHEMA_FILE = "_schema.parquet"
# zstd level 1: about as small as the default level 3 on this data, and much faster to write.
# Row groups end at 122,880 rows or 16 MB, whichever comes first (the byte cap needs
# preserve_insertion_order off, as the extraction's connection has it): DuckDB's reader holds a
# whole column chunk of a row group in memory, and at 10M events a 122,880-row group of
# output-manifest lines (up to 1.5 KB each) was an 82 MB chunk, read into 128 MB buffers per
# thread, so base_groundtruth__output_manifests ran out of dbt's 1 GB beside the worker-activity
# model. Files stay the same size (38.19 vs 38.10 MB on the largest manifest file).
PARQUET_OPTIONS = (
    "COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 122880, ROW_GROUP_SIZE_BYTES '16MB'"
)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write JSON so that readers see the old or the new content, never a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w") as fh:
        json.dump(payload, fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_path(path.parent)


@dataclass
class Ledger:
    """What one resource has committed: its data files and the source units they cover."""

    path: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Ledger:
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text())
        return cls(path, data["files"], data["sources"], data.get("cursor", {}))

    def save(self) -> None:
        write_json_atomic(
            self.path, {"files": self.files, "sources": self.sources, "cursor": self.cursor}
        )

    def is_current(self, source_key: str, fingerprint: str) -> bool:
        entry = self.sources.get(source_key)
        return entry is not None and entry["fingerprint"] == fingerprint

    @property
    def records(self) -> int:
        return sum(f["records"] for f in self.files.values())


class Lake:
    """A folder of Parquet datasets, one per resource in :data:`extract.resources.RESOURCES`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def dataset_dir(self, resource: str) -> Path:
        return self.root / resource

    def ledger(self, resource: str) -> Ledger:
        return Ledger.load(self.root / "_state" / f"{resource}.json")

    def prepare(self, con: duckdb.DuckDBPyConnection) -> list[Path]:
        """Create every dataset folder with its schema file; delete uncommitted leftovers.

        Returns the orphan files removed (data written by a run that died before committing).
        """
        removed: list[Path] = []
        for resource in RESOURCES.values():
            folder = self.dataset_dir(resource.name)
            shutil.rmtree(folder / ".tmp", ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            known = set(self.ledger(resource.name).files)
            for path in folder.glob("*.parquet"):
                if path.name != SCHEMA_FILE and path.name not in known:
                    path.unlink()
                    removed.append(path)
            if not (folder / SCHEMA_FILE).exists():
                self._write_schema(con, resource, folder / SCHEMA_FILE)
            else:
                self._upgrade(con, resource, folder)
        return removed

    def _upgrade(self, con: duckdb.DuckDBPyConnection, resource: Resource, folder: Path) -> int:
        """Bring a dataset written by an earlier version to the declared columns (a column
        typed at landing that its files lack, issue 14): each data file is rewritten from its
        own raw columns, atomically, then the schema file. Idempotent, so a run that dies
        half-way upgrades again. Returns the number of files rewritten."""
        schema = folder / SCHEMA_FILE
        if _columns(con, schema) == list(resource.all_columns):
            return 0
        files = sorted(self.ledger(resource.name).files)
        for name in files:
            have = set(_columns(con, folder / name))
            landed = ", ".join(
                f'"{c}"' if c in have else f'NULL::{t} AS "{c}"'
                for c, t in resource.landed_columns.items()
            )
            relation = f"(SELECT {landed} FROM read_parquet('{folder / name}'))"
            self._copy(con, stored_rows(resource, relation), folder / name)
        self._write_schema(con, resource, schema)
        return len(files)

    def _write_schema(self, con: duckdb.DuckDBPyConnection, resource: Resource, path: Path) -> None:
        cols = ", ".join(f'NULL::{t} AS "{c}"' for c, t in resource.all_columns.items())
        self._copy(con, f"SELECT {cols} LIMIT 0", path)

    @staticmethod
    def _copy(
        con: duckdb.DuckDBPyConnection, query: str, path: Path, *, keep_empty: bool = True
    ) -> int:
        """Write the rows of ``query`` to ``path`` atomically; returns the number of rows.
        With ``keep_empty=False`` an empty result writes nothing."""
        tmp = path.parent / ".tmp" / path.name
        tmp.parent.mkdir(parents=True, exist_ok=True)
        rows = con.execute(
            f"COPY ({query}) TO '{tmp}' (FORMAT parquet, {PARQUET_OPTIONS})"
        ).fetchone()[0]
        if not rows and not keep_empty:
            tmp.unlink(missing_ok=True)
            return 0
        _fsync_path(tmp)
        os.replace(tmp, path)
        _fsync_path(path.parent)
        return rows

    def commit(
        self,
        con: duckdb.DuckDBPyConnection,
        resource: str,
        rows: str | pa.Table | None,
        *,
        sources: dict[str, str],
        run_id: str,
        cursor: dict[str, Any] | None = None,
    ) -> int:
        """Write ``rows`` as one data file covering ``sources`` (key -> fingerprint); the only
        write to the lake (the runner's, :meth:`extract.runner.Runner.commit`).

        ``rows``: a DuckDB query yielding the resource's columns, lineage included, streamed
        straight to Parquet (a batch is never held in memory as a whole); an Arrow table built
        in memory; or None. Returns the number of rows written. With no rows only the ledger
        moves: the sources are consumed, the cursor is set.
        """
        spec = RESOURCES[resource]
        digest = hashlib.sha256(
            json.dumps(sorted(sources.items())).encode() + resource.encode()
        ).hexdigest()[:20]
        name = f"part-{digest}.parquet"
        path = self.dataset_dir(resource) / name
        written = 0
        if isinstance(rows, pa.Table):
            con.register("_gtwh_arrow", rows)
            try:
                written = self._copy(con, stored_rows(spec, "_gtwh_arrow"), path, keep_empty=False)
            finally:
                con.unregister("_gtwh_arrow")
        elif rows is not None:
            written = self._copy(con, stored_rows(spec, f"({rows})"), path, keep_empty=False)
        ledger = self.ledger(resource)
        if written:
            maybe_crash("after_data_file")
            ledger.files[name] = {"records": written, "run_id": run_id}
        for key, fingerprint in sources.items():
            ledger.sources[key] = {"fingerprint": fingerprint, "file": name if written else None}
        if cursor is not None:
            ledger.cursor.update(cursor)
        ledger.save()
        return written

    def glob(self, resource: str) -> str:
        return str(self.dataset_dir(resource) / "*.parquet")

    def counts(self) -> dict[str, int]:
        return {name: self.ledger(name).records for name in RESOURCES}


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]


def stored_rows(spec: Resource, relation: str) -> str:
    """The rows of ``relation`` (a reader's: the resource's raw columns and lineage) as the lake
    stores them: cast to the declared types, with the columns typed at landing beside them."""
    landed = ", ".join(f'"{c}"::{t} AS "{c}"' for c, t in spec.landed_columns.items())
    query = f"SELECT {landed} FROM {relation}"
    if spec.typed:
        query = TYPERS[spec.name](query, list(spec.landed_columns))
    stored = ", ".join(f'"{c}"::{t} AS "{c}"' for c, t in spec.all_columns.items())
    return f"SELECT {stored} FROM ({query})"


def arrow_rows(resource: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Build an Arrow table with the resource's columns (lineage included) from dicts."""
    spec = RESOURCES[resource]
    arrow_types = {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "DOUBLE": pa.float64(),
        "TIMESTAMP": pa.timestamp("us"),
    }
    rows = list(rows)
    return pa.table(
        {
            c: pa.array([r.get(c) for r in rows], type=arrow_types[t])
            for c, t in spec.landed_columns.items()
        }
    )
