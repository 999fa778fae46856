{#-
    Per workteam, labeling job and UTC hour of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks, the rates, and active workers (closed at least
    one task in the hour) on the job and in the whole team. A task counts in the hour it closed.
-#}
with task_outcomes as (
    select * from {{ ref('fct_task_outcomes') }}
),

team_activity as (
    select
        workteam_name,
        closed_hour,
        count(distinct cognito_sub) as team_active_workers
    from task_outcomes
    group by workteam_name, closed_hour
),

aggregated as (
    select
        workteam_name,
        labeling_job_name,
        closed_hour,
        closed_date,
        count(distinct cognito_sub) as active_workers,
        {{ throughput_aggregates() }}
    from task_outcomes
    group by workteam_name, labeling_job_name, closed_hour, closed_date
),

final as (
    select
        aggregated.*,
        {{ throughput_ratios() }},
        team_activity.team_active_workers
    from aggregated
    inner join team_activity
        on
            aggregated.workteam_name = team_activity.workteam_name
            and aggregated.closed_hour = team_activity.closed_hour
)

select * from final
