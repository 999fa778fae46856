{#-
    Per job: objects labeled by humans and by the machine (S3 output, first labels), the cost
    of each side by component, the total and the cost per labeled object. Every job appears,
    with zeros when nothing was labeled yet.
-#}
with jobs as (
    select * from {{ ref('dim_labeling_jobs') }}
),

label_events as (
    select * from {{ ref('int_job_label_events') }}
),

cost_lines as (
    select * from {{ ref('fct_labeling_job_cost_lines') }}
),

labeled as (
    select
        labeling_job_name,
        count(*) filter (where labeled_by = 'human') as human_labeled_objects,
        count(*) filter (where labeled_by = 'machine') as machine_labeled_objects
    from label_events
    where is_first_label
    group by labeling_job_name
),

components as (
    select
        labeling_job_name,
        sum(amount_usd) filter (where cost_component = 'service_fee' and cost_side = 'human') as human_service_fee_usd,
        sum(amount_usd) filter (where cost_component = 'task_price') as task_price_cost_usd,
        sum(amount_usd) filter (where cost_component = 'private_hourly_rate') as private_labor_cost_usd,
        sum(quantity) filter (where cost_component = 'private_hourly_rate') as private_working_hours,
        sum(amount_usd) filter (where cost_component = 'service_fee' and cost_side = 'auto') as auto_service_fee_usd,
        sum(amount_usd) filter (where cost_component = 'auto_labeling_compute') as auto_compute_cost_usd,
        sum(amount_usd) filter (where iteration is null) as cost_outside_iterations_usd
    from cost_lines
    group by labeling_job_name
),

filled as (
    select
        j.labeling_job_name,
        coalesce(l.human_labeled_objects, 0) as human_labeled_objects,
        coalesce(l.machine_labeled_objects, 0) as machine_labeled_objects,
        coalesce(c.human_service_fee_usd, 0) as human_service_fee_usd,
        coalesce(c.task_price_cost_usd, 0) as task_price_cost_usd,
        coalesce(c.private_labor_cost_usd, 0) as private_labor_cost_usd,
        coalesce(c.private_working_hours, 0) as private_working_hours,
        coalesce(c.auto_service_fee_usd, 0) as auto_service_fee_usd,
        coalesce(c.auto_compute_cost_usd, 0) as auto_compute_cost_usd,
        coalesce(c.cost_outside_iterations_usd, 0) as cost_outside_iterations_usd
    from jobs as j
    left join labeled as l on j.labeling_job_name = l.labeling_job_name
    left join components as c on j.labeling_job_name = c.labeling_job_name
),

totals as (
    select
        *,
        human_labeled_objects + machine_labeled_objects as labeled_objects,
        human_service_fee_usd + task_price_cost_usd + private_labor_cost_usd as cost_human_usd,
        auto_service_fee_usd + auto_compute_cost_usd as cost_auto_usd
    from filled
),

final as (
    select
        *,
        cost_human_usd + cost_auto_usd as cost_total_usd,
        {{ safe_ratio('cost_human_usd + cost_auto_usd', 'labeled_objects') }} as cost_per_labeled_object_usd,
        {{ safe_ratio('cost_human_usd', 'human_labeled_objects') }} as cost_per_human_labeled_object_usd,
        {{ safe_ratio('cost_auto_usd', 'machine_labeled_objects') }} as cost_per_machine_labeled_object_usd
    from totals
)

select * from final
