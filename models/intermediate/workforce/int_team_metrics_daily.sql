{#-
    CloudWatch's team metrics (AWS/SageMaker/Workteam, Sum of TasksSubmitted and TimeSpent) per
    labeling job and UTC day, as throughput_console_team_job_daily compares them with the logs.
    Metrics join on the job name whatever form the dimension holds (name, labeling-job/<name>,
    ARN). Per job they are read from one dimension set: its per-worker series when it has them,
    else its job-level series (fewest dimensions first), so series broken down by a dimension
    the warehouse does not know are not added on top. A day without data points has no row
    (CloudWatch omits empty periods).
-#}
with metric_data as (
    select * from {{ ref('stg_cloudwatch__metric_data') }}
),

team_metrics as (
    select
        labeling_job_name,
        cognito_sub,
        dimension_names,
        metric_name,
        cast(period_start_at as date) as closed_date,
        point_value
    from metric_data
    where
        namespace = 'AWS/SageMaker/Workteam'
        and stat = 'Sum'
        and metric_name in ('TasksSubmitted', 'TimeSpent')
        and labeling_job_name is not null
),

dimension_sets as (
    select
        labeling_job_name,
        dimension_names,
        max(case when cognito_sub is not null then 1 else 0 end) as is_per_worker,
        length(dimension_names) - length(replace(dimension_names, ',', '')) as extra_dimensions
    from team_metrics
    group by labeling_job_name, dimension_names
),

-- one dimension set per job, so that no event is counted twice: per-worker series when the job
-- has them, else its job-level ones; the set with the fewest dimensions first
chosen_sets as (
    select
        labeling_job_name,
        dimension_names
    from dimension_sets
    qualify row_number() over (
            partition by labeling_job_name order by is_per_worker desc, extra_dimensions asc, dimension_names asc
        ) = 1
),

chosen_series as (
    select team_metrics.*
    from team_metrics
    inner join chosen_sets
        on
            team_metrics.labeling_job_name = chosen_sets.labeling_job_name
            and team_metrics.dimension_names = chosen_sets.dimension_names
),

metrics_daily as (
    select
        labeling_job_name,
        closed_date,
        sum(case when metric_name = 'TasksSubmitted' then cast(point_value as decimal(38, 6)) else 0 end)
            as metric_tasks_submitted,
        sum(case when metric_name = 'TimeSpent' then cast(point_value as decimal(38, 6)) else 0 end)
            as metric_time_spent_seconds
    from chosen_series
    group by labeling_job_name, closed_date
)

select * from metrics_daily
