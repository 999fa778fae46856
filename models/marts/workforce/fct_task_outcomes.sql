{#-
    One row per task outcome (submitted, returned, declined), keyed on the record's content hash,
    with both clocks, the period keys (a task counts in the period of its closing time), the
    worker's task ordinal within the job and the speed flag. Flags never remove a row.

    Incremental (macros/incremental.sql): a row depends on its own clocks and on its job (the
    job's median, the worker's ordinal within the job), so every job with a task whose clocks
    changed since the last build is recomputed whole and replaced. extracted_at: the latest
    change marker among the job's tasks.
-#}
{{ incremental_model(unique_key='labeling_job_name') }}

with all_working_time as {{ not_materialized() }} (
    select * from {{ ref('int_task_working_time') }}
),

working_time as {{ not_materialized() }} (
    {{ rows_of_changed_jobs('all_working_time') }}
),

job_markers as (
    select
        labeling_job_name,
        max(extracted_at) as job_extracted_at
    from working_time
    group by labeling_job_name
),

submitted as {{ not_materialized() }} (
    select * from working_time
    where outcome = 'submitted'
),

job_typical as (
    select
        labeling_job_name,
        {{ percentile_cont('handling_seconds', 0.5) }} as job_handling_seconds_median
    from submitted
    group by labeling_job_name
),

job_ordinals as (
    select
        task_outcome_id,
        row_number() over (
            partition by cognito_sub, labeling_job_name
            order by closed_at, started_at, task_outcome_id
        ) as job_task_ordinal
    from submitted
),

joined as (
    select
        working_time.* {{ star_exclude() }} (extracted_at),
        job_ordinals.job_task_ordinal,
        job_typical.job_handling_seconds_median,
        job_markers.job_extracted_at as extracted_at
    from working_time
    left join job_ordinals on working_time.task_outcome_id = job_ordinals.task_outcome_id
    left join job_typical on working_time.labeling_job_name = job_typical.labeling_job_name
    inner join job_markers on working_time.labeling_job_name = job_markers.labeling_job_name
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
        accepted_at is not null as is_accepted,
        accepted_at,
        closed_at,
        cast(closed_at as date) as closed_date,
        {{ dbt.date_trunc('hour', 'closed_at') }} as closed_hour,
        handling_seconds,
        gap_before_seconds,
        is_gap_counted,
        working_seconds,
        worker_session_number,
        job_task_ordinal,
        job_handling_seconds_median,
        case
            when outcome = 'submitted'
                then {{ safe_ratio('handling_seconds', 'job_handling_seconds_median') }}
        end as handling_to_job_median_ratio,
        coalesce(
            outcome = 'submitted'
            and handling_seconds < {{ var('fast_task_ratio') }} * job_handling_seconds_median,
            false
        ) as is_fast_task,
        extracted_at
    from joined
)

select * from final
