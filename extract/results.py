"""What a run produced: the extraction's report, and the result of a whole ``gtwh etl``
(extract/pipeline.py builds them, extract/summary.py prints them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.publish import Published
    from extract.runner import ResourceResult
    from extract.transform import DbtOutcome


@dataclass
class ExtractionReport:
    run_id: str
    source: str
    results: list[ResourceResult] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    orphans_removed: int = 0

    def rows_by_resource(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.resource] = out.get(r.resource, 0) + r.rows
        return out

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return [item for r in self.results for item in r.rejected]


@dataclass
class EtlResult:
    extraction: ExtractionReport
    staging: DbtOutcome
    validation: object
    marts: DbtOutcome | None
    published: Published | None = None


@dataclass
class NothingToValidate:
    """What :func:`extract.pipeline.stage_validate` returns when the warehouse is up to date: every run in the
    lake passed validation before the warehouse was built (Great Expectations is not loaded)."""

    run_ids: tuple = ()
    checks: tuple = ()
    errors: tuple = ()
    warnings: tuple = ()
    passed: int = 0

    @property
    def rows_validated(self) -> dict[str, int]:
        return {}
