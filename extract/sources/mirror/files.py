"""Finding a mirror's files, in a stable order."""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

from extract.runner import SourceFile


def find(root: Path, base: Path, pattern: str) -> list[SourceFile]:
    """Files under ``base`` whose name matches ``pattern``, keyed relative to ``root``, sorted
    by path (folder by folder, as ``Path`` sorts).

    Hidden files and files or folders whose name starts with ``_`` (notes, summaries) are
    ignored; symlinked folders are not followed. One ``os.scandir`` per folder and one ``stat`` per file, with
    keys built from strings: a run with nothing new is mostly this listing (about 100,000 files
    at 10 million events), which pathlib's ``rglob`` and ``relative_to`` made several times
    slower.
    """
    if not base.is_dir():
        return []
    prefix = len(str(root)) + 1
    found: list[tuple[list[str], str, int, int]] = []
    folders = [str(base)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif fnmatchcase(entry.name, pattern) and entry.is_file():
                    st = entry.stat()
                    found.append(
                        (entry.path[prefix:].split("/"), entry.path, st.st_size, st.st_mtime_ns)
                    )
    found.sort()
    return [
        SourceFile("/".join(parts), Path(path), size, f"{size}:{mtime}")
        for parts, path, size, mtime in found
    ]


def json_buffer_size(files: list[SourceFile]) -> int:
    """The object buffer DuckDB's JSON reader needs for these files (it reserves twice this per
    thread): 16 MiB covers API pages (at most 1 MB or 10,000 events); a larger file, such as one
    the AWS CLI merged from many pages, gets a buffer of its own size."""
    largest = max(f.size for f in files)
    size = 16 * 1024 * 1024
    while size <= largest:
        size *= 2
    return size
