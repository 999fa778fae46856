{#-
    Per job and active-learning iteration (batch), from the S3 labeling output: objects first
    labeled by humans and by the machine in the batch, running totals, the batch's window, the
    job's first iteration with machine labels, and the batch's cost.
-#}
with iterations as (
    select * from {{ ref('int_job_iterations') }}
),

cost_lines as (
    select * from {{ ref('fct_labeling_job_cost_lines') }}
),

iteration_costs as (
    select
        labeling_job_name,
        iteration,
        sum(amount_usd) filter (where cost_side = 'human') as cost_human_usd,
        sum(amount_usd) filter (where cost_side = 'auto') as cost_auto_usd
    from cost_lines
    where iteration is not null
    group by labeling_job_name, iteration
),

running as (
    select
        *,
        sum(human_labeled_objects) over job_so_far as cumulative_human_labeled_objects,
        sum(machine_labeled_objects) over job_so_far as cumulative_machine_labeled_objects,
        sum(labeled_objects) over job_so_far as cumulative_labeled_objects,
        min(case when machine_labeled_objects > 0 then iteration end) over (
            partition by labeling_job_name
        ) as first_machine_iteration
    from iterations
    window job_so_far as (
        partition by labeling_job_name order by iteration rows between unbounded preceding and current row
    )
),

final as (
    select
        r.labeling_job_name,
        r.iteration,
        r.human_labeled_objects,
        r.machine_labeled_objects,
        r.labeled_objects,
        r.relabeled_objects,
        r.cumulative_human_labeled_objects,
        r.cumulative_machine_labeled_objects,
        r.cumulative_labeled_objects,
        r.started_at,
        r.first_labeled_at,
        r.ended_at,
        r.batch_elapsed_seconds,
        r.first_machine_iteration,
        r.iteration = r.first_machine_iteration as is_first_machine_iteration,
        coalesce(c.cost_human_usd, 0) as cost_human_usd,
        coalesce(c.cost_auto_usd, 0) as cost_auto_usd,
        coalesce(c.cost_human_usd, 0) + coalesce(c.cost_auto_usd, 0) as cost_total_usd,
        {{ safe_ratio('coalesce(c.cost_human_usd, 0) + coalesce(c.cost_auto_usd, 0)', 'r.labeled_objects') }}
            as cost_per_labeled_object_usd
    from running as r
    left join iteration_costs as c
        on
            r.labeling_job_name = c.labeling_job_name
            and r.iteration = c.iteration
)

select * from final
