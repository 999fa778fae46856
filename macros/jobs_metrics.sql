{#- Ratios and joins used by the labeling-job marts; portable SQL, or dispatched. -#}

{#- Ratios: safe_ratio (macros/workforce.sql) is the one numerator/denominator helper. -#}

{#- How much smaller `after` is than `before`, in percent of `before` (negative = larger). -#}
{% macro percent_reduction(before, after) -%}
    100 * (cast({{ before }} as {{ type_double() }}) - {{ after }}) / nullif({{ before }}, 0)
{%- endmacro %}

{#- The join of int_job_task_cost_events that gives each task (`tasks` as t, keyed by
    labeling_job_name and task_outcome_id) the first row of `reach` (labeling_job_name,
    reached_at, iteration; reached_at grows with iteration) whose reached_at is at or after the
    task's closed_at, as `f`; no row when none is. DuckDB: an ASOF join, one lookup per task.
    Spark has no ASOF join: a range join within the job (a job has few iterations), keeping the
    smallest iteration per task, which is the one with the earliest reached_at. -#}
{% macro first_reach_join(tasks, reach) -%}
    {{ return(adapter.dispatch('first_reach_join')(tasks, reach)) }}
{%- endmacro %}

{% macro default__first_reach_join(tasks, reach) -%}
    asof left join {{ reach }} as f
        on
            t.labeling_job_name = f.labeling_job_name
            and t.closed_at <= f.reached_at
{%- endmacro %}

{% macro spark__first_reach_join(tasks, reach) -%}
    left join (
        select
            r_t.labeling_job_name,
            r_t.task_outcome_id,
            min(r.iteration) as iteration
        from {{ tasks }} as r_t
        inner join {{ reach }} as r
            on
                r_t.labeling_job_name = r.labeling_job_name
                and r_t.closed_at <= r.reached_at
        group by r_t.labeling_job_name, r_t.task_outcome_id
    ) as f
        on
            t.labeling_job_name = f.labeling_job_name
            and t.task_outcome_id = f.task_outcome_id
{%- endmacro %}
