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
