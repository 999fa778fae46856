{#-
    Per worker, labeling job and UTC day of the closing time: tasks by outcome, the handling-time
    distribution of submitted tasks, both clocks and the rates. A task counts on the day it closed.

    Incremental: every row of a job depends on the job (its fast-task flags on the job median),
    so jobs changed since the last build (fct_task_outcomes.extracted_at) are recomputed whole.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='labeling_job_name',
    on_schema_change='fail',
    post_hook="{{ record_incremental_fingerprint() }}"
) }}

with all_task_outcomes as not materialized (
    select * from {{ ref('fct_task_outcomes') }}
),

task_outcomes as (
    select * from all_task_outcomes
    {% if is_incremental() %}
        where labeling_job_name in {{ changed_jobs('all_task_outcomes') }}
    {% endif %}
),

aggregated as (
    select
        cognito_sub,
        workteam_name,
        labeling_job_name,
        closed_date,
        {{ throughput_aggregates() }},
        max(extracted_at) as extracted_at
    from task_outcomes
    group by cognito_sub, workteam_name, labeling_job_name, closed_date
),

final as (
    select
        *,
        {{ throughput_ratios() }}
    from aggregated
)

select * from final
