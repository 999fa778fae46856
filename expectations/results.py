"""What a validation run found: one :class:`CheckResult` per check, gathered in a
:class:`ValidationOutcome` (written by expectations/validation.py, rendered by
expectations/report.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CheckResult:
    suite: str
    expectation: str
    column: str
    severity: str  # what the failure is (or, for a passed check, the most it could have been)
    why: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_percent: float  # of the records the check applies to
    sample: list[Any] = field(default_factory=list)
    check: str = ""
    outcome: str = ""  # where the failing records are
    applicable_count: int = 0
    sample_rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # the check could not run

    @property
    def label(self) -> str:
        return f"{self.suite}.{self.check or self.column}"


@dataclass
class ValidationOutcome:
    run_ids: list[str]
    checks: list[CheckResult]
    rows_validated: dict[str, int]
    reconciliation: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    generated_at: str = ""
    report: str | None = None

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warning"]

    @property
    def passed(self) -> int:
        return sum(c.success for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "run_ids": self.run_ids,
            "rows_validated": self.rows_validated,
            "seconds": round(self.seconds, 3),
            "reconciliation": self.reconciliation,
            "checks": [asdict(c) for c in self.checks],
        }
