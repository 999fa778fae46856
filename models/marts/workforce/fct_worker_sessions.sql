{#-
    One row per worker session: a run of the worker's tasks (all jobs and teams) joined by gaps
    shorter than var('idle_threshold_seconds'); see int_task_working_time.
-#}
with working_time as (
    select * from {{ ref('int_task_working_time') }}
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
        sum(working_seconds) as working_seconds
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
        working_seconds
    from sessions
)

select * from final
