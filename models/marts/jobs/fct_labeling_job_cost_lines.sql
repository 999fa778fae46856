{#-
    Every priced item of every job, one row each, with the price that applied: the price-book
    row in effect at the item's pricing time (a team-specific row wins over an every-team row),
    or the job's own task price for MTurk tasks. Optional components without a price are left
    out (private labor without an hourly rate costs nothing); a labeled object always gets a
    service-fee line, with a NULL price if the price book has none for its date.
-#}
with object_events as (
    select * from {{ ref('int_job_object_cost_events') }}
),

task_events as (
    select * from {{ ref('int_job_task_cost_events') }}
),

price_book as (
    select * from {{ ref('price_book') }}
),

cost_events as (
    select * from object_events
    union all
    select * from task_events
),

candidate_prices as (
    select
        e.cost_line_id,
        p.price_id,
        p.unit_price_usd,
        row_number() over (
            partition by e.cost_line_id
            order by p.workteam_name is null asc, p.effective_from desc, p.price_id asc
        ) as price_rank
    from cost_events as e
    inner join price_book as p
        on
            e.cost_component = p.cost_component
            and (p.workteam_name is null or lower(p.workteam_name) = e.workteam_name)
            and e.priced_at >= p.effective_from
            and (p.effective_to is null or e.priced_at < p.effective_to)
),

priced as (
    select
        e.*,
        p.price_id,
        case when p.price_id is not null then 'price_book' when e.job_unit_price_usd is not null then 'job' end
            as price_source,
        coalesce(p.unit_price_usd, e.job_unit_price_usd) as unit_price_usd
    from cost_events as e
    left join candidate_prices as p
        on
            e.cost_line_id = p.cost_line_id
            and p.price_rank = 1
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
        cast(quantity * unit_price_usd as decimal(18, 6)) as amount_usd
    from priced
    where unit_price_usd is not null or cost_component = 'service_fee'
)

select * from final
