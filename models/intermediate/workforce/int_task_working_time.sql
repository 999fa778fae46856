{#-
    One row per task outcome with its two clocks.

    handling_seconds: accepted_at -> closed_at (NULL for a decline without acceptance).
    working_seconds:  handling_seconds (0 when NULL) + gap_before_seconds when
                      0 <= gap_before_seconds < var('idle_threshold_seconds'), else + 0.

    A worker's tasks are ordered by (started_at, closed_at, task_outcome_id), where started_at is
    accepted_at, or closed_at for a decline without acceptance (a zero-length action at its
    decline time: it can carry a gap, never handling). The gap before a task runs from the
    latest close among ALL of the worker's earlier tasks (not just the one before it) to this
    task's start, so an overlapping or nested task has a negative gap: nothing is added, and the
    overlapped time is counted in each task's own handling. A session is a run of tasks joined
    by gaps below the threshold (overlaps included); a NULL or idle gap starts a new one.

    Incremental (macros/incremental.sql): a record that arrives later (new or late) can change
    only its worker's tasks from its own start onward. So per worker with records extracted since
    the last build that the model does not hold yet, the tasks from the earliest such start are
    recounted, carrying in what the earlier tasks hold (their number, latest close, last
    session), and replaced.
    extracted_at: the latest extraction among this task's record and the worker's earlier ones,
    i.e. the last time this row's values could have changed.
-#}
{{ incremental_model(unique_key='task_outcome_id') }}
{%- set worker_order = 'partition by cognito_sub order by started_at, closed_at, task_outcome_id' %}

with activity as (
    -- task outcomes only: an event of another type (TasksAccepted, ...) closes no task
    select * from {{ ref('stg_groundtruth__worker_activity') }}
    where is_task_outcome
),

tasks as {{ not_materialized() }} (
    select
        activity_record_id as task_outcome_id,
        cognito_sub,
        worker_id,
        cognito_user_pool_id,
        workteam_name,
        workteam_arn,
        labeling_job_name,
        labeling_job_arn,
        outcome,
        task_accepted_at as accepted_at,
        closed_at,
        coalesce(task_accepted_at, closed_at) as started_at,
        {{ seconds_between('task_accepted_at', 'closed_at') }} as handling_seconds,
        extracted_at as record_extracted_at
    from activity
),

{% if is_incremental() %}

    -- Records extracted since the last build that this model does not hold yet. A record it
    -- holds already is a re-delivery (the same event, so the same task and values), even when
    -- staging now stages the re-delivered copy: it changes nothing here.
    arrived as (
        select
            task_outcome_id,
            cognito_sub,
            started_at
        from tasks
        where record_extracted_at > {{ incremental_watermark() }}
    ),

    held as (
        select arrived.task_outcome_id
        from arrived
        inner join {{ this }} as built on arrived.task_outcome_id = built.task_outcome_id
    ),

    cutoffs as (
        select
            cognito_sub,
            min(started_at) as cutoff
        from arrived
        where task_outcome_id not in (select held.task_outcome_id from held)
        group by cognito_sub
    ),

    carried as (
        select
            built.cognito_sub,
            count(*) as tasks_before,
            max(built.closed_at) as closed_before,
            max(built.worker_session_number) as sessions_before,
            max(built.extracted_at) as extracted_before
        from {{ this }} as built
        inner join cutoffs
            on
                built.cognito_sub = cutoffs.cognito_sub
                and built.started_at < cutoffs.cutoff
        group by built.cognito_sub
    ),

{% endif %}

recounted as (
    select
        tasks.*,
        {% if is_incremental() %}
            coalesce(carried.tasks_before, 0) as tasks_before,
            carried.closed_before,
            coalesce(carried.sessions_before, 0) as sessions_before,
            carried.extracted_before
        {% else %}
            0 as tasks_before,
            cast(null as timestamp) as closed_before,
            0 as sessions_before,
            cast(null as timestamp) as extracted_before
        {% endif %}
    from tasks
    {% if is_incremental() %}
        inner join cutoffs
            on
                tasks.cognito_sub = cutoffs.cognito_sub
                and tasks.started_at >= cutoffs.cutoff
        left join carried on tasks.cognito_sub = carried.cognito_sub
    {% endif %}
),

sequenced as (
    select
        *,
        tasks_before + row_number() over worker_order as worker_task_number,
        greatest(
            closed_before,
            max(closed_at) {{ over_window('worker_order', worker_order, 'rows between unbounded preceding and 1 preceding') }}
        ) as previous_closed_at,
        greatest(
            extracted_before,
            max(record_extracted_at) {{ over_window('worker_order', worker_order, 'rows between unbounded preceding and current row') }}
        ) as extracted_at
    from recounted
    window worker_order as ({{ worker_order }})
),

gaps as (
    select
        *,
        {{ seconds_between('previous_closed_at', 'started_at') }} as gap_before_seconds
    from sequenced
),

classified as (
    select
        *,
        coalesce(
            gap_before_seconds >= 0 and gap_before_seconds < {{ var('idle_threshold_seconds') }},
            false
        ) as is_gap_counted,
        coalesce(gap_before_seconds >= {{ var('idle_threshold_seconds') }}, true) as is_session_start
    from gaps
),

working as (
    select
        *,
        coalesce(handling_seconds, 0)
        + case when is_gap_counted then gap_before_seconds else 0 end as working_seconds
    from classified
),

sessions as (
    select
        *,
        sessions_before + count(case when is_session_start then 1 end) over (
            partition by cognito_sub
            order by started_at, closed_at, task_outcome_id
            rows between unbounded preceding and current row
        ) as worker_session_number
    from working
),

final as (
    select
        task_outcome_id,
        cognito_sub,
        worker_id,
        cognito_user_pool_id,
        workteam_name,
        workteam_arn,
        labeling_job_name,
        labeling_job_arn,
        outcome,
        accepted_at,
        closed_at,
        started_at,
        handling_seconds,
        worker_task_number,
        previous_closed_at,
        gap_before_seconds,
        is_gap_counted,
        working_seconds,
        is_session_start,
        worker_session_number,
        {{ var('idle_threshold_seconds') }} as idle_threshold_seconds,
        extracted_at
    from sessions
)

select * from final
