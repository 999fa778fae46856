{#-
    One row per chain: a maximal path of jobs, each started from the previous one's final model
    or output manifest. A job linked to nothing (including a job whose starting model no known
    job produced) is a chain of one. Branches give one chain per branch.
-#}
with members as (
    select * from {{ ref('job_chain_members') }}
),

final as (
    select
        chain_id,
        chain_job_path as job_path,
        chain_length,
        max(case when chain_position = 1 then labeling_job_name end) as root_job_name,
        max(case when chain_position = chain_length then labeling_job_name end) as leaf_job_name,
        bool_and(chain_position = 1 or has_model_link_from_previous) as is_model_chain,
        bool_or(has_manifest_link_from_previous) as has_manifest_link,
        sum(human_labeled_objects) as human_labeled_objects,
        sum(machine_labeled_objects) as machine_labeled_objects,
        sum(labeled_objects) as labeled_objects,
        {{ safe_ratio('sum(machine_labeled_objects)', 'sum(labeled_objects)') }} as cumulative_automation_rate,
        sum(cost_total_usd) as cost_total_usd
    from members
    group by chain_id, chain_job_path, chain_length
)

select * from final
