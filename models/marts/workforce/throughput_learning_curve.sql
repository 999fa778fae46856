{#-
    Ramp-up: per labeling job and the worker's task ordinal within it (their 1st, 2nd, ... submitted
    task on the job, in closing order), the handling-time distribution over the workers who got
    that far, and its ratio to the job's overall median.

    Incremental: rows depend only on their job, so jobs changed since the last build
    (fct_task_outcomes.extracted_at) are recomputed whole and replaced.
-#}
{{ incremental_model(unique_key='labeling_job_name') }}

with all_task_outcomes as {{ not_materialized() }} (
    select * from {{ ref('fct_task_outcomes') }}
),

task_outcomes as (
    {{ rows_of_changed_jobs('all_task_outcomes') }}
),

submitted as (
    select * from task_outcomes
    where outcome = 'submitted'
),

per_ordinal as (
    select
        workteam_name,
        labeling_job_name,
        job_task_ordinal,
        count(*) as workers,
        sum(handling_seconds) as handling_seconds_sum,
        {{ percentile_cont('handling_seconds', 0.5) }} as handling_seconds_median,
        {{ percentile_cont('handling_seconds', 0.9) }} as handling_seconds_p90,
        max(job_handling_seconds_median) as job_handling_seconds_median,
        max(extracted_at) as extracted_at
    from submitted
    group by workteam_name, labeling_job_name, job_task_ordinal
),

final as (
    select
        *,
        {{ safe_ratio('handling_seconds_sum', 'workers') }} as handling_seconds_mean,
        {{ safe_ratio('handling_seconds_median', 'job_handling_seconds_median') }}
            as median_to_job_median_ratio
    from per_ordinal
)

select * from final
