{#-
    The jobs of each chain in order, with running totals along the chain: objects labeled by
    humans and by the machine so far, the cumulative automation rate (machine / all labeled
    objects so far) and the cumulative cost.
-#}
with paths as (
    select * from {{ ref('int_job_chain_paths') }}
),

edges as (
    select * from {{ ref('int_job_lineage_edges') }}
),

job_costs as (
    select * from {{ ref('fct_labeling_job_costs') }}
),

chains as (
    select * from paths
    where is_chain
),

members as (
    select
        md5(c.job_path) as chain_id,
        c.job_path as chain_job_path,
        c.chain_position as chain_length,
        m.chain_position,
        m.labeling_job_name,
        lag(m.labeling_job_name) over (partition by c.job_path order by m.chain_position) as previous_job_name
    from chains as c
    inner join paths as m
        on
            c.root_job_name = m.root_job_name
            and (c.job_path = m.job_path or c.job_path like (m.job_path || ' > %'))
),

joined as (
    select
        m.*,
        e.has_model_link,
        e.has_manifest_link,
        k.human_labeled_objects,
        k.machine_labeled_objects,
        k.labeled_objects,
        k.cost_total_usd
    from members as m
    inner join job_costs as k on m.labeling_job_name = k.labeling_job_name
    left join edges as e
        on
            m.previous_job_name = e.from_job_name
            and m.labeling_job_name = e.to_job_name
),

running as (
    select
        *,
        sum(human_labeled_objects) over chain_so_far as cumulative_human_labeled_objects,
        sum(machine_labeled_objects) over chain_so_far as cumulative_machine_labeled_objects,
        sum(labeled_objects) over chain_so_far as cumulative_labeled_objects,
        sum(cost_total_usd) over chain_so_far as cumulative_cost_usd
    from joined
    window chain_so_far as (
        partition by chain_id order by chain_position rows between unbounded preceding and current row
    )
),

final as (
    select
        chain_id,
        chain_job_path,
        chain_length,
        chain_position,
        labeling_job_name,
        previous_job_name,
        coalesce(has_model_link, false) as has_model_link_from_previous,
        coalesce(has_manifest_link, false) as has_manifest_link_from_previous,
        human_labeled_objects,
        machine_labeled_objects,
        labeled_objects,
        cost_total_usd,
        cumulative_human_labeled_objects,
        cumulative_machine_labeled_objects,
        cumulative_labeled_objects,
        {{ safe_ratio('cumulative_machine_labeled_objects', 'cumulative_labeled_objects') }}
            as cumulative_automation_rate,
        cumulative_cost_usd
    from running
)

select * from final
