{#-
    Per job and active-learning iteration (batch) in the S3 output: objects first labeled by
    humans and by the machine, and the batch's time window. A batch ends at its latest label
    time (consolidation-response file time, or auto-label creation-date) and starts where the
    previous batch ended (the job's creation time for the first).
-#}
with label_events as (
    select * from {{ ref('int_job_label_events') }}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

per_iteration as (
    select
        labeling_job_name,
        iteration,
        count(*) filter (where is_first_label and labeled_by = 'human') as human_labeled_objects,
        count(*) filter (where is_first_label and labeled_by = 'machine') as machine_labeled_objects,
        count(*) filter (where is_first_label) as labeled_objects,
        count(*) filter (where not is_first_label) as relabeled_objects,
        min(labeled_at) as first_labeled_at,
        max(labeled_at) as ended_at
    from label_events
    group by labeling_job_name, iteration
),

windowed as (
    select
        i.*,
        coalesce(
            lag(i.ended_at) over (partition by i.labeling_job_name order by i.iteration),
            j.created_at
        ) as started_at
    from per_iteration as i
    left join jobs as j on i.labeling_job_name = j.labeling_job_name
),

final as (
    select
        labeling_job_name,
        iteration,
        human_labeled_objects,
        machine_labeled_objects,
        labeled_objects,
        relabeled_objects,
        started_at,
        first_labeled_at,
        ended_at,
        {{ whole_seconds_between('started_at', 'ended_at') }} as batch_elapsed_seconds
    from windowed
)

select * from final
