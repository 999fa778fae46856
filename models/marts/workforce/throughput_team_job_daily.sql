{#-
    Per workteam, labeling job and UTC day of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks, the rates, and active workers (closed at least
    one task in the day) on the job and in the whole team. A task counts in the day it closed.

    Incremental: a row depends on its job (fast-task flags on the job median) and on its team and
    period (team_active_workers). So the team-periods in which a job changed since the last build
    has tasks are recomputed whole, every job in them, and replaced. extracted_at: the latest
    change marker in the team-period.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['workteam_name', 'closed_date'],
    on_schema_change='fail',
    post_hook="{{ record_incremental_fingerprint() }}"
) }}

with all_task_outcomes as not materialized (
    select * from {{ ref('fct_task_outcomes') }}
),

task_outcomes as not materialized (
    select * from all_task_outcomes
    {% if is_incremental() %}
        where (workteam_name, closed_date) in (
            select (workteam_name, closed_date) from all_task_outcomes
            where labeling_job_name in {{ changed_jobs('all_task_outcomes') }}
        )
    {% endif %}
),

team_activity as (
    select
        workteam_name,
        closed_date,
        count(distinct cognito_sub) as team_active_workers,
        max(extracted_at) as extracted_at
    from task_outcomes
    group by workteam_name, closed_date
),

aggregated as (
    select
        workteam_name,
        labeling_job_name,
        closed_date,
        count(distinct cognito_sub) as active_workers,
        {{ throughput_aggregates() }}
    from task_outcomes
    group by workteam_name, labeling_job_name, closed_date
),

final as (
    select
        aggregated.*,
        {{ throughput_ratios() }},
        team_activity.team_active_workers,
        team_activity.extracted_at
    from aggregated
    inner join team_activity
        on
            aggregated.workteam_name = team_activity.workteam_name
            and aggregated.closed_date = team_activity.closed_date
)

select * from final
