{#-
    Active working time of private-team tasks, to be priced at the team's hourly rate: one row
    per task outcome (submitted, returned or declined) of a known job, working_seconds from
    int_task_working_time as hours, priced at the task's closing time. A task belongs to the
    first iteration of its job that ended at or after it closed (the last iteration when it
    closed later; no iteration when the job has no S3 output yet).

    Incremental (macros/incremental.sql), by job: a job is recomputed whole when one of its tasks
    changed in int_task_working_time (change markers) or its description or iterations changed
    (input digests). extracted_at: the task's change marker in int_task_working_time.
-#}
{{ incremental_model(unique_key='labeling_job_name', digests='task_cost_input_digests') }}

with all_working_time as {{ not_materialized() }} (
    select * from {{ ref('int_task_working_time') }}
),

working_time as (
    select * from all_working_time
    {% if is_incremental() %}
        where
            labeling_job_name in {{ changed_jobs('all_working_time') }}
            or labeling_job_name in {{ jobs_with_changed_inputs(task_cost_input_digests()) }}
    {% endif %}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

iterations as (
    select * from {{ ref('int_job_iterations') }}
),

job_tasks as (
    select w.*
    from working_time as w
    inner join jobs as j on w.labeling_job_name = j.labeling_job_name
),

{# The first iteration that ended at or after a task closed is the first iteration by which
    the job's running latest end reached that time: one ASOF lookup per task instead of joining
    every task with all of its job's later iterations (first_reach_join, macros/jobs_metrics.sql). #}
reach as (
    select
        labeling_job_name,
        iteration,
        max(ended_at) over (
            partition by labeling_job_name
            order by iteration
            rows between unbounded preceding and current row
        ) as reached_at
    from iterations
),

first_reach as (
    select
        labeling_job_name,
        reached_at,
        min(iteration) as iteration
    from reach
    where reached_at is not null
    group by labeling_job_name, reached_at
),

last_iterations as (
    select
        labeling_job_name,
        max(iteration) as iteration
    from iterations
    group by labeling_job_name
),

final as (
    select
        md5(t.labeling_job_name || '|private_hourly_rate|task|' || t.task_outcome_id) as cost_line_id,
        t.labeling_job_name,
        coalesce(f.iteration, l.iteration) as iteration,
        t.workteam_name,
        'private_hourly_rate' as cost_component,
        'human' as cost_side,
        'task' as source_kind,
        t.task_outcome_id as source_id,
        t.closed_at as priced_at,
        -- through a double on both engines (DuckDB divides a decimal by an integer as doubles;
        -- Spark would keep a decimal of 8 places)
        cast(cast(coalesce(t.working_seconds, 0) as {{ type_double() }}) / 3600 as decimal(24, 9)) as quantity,
        'hour' as quantity_unit,
        cast(null as decimal(18, 6)) as job_unit_price_usd,
        t.extracted_at
    from job_tasks as t
    {{ first_reach_join('job_tasks', 'first_reach') }}
    left join last_iterations as l on t.labeling_job_name = l.labeling_job_name
)

select * from final
