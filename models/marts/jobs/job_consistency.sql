{#-
    Per job, whether the sources agree:
    - LabelCounters: TotalLabeled against HumanLabeled + MachineLabeled (AWS counts failed
      objects apart from TotalLabeled), and HumanLabeled + MachineLabeled + FailedNonRetryableError
      against the rows of the output manifest (labeled and failed objects);
    - the S3 iterations (first labels) against HumanLabeled and MachineLabeled;
    - submitted tasks in the worker-activity log against HumanLabeled x workers per object, as
      a ratio (private teams only: AWS logs no other workforce; above 1 when objects were
      labeled again or tasks were submitted for objects that later failed).
-#}
with jobs as (
    select * from {{ ref('dim_labeling_jobs') }}
),

job_costs as (
    select * from {{ ref('fct_labeling_job_costs') }}
),

manifests as (
    select * from {{ ref('stg_groundtruth__output_manifests') }}
),

activity as (
    select * from {{ ref('stg_groundtruth__worker_activity') }}
),

manifest_counts as (
    select
        labeling_job_name,
        count(*) as manifest_objects,
        count(*) filter (where failure_reason is null and human_annotated = 'yes') as manifest_human_labeled,
        count(*) filter (where failure_reason is null and human_annotated = 'no') as manifest_machine_labeled,
        count(*) filter (where failure_reason is not null) as manifest_failed
    from manifests
    group by labeling_job_name
),

submitted_tasks as (
    select
        labeling_job_name,
        count(*) as submitted_tasks
    from activity
    where outcome = 'submitted'
    group by labeling_job_name
),

compared as (
    select
        j.labeling_job_name,
        j.status,
        j.workforce_type,
        j.workers_per_object,
        j.counter_total_labeled,
        j.counter_human_labeled,
        j.counter_machine_labeled,
        j.counter_failed,
        j.counter_unlabeled,
        j.counter_total_labeled - (j.counter_human_labeled + j.counter_machine_labeled) as counter_total_gap,
        m.manifest_objects,
        m.manifest_human_labeled,
        m.manifest_machine_labeled,
        m.manifest_failed,
        k.human_labeled_objects as iteration_human_labeled,
        k.machine_labeled_objects as iteration_machine_labeled,
        k.human_labeled_objects - j.counter_human_labeled as iteration_human_gap,
        k.machine_labeled_objects - j.counter_machine_labeled as iteration_machine_gap,
        case when j.workforce_type = 'private' then coalesce(s.submitted_tasks, 0) end as submitted_tasks,
        j.counter_human_labeled * j.workers_per_object as expected_submitted_tasks
    from jobs as j
    inner join job_costs as k on j.labeling_job_name = k.labeling_job_name
    left join manifest_counts as m on j.labeling_job_name = m.labeling_job_name
    left join submitted_tasks as s on j.labeling_job_name = s.labeling_job_name
),

final as (
    select
        *,
        counter_total_gap = 0 as is_counter_total_consistent,
        case
            when manifest_objects is not null
                then counter_human_labeled + counter_machine_labeled + counter_failed = manifest_objects
        end as is_manifest_consistent,
        iteration_human_gap = 0 and iteration_machine_gap = 0 as is_iterations_consistent,
        {{ ratio_or_null('submitted_tasks', 'expected_submitted_tasks') }} as submitted_task_ratio
    from compared
)

select * from final
