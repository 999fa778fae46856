{#-
    The price book resolved, per cost component and work team that cost events name, into
    consecutive intervals between its effective dates, each with the row that wins in it (a
    team's own row before an every-team row, then the latest effective_from, then price_id):
    every priced item of fct_labeling_job_cost_lines then falls in exactly one interval (or
    none, before the first date), instead of a join and a ranking over all items. ends_at is
    NULL for the last interval; price_id NULL where no row applies (a gap in the book).
-#}
with price_book as (
    select * from {{ ref('price_book') }}
),

price_keys as (
    select distinct
        cost_component,
        workteam_name
    from {{ ref('int_job_object_cost_events') }}
    union
    select distinct
        cost_component,
        workteam_name
    from {{ ref('int_job_task_cost_events') }}
),

price_breaks as (
    select distinct
        k.cost_component,
        k.workteam_name,
        {{ unnest_cast(['p.effective_from', 'p.effective_to'], 'timestamp', 'starts_at') }}
    from price_keys as k
    inner join price_book as p
        on
            k.cost_component = p.cost_component
            and (p.workteam_name is null or lower(p.workteam_name) = k.workteam_name)
),

price_spans as (
    select
        cost_component,
        workteam_name,
        starts_at,
        lead(starts_at) over (partition by cost_component, workteam_name order by starts_at) as ends_at
    from price_breaks
    where starts_at is not null
),

price_intervals as (
    select
        b.cost_component,
        b.workteam_name,
        b.starts_at,
        b.ends_at,
        p.price_id,
        p.unit_price_usd
    from price_spans as b
    left join price_book as p
        on
            b.cost_component = p.cost_component
            and (p.workteam_name is null or lower(p.workteam_name) = b.workteam_name)
            and b.starts_at >= p.effective_from
            and (p.effective_to is null or b.starts_at < p.effective_to)
    qualify
        row_number() over (
            partition by b.cost_component, b.workteam_name, b.starts_at
            order by p.workteam_name is null asc, p.effective_from desc, p.price_id asc
        ) = 1
)

select * from price_intervals
