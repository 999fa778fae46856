{#-
    Per worker, labeling job and UTC day of the closing time: tasks by outcome and the
    distribution of handling seconds of submitted tasks (median and p90 interpolate linearly).
-#}
with outcomes as (
    select * from {{ ref('fct_task_outcomes') }}
),

daily as (
    select
        cognito_sub,
        labeling_job_name,
        closed_date,
        count(*) filter (where outcome = 'submitted') as tasks_submitted,
        count(*) filter (where outcome = 'returned') as tasks_returned,
        count(*) filter (where outcome = 'declined') as tasks_declined,
        sum(handling_seconds) filter (where outcome = 'submitted') as handling_seconds_sum,
        percentile_cont(0.5) within group (order by handling_seconds)
        filter (where outcome = 'submitted') as handling_seconds_median,
        percentile_cont(0.9) within group (order by handling_seconds)
        filter (where outcome = 'submitted') as handling_seconds_p90
    from outcomes
    group by cognito_sub, labeling_job_name, closed_date
)

select * from daily
