{#-
    Per job, whether the sources agree:
    - LabelCounters: TotalLabeled against HumanLabeled + MachineLabeled (AWS counts failed
      objects apart from TotalLabeled), and HumanLabeled + MachineLabeled + FailedNonRetryableError
      + Unlabeled against the lines of the latest output manifest (labeled, failed and not yet
      labeled objects; a running or stopped job writes the objects it has not labeled as in
      its input manifest), each line read through the job's own label;
    - the object ids of the active-learning output against those of the consolidation
      responses (int_job_auto_label_ids; `auto_label_id_mismatches`, a warning);
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

auto_id_checks as (
    select * from {{ ref('int_job_auto_label_ids') }}
),

manifest_counts as (
    select
        labeling_job_name,
        count(*) as manifest_objects,
        count(*) filter (where object_status = 'human') as manifest_human_labeled,
        count(*) filter (where object_status = 'machine') as manifest_machine_labeled,
        count(*) filter (where object_status = 'failed') as manifest_failed,
        count(*) filter (where object_status = 'unlabeled') as manifest_unlabeled
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
        m.manifest_unlabeled,
        k.human_labeled_objects as iteration_human_labeled,
        k.machine_labeled_objects as iteration_machine_labeled,
        k.human_labeled_objects - j.counter_human_labeled as iteration_human_gap,
        k.machine_labeled_objects - j.counter_machine_labeled as iteration_machine_gap,
        case when j.workforce_type = 'private' then coalesce(s.submitted_tasks, 0) end as submitted_tasks,
        j.counter_human_labeled * j.workers_per_object as expected_submitted_tasks,
        a.auto_labeled_ids,
        a.auto_label_id_mismatches
    from jobs as j
    inner join job_costs as k on j.labeling_job_name = k.labeling_job_name
    left join manifest_counts as m on j.labeling_job_name = m.labeling_job_name
    left join submitted_tasks as s on j.labeling_job_name = s.labeling_job_name
    left join auto_id_checks as a on j.labeling_job_name = a.labeling_job_name
),

final as (
    select
        *,
        counter_total_gap = 0 as is_counter_total_consistent,
        case
            when manifest_objects is not null
                then
                    counter_human_labeled + counter_machine_labeled + counter_failed + counter_unlabeled
                    = manifest_objects
        end as is_manifest_consistent,
        case when auto_labeled_ids is not null then auto_label_id_mismatches = 0 end
            as is_auto_label_ids_consistent,
        iteration_human_gap = 0 and iteration_machine_gap = 0 as is_iterations_consistent,
        {{ safe_ratio('submitted_tasks', 'expected_submitted_tasks') }} as submitted_task_ratio
    from compared
)

select * from final
