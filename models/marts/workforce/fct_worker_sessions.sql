{#-
    One row per worker session: a run of the worker's tasks (all jobs and teams) joined by gaps
    shorter than var('idle_threshold_seconds'); see int_task_working_time.

    Incremental: per worker whose tasks changed since the last build, the sessions from the first
    changed task's session onward are recomputed and replace the worker's sessions from there
    (a late task can join two sessions into one, so the old tail is deleted, not updated).
-#}
{{ incremental_model(strategy='replace_from', partition_key='cognito_sub', replace_from='worker_session_number') }}

with all_working_time as {{ not_materialized() }} (
    select * from {{ ref('int_task_working_time') }}
),

working_time as (
    {% if is_incremental() %}
        select all_working_time.*
        from all_working_time
        inner join (
            select
                cognito_sub,
                min(worker_session_number) as first_changed_session
            from all_working_time
            where extracted_at > {{ incremental_watermark() }}
            group by cognito_sub
        ) as changed
            on
                all_working_time.cognito_sub = changed.cognito_sub
                and all_working_time.worker_session_number >= changed.first_changed_session
    {% else %}
        select * from all_working_time
    {% endif %}
),

sessions as (
    select
        cognito_sub,
        worker_session_number,
        min(started_at) as started_at,
        max(closed_at) as ended_at,
        count(*) as tasks_closed,
        count(case when outcome = 'submitted' then 1 end) as tasks_submitted,
        count(distinct labeling_job_name) as labeling_jobs,
        coalesce(sum(handling_seconds), 0) as handling_seconds_all_outcomes,
        sum(working_seconds) as working_seconds,
        max(extracted_at) as extracted_at
    from working_time
    group by cognito_sub, worker_session_number
),

final as (
    select
        {{ dbt.concat(['cognito_sub', "'#'", 'cast(worker_session_number as ' ~ dbt.type_string() ~ ')']) }}
            as worker_session_id,
        cognito_sub,
        worker_session_number,
        started_at,
        ended_at,
        cast(started_at as date) as started_date,
        {{ seconds_between('started_at', 'ended_at') }} as span_seconds,
        tasks_closed,
        tasks_submitted,
        labeling_jobs,
        handling_seconds_all_outcomes,
        working_seconds,
        extracted_at
    from sessions
)

select * from final
