{#-
    Every priced item of every job, one row each, with the price that applied: the price-book
    row in effect at the item's pricing time (int_price_intervals), or the job's own task price
    for MTurk tasks. Optional components without a price are left
    out (private labor without an hourly rate costs nothing); a labeled object always gets a
    service-fee line, with a NULL price if the price book has none for its date.

    Incremental (macros/incremental.sql), by job: a job is recomputed whole when one of its task
    lines changed (change markers of int_job_task_cost_events) or its per-object events changed
    (input digests). extracted_at: the task line's change marker; NULL for per-object lines.
-#}
{{ incremental_model(unique_key='labeling_job_name', digests='object_cost_input_digests') }}

with object_events as (
    select * from {{ ref('int_job_object_cost_events') }}
),

task_events as (
    select * from {{ ref('int_job_task_cost_events') }}
),

-- both carry the same columns in the same order, extracted_at last; per-object lines have no
-- change marker
all_cost_events as (
    select
        * {{ star_exclude() }} (extracted_at),
        cast(null as timestamp) as extracted_at
    from object_events
    {{ union_all_by_name() }}
    select * from task_events
),

cost_events as (
    select * from all_cost_events
    {% if is_incremental() %}
        where
            labeling_job_name in {{ changed_jobs('task_events') }}
            or labeling_job_name in {{ jobs_with_changed_inputs(object_cost_input_digests()) }}
    {% endif %}
),

price_intervals as (
    select * from {{ ref('int_price_intervals') }}
),

priced as (
    select
        e.*,
        i.price_id,
        case when i.price_id is not null then 'price_book' when e.job_unit_price_usd is not null then 'job' end
            as price_source,
        coalesce(i.unit_price_usd, e.job_unit_price_usd) as unit_price_usd
    from cost_events as e
    left join price_intervals as i
        on
            e.cost_component = i.cost_component
            and e.workteam_name is not distinct from i.workteam_name
            and e.priced_at >= i.starts_at
            and (e.priced_at < i.ends_at or i.ends_at is null)
),

final as (
    select
        cost_line_id,
        labeling_job_name,
        iteration,
        workteam_name,
        cost_component,
        cost_side,
        source_kind,
        source_id,
        priced_at,
        quantity,
        quantity_unit,
        price_source,
        price_id,
        unit_price_usd,
        cast(quantity * unit_price_usd as decimal(18, 6)) as amount_usd,
        extracted_at
    from priced
    where unit_price_usd is not null or cost_component = 'service_fee'
)

select * from final
