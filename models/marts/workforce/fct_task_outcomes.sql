{#- One row per task outcome (submitted, returned, declined), keyed on the record's content hash. -#}
with activity as (
    select * from {{ ref('stg_groundtruth__worker_activity') }}
),

outcomes as (
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
        {{ dbt.datediff('task_accepted_at', 'closed_at', 'second') }} as handling_seconds,
        cast(closed_at as date) as closed_date,
        {{ dbt.date_trunc('hour', 'closed_at') }} as closed_hour
    from activity
)

select * from outcomes
