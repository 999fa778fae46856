"""Finding a mirror's files, in a stable order."""

from __future__ import annotations

from pathlib import Path

from extract.runner import SourceFile


def find(root: Path, base: Path, pattern: str) -> list[SourceFile]:
    """Files under ``base`` matching ``pattern`` (rglob), keyed relative to ``root``, sorted.

    Hidden files and files whose name starts with ``_`` (notes, summaries) are ignored.
    """
    if not base.is_dir():
        return []
    found = [
        p
        for p in base.rglob(pattern)
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(base).parts)
    ]
    return [SourceFile.of(p, root) for p in sorted(found)]


def json_buffer_size(files: list[SourceFile]) -> int:
    """The object buffer DuckDB's JSON reader needs for these files (it reserves twice this per
    thread): 16 MiB covers API pages (at most 1 MB or 10,000 events); a larger file, such as one
    the AWS CLI merged from many pages, gets a buffer of its own size."""
    largest = max(f.size for f in files)
    size = 16 * 1024 * 1024
    while size <= largest:
        size *= 2
    return size
