{#-
    Per worker, labeling job and UTC hour of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks and the rates. A task counts in the hour it closed.
-#}
with task_outcomes as (
    select * from {{ ref('fct_task_outcomes') }}
),

aggregated as (
    select
        cognito_sub,
        workteam_name,
        labeling_job_name,
        closed_hour,
        closed_date,
        {{ throughput_aggregates() }}
    from task_outcomes
    group by cognito_sub, workteam_name, labeling_job_name, closed_hour, closed_date
),

final as (
    select
        *,
        {{ throughput_ratios() }}
    from aggregated
)

select * from final
