"""Whether the build warehouse already reflects the lake and the dbt project (``data/state/built.json``).

The fingerprints of the lake and of the project are computed once per run (:meth:`Fingerprints.of`,
after the extraction) and handed to every stage; only the warehouse file's size and mtime, which
the dbt builds change, are read at each check."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from extract.lake import write_json_atomic
from extract.settings import Settings
from extract.transform import project_fingerprint


@dataclass(frozen=True)
class Fingerprints:
    """What a build is built from: the lake's ledgers and the dbt project."""

    lake: str
    project: str

    @classmethod
    def of(cls, settings: Settings) -> Fingerprints:
        return cls(lake=lake_fingerprint(settings), project=project_fingerprint(settings))


def lake_fingerprint(settings: Settings) -> str:
    """What the lake holds: the ledgers name every committed file and every consumed source."""
    digest = hashlib.sha256()
    state = settings.lake_dir / "_state"
    for f in sorted(state.glob("*.json")) if state.is_dir() else []:
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def _build_state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "built.json"


def _warehouse_stamp(settings: Settings) -> list[int] | None:
    try:
        st = settings.build_warehouse.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def up_to_date(settings: Settings, fingerprints: Fingerprints | None = None) -> bool:
    """True when the build warehouse was last built, validated and tested successfully from exactly
    this lake with exactly this project, and nothing has written to it since: building again
    would reproduce it, so the dbt builds and the validation can be skipped. ``fingerprints``:
    this run's (computed here when not given)."""
    path = _build_state_path(settings)
    if not path.exists():
        return False
    state = json.loads(path.read_text())
    fingerprints = fingerprints or Fingerprints.of(settings)
    return (
        state.get("lake") == fingerprints.lake
        and state.get("project") == fingerprints.project
        and state.get("warehouse") == _warehouse_stamp(settings)
    )


def record_built(settings: Settings, fingerprints: Fingerprints | None = None) -> None:
    """Remember the lake and project the warehouse now reflects (after a successful build)."""
    fingerprints = fingerprints or Fingerprints.of(settings)
    write_json_atomic(
        _build_state_path(settings),
        {
            "lake": fingerprints.lake,
            "project": fingerprints.project,
            "warehouse": _warehouse_stamp(settings),
        },
    )


def forget_built(settings: Settings) -> None:
    _build_state_path(settings).unlink(missing_ok=True)
