{#-
    Per worker and labeling job: how the worker's handling time of submitted tasks compares with
    the job's typical time (the job median over all workers). A task is fast below
    var('fast_task_ratio') x the job median; a worker is flagged when their own median is. Flags
    are for review: nothing is removed anywhere.

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

per_worker as (
    select
        cognito_sub,
        workteam_name,
        labeling_job_name,
        count(*) as tasks_submitted,
        count(case when is_fast_task then 1 end) as fast_tasks,
        {{ percentile_cont('handling_seconds', 0.5) }} as handling_seconds_median,
        max(job_handling_seconds_median) as job_handling_seconds_median,
        max(extracted_at) as extracted_at
    from submitted
    group by cognito_sub, workteam_name, labeling_job_name
),

final as (
    select
        *,
        {{ safe_ratio('fast_tasks', 'tasks_submitted') }} as fast_task_share,
        {{ safe_ratio('handling_seconds_median', 'job_handling_seconds_median') }}
            as median_to_job_median_ratio,
        coalesce(
            handling_seconds_median < {{ var('fast_task_ratio') }} * job_handling_seconds_median, false
        ) as is_fast_worker
    from per_worker
)

select * from final
