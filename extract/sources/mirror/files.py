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
        p for p in base.rglob(pattern)
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(base).parts)
    ]
    return [SourceFile.of(p, root) for p in sorted(found)]
