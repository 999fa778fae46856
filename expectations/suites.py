"""Great Expectations suites, as code. Each expectation carries a severity in its ``meta``:
``error`` stops ``make etl``; ``warning`` is reported and the run goes on.

Quarantine absorbs individual bad records; these suites guard the batch as a whole. A handful of
unknown event types is a warning (they are kept in quarantine); a large share of bad records
means AWS changed something upstream, and that is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe

UUID_REGEX = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
WORKER_ID_REGEX = r"^[0-9a-f]{16}$"
KNOWN_EVENT_TYPES = ["TasksSubmitted", "TasksReturned", "TasksDeclined"]
# Share of new records that must be good before a batch is accepted.
BATCH_MOSTLY = 0.99


@dataclass(frozen=True)
class Suite:
    name: str
    dataset: str  # the warehouse relation validated
    description: str
    expectations: list[gxe.Expectation]


def _meta(severity: str, why: str) -> dict[str, str]:
    return {"severity": severity, "why": why}


def worker_activity() -> Suite:
    """New worker-activity records, typed by dbt staging but before quarantine routing."""
    return Suite(
        name="worker_activity",
        dataset="base_groundtruth__worker_activity",
        description="New worker-activity events: event types, timestamps, ordering, ids.",
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(
                column="event_type", value_set=KNOWN_EVENT_TYPES,
                meta=_meta("warning", "Unknown event types are kept in quarantine; AWS may have added one."),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="event_type", value_set=KNOWN_EVENT_TYPES, mostly=BATCH_MOSTLY,
                meta=_meta("error", "More than 1% unknown event types: the log format changed."),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="timestamps_parse", value_set=[True], mostly=BATCH_MOSTLY,
                meta=_meta("error", "Every time field must parse in a known layout (Java Date or ISO-8601)."),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="timestamps_parse", value_set=[True],
                meta=_meta("warning", "Records with unparsable times are quarantined."),
            ),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="closed_at", column_B="task_accepted_at", or_equal=True,
                ignore_row_if="either_value_is_missing", mostly=BATCH_MOSTLY,
                meta=_meta("error", "A task cannot close before it was accepted."),
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="cognito_sub", regex=UUID_REGEX, mostly=BATCH_MOSTLY,
                meta=_meta("error", "cognito_sub_id is the Cognito `sub`, a UUID."),
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="worker_id", regex=WORKER_ID_REGEX, mostly=BATCH_MOSTLY,
                meta=_meta("error", "worker_id is 16 lowercase hex characters."),
            ),
            gxe.ExpectColumnValuesToBeUnique(
                column="event_id",
                meta=_meta("warning", "CloudWatch eventIds are unique; repeats mean overlapping pulls."),
            ),
        ],
    )


SUITES = [worker_activity]
