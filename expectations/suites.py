"""Great Expectations suites, as code: one per landed resource (docs/data-quality.md).

A suite validates one view of the ``checks`` schema (``models/quality/checks/checks_<resource>``):
one row per landed record, with the columns its rules read. Each rule is one GX expectation and
says what its failures mean:

- ``warn``: any failing record is reported as a warning; the run goes on.
- ``error_above``: when the share of failing records among those the rule applies to exceeds
  this (and they are at least ``MIN_ERROR_RECORDS`` or half the batch), it is an error instead:
  ``make etl`` stops before the marts, and the run stays "new" until it passes. ``0`` means any
  failing record is an error; ``None``, never.

Records a rule fails are not dropped by the rule: ``outcome`` says where they are (quarantined
by staging with a reason, or kept). Quarantine absorbs single bad records; an error means that
more than a stray record is wrong (AWS changed a format, or a file was edited by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import great_expectations.expectations as gxe

KNOWN_EVENT_TYPES = ["TasksSubmitted", "TasksReturned", "TasksDeclined"]
LABELING_JOB_STATUSES = ["Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped"]
USER_STATUSES = [
    "UNCONFIRMED",
    "CONFIRMED",
    "ARCHIVED",
    "COMPROMISED",
    "UNKNOWN",
    "RESET_REQUIRED",
    "FORCE_CHANGE_PASSWORD",
    "EXTERNAL_PROVIDER",
]
# A format rule is an error when more than this share of the records it applies to fail, and
# that is more than a stray record: at least MIN_ERROR_RECORDS of them, or half the batch (a
# small incremental run with one odd record warns; a format change in it still stops the run).
FORMAT_SHARE = 0.01
MIN_ERROR_RECORDS = 5
# Clock skew tolerated between a worker's record and CloudWatch or the extraction.
SKEW_SECONDS = 300

KEPT = "kept and staged"


@dataclass(frozen=True)
class Rule:
    """One check: a GX expectation on the suite's dataset and what its failures mean."""

    name: str
    expectation: gxe.Expectation
    why: str
    outcome: str
    show: tuple[str, ...] = ()  # columns shown with each sample failing row
    warn: bool = True
    error_above: float | None = FORMAT_SHARE
    needs: tuple[str, ...] = ()  # columns a SQL rule reads besides record_key

    @property
    def column(self) -> str:
        """The column (or column pair) the expectation reads, for messages."""
        kw = self.expectation.configuration.kwargs
        if "column" in kw:
            return kw["column"]
        if "column_A" in kw:
            return f"{kw['column_A']} >= {kw['column_B']}"
        return self.name

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the expectation reads (what the validated batch must hold)."""
        kw = self.expectation.configuration.kwargs
        if "column" in kw:
            return (kw["column"],)
        if "column_A" in kw:
            return (kw["column_A"], kw["column_B"])
        return self.needs

    @property
    def is_sql(self) -> bool:
        return isinstance(self.expectation, gxe.UnexpectedRowsExpectation)

    @property
    def severity(self) -> str:
        """The most severe level this rule can raise."""
        return "error" if self.error_above is not None else "warning"

    def classify(self, failing: int, applicable: int) -> str | None:
        """``error``, ``warning`` or ``None`` (passed) for ``failing`` of ``applicable`` records."""
        if failing <= 0:
            return None
        share = failing / max(applicable, 1)
        if self.error_above == 0 or (
            self.error_above is not None
            and share > self.error_above
            and (failing >= MIN_ERROR_RECORDS or share >= 0.5)
        ):
            return "error"
        return "warning" if self.warn else None


@dataclass(frozen=True)
class Suite:
    name: str  # the lake resource
    dataset: str  # the view in the checks schema
    description: str
    keys: tuple[str, ...]  # columns that locate a record; shown with every sample row
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    @property
    def relation(self) -> str:
        return f"main_checks.{self.dataset}"

    def batch_columns(self) -> list[str]:
        """What the validated batch holds: the record key and the columns the rules read (a
        narrow copy; sample rows are looked up by key afterwards)."""
        out = ["record_key"]
        for rule in self.rules:
            out.extend(c for c in rule.columns if c not in out)
        return out

    def sample_columns(self, rule: Rule) -> list[str]:
        """What a sample failing row of ``rule`` shows: the keys, the rule's columns, extras."""
        out: list[str] = []
        for c in (*self.keys, *rule.columns, *rule.show):
            if c not in out:
                out.append(c)
        return out


# Small constructors, so that each suite reads as a list of rules.


def _flag(name: str, column: str, why: str, outcome: str, **kw) -> Rule:
    """The check column must be true (NULL: the rule does not apply to the record)."""
    return Rule(
        name, gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True]), why, outcome, **kw
    )


def _in_set(name: str, column: str, values: list, why: str, outcome: str, **kw) -> Rule:
    return Rule(
        name, gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values), why, outcome, **kw
    )


# One rule, in the users' and the group members' suites.
SUB_IS_UUID = _flag(
    "sub_is_uuid", "is_uuid_sub", "A Cognito `sub` is a UUID.", KEPT, show=("cognito_sub",)
)


def _between(name: str, column: str, low, high, why: str, outcome: str, **kw) -> Rule:
    exp = gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)
    return Rule(name, exp, why, outcome, **kw)


def _not_before(name: str, later: str, earlier: str, why: str, outcome: str, **kw) -> Rule:
    exp = gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later, column_B=earlier, or_equal=True, ignore_row_if="either_value_is_missing"
    )
    return Rule(name, exp, why, outcome, **kw)


def _no_rows(
    name: str, where: str, why: str, outcome: str, *, needs: tuple[str, ...], **kw
) -> Rule:
    """No record of the batch may satisfy ``where`` (SQL on ``{batch}``, the new records)."""
    query = f"select record_key from {{batch}} where {where}"
    exp = gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)
    return Rule(name, exp, why, outcome, needs=needs, **kw)


def worker_activity() -> Suite:
    times = (
        "task_accepted_time",
        "task_submitted_time",
        "task_returned_time",
        "task_declined_time",
        "event_timestamp",
    )
    return Suite(
        name="worker_activity",
        dataset="checks_worker_activity",
        description="Worker events from the CloudWatch log: types, times, ordering, ids, references.",
        keys=("source_file", "source_record_index", "event_id"),
        rules=(
            _flag(
                "message_parses",
                "message_parses",
                "The CloudWatch message must be a JSON object (a cut-off line is not).",
                "quarantined as malformed_json (or no_message)",
                show=("quarantine_reason",),
            ),
            _flag(
                "fields_present",
                "fields_present",
                "worker_id, cognito_sub_id, the two ARNs, event_type, event_timestamp and the time "
                "fields must be present and not empty.",
                "quarantined as missing_field",
                show=(
                    "worker_id",
                    "cognito_sub",
                    "labeling_job_arn",
                    "event_type",
                    "event_timestamp",
                ),
            ),
            _in_set(
                "event_type",
                "event_type",
                KNOWN_EVENT_TYPES,
                "TasksSubmitted, TasksReturned and TasksDeclined are the task outcomes; another "
                "type (TasksAccepted is a documented Ground Truth metric) is counted here, per "
                "type in the sample rows. A warning only: AWS may add a type at any time.",
                KEPT + " (is_task_outcome false); never in a task count",
                show=("event_type", "labeling_job_name"),
                error_above=None,
            ),
            _flag(
                "timestamps_parse",
                "timestamps_parse",
                "Every time field must parse in an accepted layout (Java Date.toString() in a zone "
                "of the documented table, ISO-8601 with or without seconds, 1-9 fraction digits, Z "
                "or an offset; empty, null or absent means no time), and a task outcome's closing "
                "time must be there.",
                "quarantined as unknown_time_zone, unparsable_timestamp or missing_closing_time",
                show=times,
            ),
            _flag(
                "accepted_time_present",
                "accepted_time_present",
                "A submitted or returned task was accepted first; without task_accepted_time its "
                "handling time is unknown.",
                KEPT + " (no handling time)",
                show=("event_type", "task_accepted_time"),
            ),
            _not_before(
                "closed_not_before_accepted",
                "closed_at",
                "task_accepted_at",
                "A task cannot be submitted, returned or declined before it was accepted.",
                "quarantined as closed_before_accepted",
            ),
            _between(
                "event_timestamp_agrees",
                "event_timestamp_offset_seconds",
                -1,
                1,
                "event_timestamp (epoch seconds) must name the same second as the closing time.",
                KEPT + " (the closing time is used)",
                show=times,
            ),
            _between(
                "not_after_logged",
                "seconds_after_logged",
                None,
                SKEW_SECONDS,
                f"No time in a record may be later than CloudWatch logged it (+{SKEW_SECONDS} s).",
                KEPT,
                show=("task_accepted_at", "closed_at", "event_timestamp_at", "logged_at"),
            ),
            _in_set(
                "not_after_extraction",
                "is_after_extraction",
                [False],
                f"No time in a record may be later than the run that extracted it (+{SKEW_SECONDS} s). "
                "A warning only: the host clock or a simulated future can cause it.",
                KEPT,
                show=("task_accepted_at", "closed_at"),
                error_above=None,
            ),
            _not_before(
                "not_before_job_created",
                "started_at",
                "job_created_at",
                "A task cannot start before its labeling job was created.",
                KEPT,
                show=("labeling_job_name",),
            ),
            _not_before(
                "handling_within_time_limit",
                "task_time_limit_seconds",
                "handling_seconds",
                "Handling time (close - accept) cannot exceed the job's TaskTimeLimitInSeconds.",
                KEPT,
                show=("labeling_job_name", "event_type"),
            ),
            _flag(
                "cognito_sub",
                "is_uuid_sub",
                "cognito_sub_id is the Cognito `sub`, a lowercase UUID.",
                KEPT,
                show=("cognito_sub",),
            ),
            _flag(
                "worker_id",
                "is_hex_worker_id",
                "worker_id is 16 lowercase hex characters.",
                KEPT,
                show=("worker_id",),
            ),
            _flag(
                "workteam_arn",
                "is_workteam_arn",
                "workteam_arn is arn:aws:sagemaker:<region>:<account>:workteam/<kind>-crowd/<name>.",
                KEPT,
                show=("workteam_arn",),
            ),
            _flag(
                "labeling_job_arn",
                "is_labeling_job_arn",
                "labeling_job_arn is arn:aws:sagemaker:<region>:<account>:labeling-job/<name>.",
                KEPT,
                show=("labeling_job_arn",),
            ),
            _no_rows(
                "event_id_unique",
                "event_key in (select event_key from {batch} where event_key is not null "
                "group by event_key having count(*) > 1)",
                "A CloudWatch eventId names one event; the same id with different messages means "
                "overlapping or corrupted pulls (re-deliveries of one event are quarantined instead).",
                KEPT + " (both)",
                needs=("event_key",),
                show=("event_type", "cognito_sub", "closed_at"),
                error_above=None,
            ),
            _flag(
                "sub_known_to_cognito",
                "sub_known_to_cognito",
                "Activity should come from a user Cognito listed (only checked once users are landed).",
                KEPT + "; counted in reconciliation.unknown_sub_records",
                show=("cognito_sub",),
                error_above=None,
            ),
            _flag(
                "job_described",
                "job_described",
                "Activity should belong to a job DescribeLabelingJob returned (only checked once jobs "
                "are landed).",
                KEPT + "; counted in reconciliation.undescribed_job_records",
                show=("labeling_job_name",),
                error_above=None,
            ),
        ),
    )


def users() -> Suite:
    return Suite(
        name="users",
        dataset="checks_users",
        description="Cognito ListUsers entries: the sub every fact keys on, and required attributes.",
        keys=("source_file", "source_record_index", "cognito_user_pool_id"),
        rules=(
            _flag(
                "entry_parses",
                "entry_parses",
                "A user entry must be a JSON object.",
                "quarantined as malformed_json",
                show=("quarantine_reason",),
            ),
            _flag(
                "sub_present",
                "has_sub",
                "Every Cognito user has a `sub`: the key of every fact.",
                "quarantined as missing_sub",
            ),
            SUB_IS_UUID,
            _between(
                "sub_unique",
                "usernames_per_sub",
                1,
                1,
                "One sub must name one user in a pool; two usernames with one sub make every "
                "join to workers ambiguous.",
                KEPT,
                show=("cognito_sub",),
                error_above=0,
            ),
            _between(
                "sub_listed_once",
                "listings_in_run",
                1,
                1,
                "A user appears once per extraction (more means overlapping pages or files).",
                KEPT,
                show=("cognito_sub",),
                error_above=None,
            ),
            _in_set(
                "required_attributes",
                "missing_attributes",
                [""],
                "Username, UserStatus, Enabled, UserCreateDate and UserLastModifiedDate are present.",
                KEPT,
                show=("cognito_sub",),
                error_above=None,
            ),
            _flag(
                "values_typed",
                "values_typed",
                "Enabled is a boolean and the dates parse.",
                "quarantined as wrong_type or unparsable_timestamp",
                show=("quarantine_reason",),
            ),
            _in_set(
                "user_status",
                "user_status",
                USER_STATUSES,
                "UserStatus is one of the API's values.",
                KEPT,
                show=("cognito_sub",),
                error_above=None,
            ),
        ),
    )


def labeling_jobs() -> Suite:
    return Suite(
        name="labeling_jobs",
        dataset="checks_labeling_jobs",
        description="DescribeLabelingJob responses (every version): typed, counters, status, times.",
        keys=("source_file", "labeling_job_name"),
        rules=(
            _flag(
                "response_typed",
                "is_typed",
                "Fields the API marks REQUIRED are present, numbers are integers, times parse.",
                "quarantined as missing_field, wrong_type, unparsable_timestamp or malformed_json; "
                "the job keeps its newest good version",
                show=("quarantine_reason",),
            ),
            _flag(
                "counters_add_up",
                "counters_add_up",
                "LabelCounters: TotalLabeled = HumanLabeled + MachineLabeled, none negative. Costs "
                "and automation rates are computed from them.",
                KEPT,
                show=(
                    "total_labeled",
                    "human_labeled",
                    "machine_labeled",
                    "failed_non_retryable",
                    "unlabeled",
                ),
                error_above=0,
            ),
            _in_set(
                "status",
                "status",
                LABELING_JOB_STATUSES,
                "LabelingJobStatus is one of the API's values; terminal-state logic depends on it.",
                KEPT,
                error_above=0,
            ),
            _not_before(
                "times_ordered",
                "last_modified_at",
                "created_at",
                "LastModifiedTime cannot precede CreationTime (job elapsed time uses both).",
                KEPT,
                error_above=0,
            ),
            _flag(
                "labeling_job_arn",
                "is_labeling_job_arn",
                "LabelingJobArn is a labeling-job ARN ending in the job's name.",
                KEPT,
                show=("labeling_job_arn",),
                error_above=None,
            ),
        ),
    )


def output_manifests() -> Suite:
    return Suite(
        name="output_manifests",
        dataset="checks_output_manifests",
        description="Lines of each job's output manifest (every version), read through the job's "
        "own label: typed, human-annotated, creation dates.",
        keys=("source_file", "source_ref"),
        rules=(
            _flag(
                "line_typed",
                "is_typed",
                "A manifest line is a JSON object naming its data object (source-ref or source) "
                "whose `<attribute>-metadata` values are objects; a line without a label is an "
                "object not labeled yet, staged.",
                "quarantined as malformed_json, missing_field or wrong_type",
                show=("quarantine_reason",),
            ),
            _in_set(
                "human_annotated",
                "human_annotated_value",
                ["yes", "no"],
                "The job's own label (its LabelAttributeName) has human-annotated 'yes' or 'no' "
                "(absent only on objects that failed labeling; unlabeled objects are not checked).",
                KEPT,
            ),
            _flag(
                "creation_date_parses",
                "creation_date_parses",
                "The job's own label has a creation-date, ISO-8601.",
                KEPT,
                show=("creation_date_raw",),
            ),
        ),
    )


def consolidation_responses() -> Suite:
    return Suite(
        name="consolidation_responses",
        dataset="checks_consolidation_responses",
        description="Consolidation-response elements: iteration and time from the key, object ids.",
        keys=("source_file",),
        rules=(
            _flag(
                "iteration_parses",
                "iteration_parses",
                "The iteration is the whole number after iteration- (not only its last digit).",
                KEPT,
                show=("key",),
            ),
            _flag(
                "consolidation_time_parses",
                "consolidation_time_parses",
                "The file name is the consolidation time, YYYY-MM-DD_HH:MM:SS.json.",
                KEPT,
                show=("key",),
            ),
            _flag(
                "dataset_object_id",
                "has_dataset_object_id",
                "Every element names the dataset object it labels.",
                KEPT,
            ),
        ),
    )


def auto_annotations() -> Suite:
    return Suite(
        name="auto_annotations",
        dataset="checks_auto_annotations",
        description="Active-learning output lines: iteration, annotation JSON, creation dates.",
        keys=("source_file", "dataset_object_id"),
        rules=(
            _flag(
                "iteration_parses",
                "iteration_parses",
                "The key has activelearning/<N>/ with a whole number N.",
                "quarantined as unparsable_iteration",
                show=("key",),
            ),
            _flag(
                "annotation_parses",
                "annotation_parses",
                "After the object id, the line is a JSON object.",
                "quarantined as malformed_json",
            ),
            _flag(
                "creation_date_parses",
                "creation_date_parses",
                "The label's creation-date is present and ISO-8601.",
                KEPT,
            ),
            _in_set(
                "machine_labeled",
                "human_annotated",
                ["no"],
                "Active-learning output is machine labels: human-annotated is 'no'.",
                KEPT,
                error_above=None,
            ),
        ),
    )


def group_members() -> Suite:
    return Suite(
        name="group_members",
        dataset="checks_group_members",
        description="ListUsersInGroup entries: the member's sub.",
        keys=("source_file", "source_record_index", "cognito_group_name"),
        rules=(
            _flag("sub_present", "has_sub", "Every member has a `sub`.", KEPT),
            SUB_IS_UUID,
            _flag(
                "sub_known_to_cognito",
                "sub_known_to_cognito",
                "A group member should be among the pool's users (checked once users are landed).",
                KEPT,
                show=("cognito_sub",),
                error_above=None,
            ),
        ),
    )


def workteams() -> Suite:
    return Suite(
        name="workteams",
        dataset="checks_workteams",
        description="DescribeWorkteam responses: ARN and members.",
        keys=("source_file", "workteam_name"),
        rules=(
            _flag(
                "workteam_arn",
                "is_workteam_arn",
                "WorkteamArn is a workteam ARN.",
                KEPT,
                show=("workteam_arn",),
                error_above=None,
            ),
            _flag(
                "has_members",
                "has_members",
                "A team has a Cognito user pool or OIDC groups in MemberDefinitions.",
                KEPT,
                error_above=None,
            ),
        ),
    )


def metric_data() -> Suite:
    return Suite(
        name="metric_data",
        dataset="checks_metric_data",
        description="GetMetricData data points (series without points are placeholders, not checked).",
        keys=("source_file", "source_record_index", "label"),
        rules=(
            _flag(
                "timestamp_parses",
                "timestamp_parses",
                "A data point's timestamp is ISO-8601 or epoch seconds.",
                KEPT,
                show=("point_timestamp",),
            ),
            _between(
                "value_not_negative",
                "point_value",
                0,
                None,
                "Every Ground Truth metric counts tasks, objects, workers or seconds.",
                KEPT,
                error_above=None,
            ),
            _flag(
                "has_query",
                "has_query",
                "The file keeps the request's MetricDataQueries, which name the metric and dimensions.",
                KEPT,
                error_above=None,
            ),
        ),
    )


SUITES: list[Callable[[], Suite]] = [
    worker_activity,
    users,
    group_members,
    workteams,
    labeling_jobs,
    metric_data,
    output_manifests,
    consolidation_responses,
    auto_annotations,
]
