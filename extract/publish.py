"""Publishing the warehouse: readers and the builder never share a DuckDB lock.

DuckDB's concurrency model (https://duckdb.org/docs/current/connect/concurrency, "Handling
Concurrency"): one process can read and write a database file, or many processes can read it
with ``access_mode = 'READ_ONLY'``, never both. It enforces that with a lock on the file, so an
analyst's read-only shell on the file dbt writes makes the build fail, and a build makes every new
reader fail ("Could not set lock on file").

So dbt never writes the file readers open. It builds into the **build** file
(``Settings.build_warehouse``, ``data/build/warehouse.duckdb``), which persists between runs so
incremental models see their previous state. Publishing then makes a checkpointed copy of it the
**published** file (``Settings.published_warehouse``, ``data/warehouse.duckdb``):

1. open the build file read-write and ``CHECKPOINT`` it: the whole database is then in the main
   file (nothing left in its ``.wal``), and holding the connection keeps any other writer out
   while it is copied;
2. copy it byte for byte to a temporary name in the published file's folder, ``fsync`` it, and
   open the copy read-only once to check it is a readable database;
3. ``rename`` the copy onto the published path (atomic on POSIX) and ``fsync`` the folder.

The published file is never opened for writing, so no lock is ever taken on it except readers'
shared ones. A reader that has the published file open keeps reading the file it opened (the
renamed-over inode stays alive on Linux until it is closed), a consistent old snapshot; a reader
that opens it after the rename sees the new one. A crash before the rename leaves the published
file as it was (the next publish deletes the stray copy); after it, the new file is complete.

A copy rather than a hard-link swap: a link would make the next build write into the very inode
readers have open. The copy costs one sequential read and write of the file (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.faults import maybe_crash

TEMP_PREFIX = ".publishing-"

_LOCK = re.compile(
    r'Could not set lock on file "(?P<path>[^"]+)": Conflicting lock is held in '
    r"(?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


class WarehouseLocked(RuntimeError):
    """Another process holds a DuckDB lock on a warehouse file; the message says who and what to do."""


class PublishError(RuntimeError):
    """The build file could not be published; the published warehouse is unchanged."""


def lock_message(error: BaseException | str) -> str | None:
    """One sentence for DuckDB's "Could not set lock on file" error: which file, which process
    holds it, and what to do. None when ``error`` is not a lock conflict."""
    text = str(error)
    m = _LOCK.search(text)
    if m is None:
        if "Could not set lock on file" not in text:
            return None
        path, holder = "the warehouse file", "another process"
    else:
        path = m["path"]
        holder = f"{Path(m['program']).name} (PID {m['pid']})"
    return (
        f"{path} is locked by {holder}, a process that has it open for writing (a hand-run "
        "dbt, gtwh etl, or a DuckDB shell started without -readonly): wait for it to finish or "
        "close it, then run this again; read-only readers of the published warehouse never "
        "cause this."
    )


def connect_file(path: Path, *, read_only: bool, config: dict | None = None):
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.Error as error:
        message = lock_message(error)
        if message is not None:
            raise WarehouseLocked(message) from None
        raise


def connect_published(settings=None, *, config: dict | None = None):
    """A read-only connection to the published warehouse (what every report and query opens).
    Raises :class:`WarehouseLocked` with a one-sentence explanation on a lock conflict and
    FileNotFoundError when nothing was published yet."""
    from extract.settings import published_warehouse

    path = published_warehouse(settings)
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path} yet: run `make etl` first")
    return connect_file(path, read_only=True, config=config)


def file_stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _record_path(build: Path) -> Path:
    return build.parent / "published.json"


@dataclass
class Published:
    path: Path
    bytes: int
    seconds: float


def is_published(build: Path, published: Path) -> bool:
    """True when ``published`` is the file the last publish of ``build`` wrote, and the build
    file has not changed since."""
    record = _record_path(build)
    if not record.exists():
        return False
    state = json.loads(record.read_text())
    return state.get("build") == file_stamp(build)[:2] and state.get("published") == file_stamp(
        published
    )


def swap_in(build: Path, published: Path) -> Published:
    """Copy the (checkpointed, not being written) build file onto the published path: temporary
    copy, fsync, check, atomic rename, fsync of the folder. The caller keeps writers out."""
    started = time.monotonic()
    published.parent.mkdir(parents=True, exist_ok=True)
    for stale in published.parent.glob(f"{TEMP_PREFIX}{published.name}*"):
        stale.unlink(missing_ok=True)  # a copy left by a publish that crashed before its rename
    temp = published.parent / f"{TEMP_PREFIX}{published.name}.{os.getpid()}"
    try:
        shutil.copyfile(build, temp)  # in-kernel copy (sendfile / copy_file_range) on Linux
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        maybe_crash("during_publish")
        check = duckdb.connect(str(temp), read_only=True)
        try:
            check.execute("select count(*) from duckdb_tables()").fetchone()
        finally:
            check.close()
        # A .wal next to the published file could only come from someone writing to it by hand
        # and crashing; it belongs to the old file, and DuckDB would replay it into the new one.
        Path(f"{published}.wal").unlink(missing_ok=True)
        os.replace(temp, published)
        _fsync_dir(published.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    maybe_crash("after_publish")
    size = published.stat().st_size
    record = _record_path(build)
    tmp_record = record.with_name(record.name + ".tmp")
    tmp_record.write_text(
        json.dumps({"build": file_stamp(build)[:2], "published": file_stamp(published)})
    )
    os.replace(tmp_record, record)
    return Published(published, size, time.monotonic() - started)


def publish(settings) -> Published:
    """Publish the build file of ``settings`` as its published warehouse (see the module's
    docstring). Raises :class:`WarehouseLocked` when another process is writing the build file."""
    build, published = settings.build_warehouse, settings.published_warehouse
    if not build.exists():
        raise PublishError(f"nothing to publish: {build} does not exist (run `make etl`)")
    con = connect_file(build, read_only=False)
    try:
        con.execute("checkpoint")
        return swap_in(build, published)
    finally:
        con.close()


def seed_build(settings) -> bool:
    """When there is no build file but a published warehouse (a first run after upgrading from a
    single-file layout, or data/build/ was deleted), start the build from a copy of the published
    one, so incremental models carry on from it instead of rebuilding from nothing."""
    build, published = settings.build_warehouse, settings.published_warehouse
    if build.exists() or not published.exists():
        return False
    build.parent.mkdir(parents=True, exist_ok=True)
    temp = build.with_name(build.name + ".seeding")
    shutil.copyfile(published, temp)
    with open(temp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(temp, build)
    _fsync_dir(build.parent)
    return True
