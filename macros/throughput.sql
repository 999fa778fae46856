{#-
    The measures shared by the throughput marts (worker x job and team x job, hourly and daily).
    Input rows are fct_task_outcomes; every task counts in the period of its closing time.
-#}

{#- Aggregates; use in a query grouped by the mart's grain. -#}
{% macro throughput_aggregates() -%}
    count(*) as tasks_closed,
    count(accepted_at) as tasks_accepted,
    count(case when outcome = 'submitted' then 1 end) as tasks_submitted,
    count(case when outcome = 'returned' then 1 end) as tasks_returned,
    count(case when outcome = 'declined' then 1 end) as tasks_declined,
    coalesce(sum(case when outcome = 'submitted' then handling_seconds end), 0) as handling_seconds_sum,
    {{ percentile_cont("case when outcome = 'submitted' then handling_seconds end", 0.5) }}
        as handling_seconds_median,
    {{ percentile_cont("case when outcome = 'submitted' then handling_seconds end", 0.9) }}
        as handling_seconds_p90,
    coalesce(sum(handling_seconds), 0) as handling_seconds_all_outcomes,
    sum(working_seconds) as working_seconds,
    count(case when is_fast_task then 1 end) as fast_tasks
{%- endmacro %}

{#- Ratios over the aggregates above; use in the next CTE. -#}
{% macro throughput_ratios() -%}
    {{ safe_ratio('handling_seconds_sum', 'tasks_submitted') }} as handling_seconds_mean,
    {{ safe_ratio('tasks_submitted * 3600', 'working_seconds') }} as submitted_per_working_hour,
    {{ safe_ratio('tasks_returned + tasks_declined', 'tasks_closed') }} as return_decline_rate,
    {{ safe_ratio('handling_seconds_all_outcomes', 'working_seconds') }} as handling_to_working_ratio
{%- endmacro %}

{#- The period columns of a grain ('hour' or 'day'), and the one that names the period. -#}
{% macro throughput_period_columns(grain) -%}
    {%- if grain == 'hour' -%}
        {{ return(['closed_hour', 'closed_date']) }}
    {%- elif grain == 'day' -%}
        {{ return(['closed_date']) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("throughput grain must be 'hour' or 'day', not " ~ grain) }}
    {%- endif -%}
{%- endmacro %}

{#- Body of throughput_worker_job_<grain>: per worker, job and period. Every row of a job
    depends on the job (fast-task flags on the job median), so on an incremental build the jobs
    changed since the last build (fct_task_outcomes.extracted_at) are recomputed whole. -#}
{% macro throughput_worker_job(grain) -%}
    {%- set periods = throughput_period_columns(grain) | join(', ') -%}
with all_task_outcomes as {{ not_materialized() }} (
    select * from {{ ref('fct_task_outcomes') }}
),

task_outcomes as (
    {{ rows_of_changed_jobs('all_task_outcomes') }}
),

aggregated as (
    select
        cognito_sub,
        workteam_name,
        labeling_job_name,
        {{ periods }},
        {{ throughput_aggregates() }},
        max(extracted_at) as extracted_at
    from task_outcomes
    group by cognito_sub, workteam_name, labeling_job_name, {{ periods }}
),

final as (
    select
        *,
        {{ throughput_ratios() }}
    from aggregated
)

select * from final
{%- endmacro %}

{#- Body of throughput_team_job_<grain>: per team, job and period, with the team's active
    workers in the period. A row depends on its job and on its team-period, so on an incremental
    build the team-periods in which a changed job has tasks are recomputed whole. -#}
{% macro throughput_team_job(grain) -%}
    {%- set columns = throughput_period_columns(grain) -%}
    {%- set period = columns[0] -%}
with all_task_outcomes as {{ not_materialized() }} (
    select * from {{ ref('fct_task_outcomes') }}
),

task_outcomes as {{ not_materialized() }} (
    select * from all_task_outcomes
    {% if is_incremental() %}
        where (workteam_name, {{ period }}) in (
            select (workteam_name, {{ period }}) from all_task_outcomes
            where labeling_job_name in {{ changed_jobs('all_task_outcomes') }}
        )
    {% endif %}
),

team_activity as (
    select
        workteam_name,
        {{ period }},
        count(distinct cognito_sub) as team_active_workers,
        max(extracted_at) as extracted_at
    from task_outcomes
    group by workteam_name, {{ period }}
),

aggregated as (
    select
        workteam_name,
        labeling_job_name,
        {{ columns | join(', ') }},
        count(distinct cognito_sub) as active_workers,
        {{ throughput_aggregates() }}
    from task_outcomes
    group by workteam_name, labeling_job_name, {{ columns | join(', ') }}
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
            and aggregated.{{ period }} = team_activity.{{ period }}
)

select * from final
{%- endmacro %}
