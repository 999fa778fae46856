{#-
    The AWS console's "average time per submitted task", per workteam, labeling job and UTC day:
    from the logs (handling seconds of submitted tasks / submitted tasks) and, where team metrics
    were extracted, from CloudWatch (int_team_metrics_daily), with the differences shown rather
    than hidden. Days outside the span of a job's extracted metric days have NULL metric columns
    (not extracted); inside it, a day without data points counts as 0 (CloudWatch omits empty
    periods). Roll up any period by summing the sums and dividing.
-#}
with team_job_daily as (
    select * from {{ ref('throughput_team_job_daily') }}
),

labeling_jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

metrics_daily as (
    select * from {{ ref('int_team_metrics_daily') }}
),

metric_coverage as (
    select
        labeling_job_name,
        min(closed_date) as first_metric_date,
        max(closed_date) as last_metric_date
    from metrics_daily
    group by labeling_job_name
),

logs_daily as (
    select
        workteam_name,
        labeling_job_name,
        closed_date,
        tasks_submitted,
        handling_seconds_sum
    from team_job_daily
),

combined as (
    select
        coalesce(logs_daily.workteam_name, labeling_jobs.workteam_name) as workteam_name,
        coalesce(logs_daily.labeling_job_name, metrics_daily.labeling_job_name) as labeling_job_name,
        coalesce(logs_daily.closed_date, metrics_daily.closed_date) as closed_date,
        coalesce(logs_daily.tasks_submitted, 0) as log_tasks_submitted,
        coalesce(logs_daily.handling_seconds_sum, 0) as log_handling_seconds_sum,
        metrics_daily.metric_tasks_submitted,
        metrics_daily.metric_time_spent_seconds
    from logs_daily
    full outer join metrics_daily
        on
            logs_daily.labeling_job_name = metrics_daily.labeling_job_name
            and logs_daily.closed_date = metrics_daily.closed_date
    left join labeling_jobs on metrics_daily.labeling_job_name = labeling_jobs.labeling_job_name
),

covered as (
    select
        combined.workteam_name,
        combined.labeling_job_name,
        combined.closed_date,
        combined.log_tasks_submitted,
        combined.log_handling_seconds_sum,
        coalesce(
            combined.closed_date between metric_coverage.first_metric_date and metric_coverage.last_metric_date,
            false
        ) as has_team_metrics,
        combined.metric_tasks_submitted,
        combined.metric_time_spent_seconds
    from combined
    left join metric_coverage on combined.labeling_job_name = metric_coverage.labeling_job_name
),

metrics_filled as (
    select
        workteam_name,
        labeling_job_name,
        closed_date,
        log_tasks_submitted,
        log_handling_seconds_sum,
        has_team_metrics,
        case when has_team_metrics then coalesce(metric_tasks_submitted, 0) end as metric_tasks_submitted,
        case when has_team_metrics then coalesce(metric_time_spent_seconds, 0) end as metric_time_spent_seconds
    from covered
),

averages as (
    select
        *,
        {{ safe_ratio('log_handling_seconds_sum', 'log_tasks_submitted') }} as log_seconds_per_submitted_task,
        {{ safe_ratio('metric_time_spent_seconds', 'metric_tasks_submitted') }}
            as metric_seconds_per_submitted_task
    from metrics_filled
),

final as (
    select
        *,
        log_tasks_submitted - metric_tasks_submitted as tasks_submitted_difference,
        log_handling_seconds_sum - metric_time_spent_seconds as time_spent_difference_seconds,
        log_seconds_per_submitted_task - metric_seconds_per_submitted_task
            as seconds_per_submitted_task_difference
    from averages
)

select * from final
