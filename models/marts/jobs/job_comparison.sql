{#-
    All jobs side by side: time, labeled objects, machine share, when auto-labeling began,
    and cost. Counts and costs come from the S3 output (first labels); elapsed time from
    DescribeLabelingJob.
-#}
with jobs as (
    select * from {{ ref('dim_labeling_jobs') }}
),

job_costs as (
    select * from {{ ref('fct_labeling_job_costs') }}
),

iterations as (
    select * from {{ ref('fct_labeling_job_iterations') }}
),

edges as (
    select * from {{ ref('int_job_lineage_edges') }}
),

iteration_summary as (
    select
        labeling_job_name,
        count(*) as iterations,
        min(first_machine_iteration) as first_machine_iteration,
        count(*) filter (where iteration < first_machine_iteration) as iterations_before_auto_labeling,
        min(first_labeled_at) filter (where machine_labeled_objects > 0) as auto_labeling_began_at
    from iterations
    group by labeling_job_name
),

model_parents as (
    select
        to_job_name as labeling_job_name,
        min(from_job_name) as model_parent_job_name
    from edges
    where has_model_link
    group by to_job_name
),

final as (
    select
        j.labeling_job_name,
        j.status,
        j.is_terminal,
        j.task_type,
        j.workteam_name,
        j.workforce_type,
        j.input_manifest_s3_uri,
        j.is_automated_labeling,
        j.has_initial_model,
        p.model_parent_job_name,
        j.created_at,
        j.last_modified_at,
        j.elapsed_seconds,
        k.human_labeled_objects,
        k.machine_labeled_objects,
        k.labeled_objects,
        {{ safe_ratio('k.machine_labeled_objects', 'k.labeled_objects') }} as machine_labeled_share,
        coalesce(s.iterations, 0) as iterations,
        s.first_machine_iteration,
        case when s.first_machine_iteration is not null then s.iterations_before_auto_labeling end
            as iterations_before_auto_labeling,
        s.auto_labeling_began_at,
        {{ whole_seconds_between('j.created_at', 's.auto_labeling_began_at') }} as seconds_until_auto_labeling,
        k.private_working_hours,
        k.cost_human_usd,
        k.cost_auto_usd,
        k.cost_total_usd,
        k.cost_per_labeled_object_usd
    from jobs as j
    inner join job_costs as k on j.labeling_job_name = k.labeling_job_name
    left join iteration_summary as s on j.labeling_job_name = s.labeling_job_name
    left join model_parents as p on j.labeling_job_name = p.labeling_job_name
)

select * from final
