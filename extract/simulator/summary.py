"""What a simulation run produced."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SimulationSummary:
    """Counts and names of a simulated mirror; ``to_json()`` is what ``_simulation.json`` holds.

    ``events_written`` counts every worker-activity log event written (re-deliveries, anomalies
    and events of other types included); ``tasks`` counts the genuine task outcomes (one per
    accepted task: submitted, returned or declined; ``identical_pairs`` of them are a second
    event with the message of another), so ``events_written == tasks + duplicates_injected +
    sum(anomalies.values()) + sum(other_event_types.values())``. ``anomalies`` are the records
    staging quarantines; ``other_event_types`` are staged but no task outcome;
    ``extra_layouts`` counts the task outcomes written in each less common time layout.
    """

    out: Path
    seed: int
    events_written: int
    tasks: int
    duplicates_injected: int
    anomalies: dict[str, int]
    jobs: list[str]
    users: int
    workteams: list[str]
    scenario: dict = field(default_factory=dict)
    events_by_type: dict[str, int] = field(default_factory=dict)
    job_status: dict[str, str] = field(default_factory=dict)
    start: str = ""
    as_of: str = ""
    days: int = 0
    log_format: str = "mixed"
    labeling_output: str = "all"
    account_id: str = ""
    region: str = ""
    user_pool_id: str = ""
    bucket: str = ""
    pull_days: int = 0
    pages: int = 0
    export_tasks: list[str] = field(default_factory=list)
    export_files: int = 0
    metric_files: list[str] = field(default_factory=list)
    metric_events_dropped: int = 0
    # job -> every output.manifest version it wrote: iterations covered, labeled objects, bytes
    manifest_versions: dict[str, list[dict]] = field(default_factory=dict)
    other_event_types: dict[str, int] = field(default_factory=dict)
    extra_layouts: dict[str, int] = field(default_factory=dict)
    identical_pairs: int = 0

    def to_json(self) -> str:
        """Deterministic JSON of every field except ``out`` (so that it does not depend on
        where the mirror was written)."""
        doc = dataclasses.asdict(self)
        doc.pop("out")
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
