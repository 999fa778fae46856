{#- What the labeling_jobs suite validates: every landed DescribeLabelingJob response. -#}
{%- set arn = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:labeling-job/' -%}

with jobs as (
    select * from {{ ref('base_sagemaker__labeling_jobs') }}
),

checks as (
    select
        hash(extract_run_id, source_file, labeling_job_name) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        quarantine_reason,
        true as is_checked,
        labeling_job_name,
        labeling_job_arn,
        status,
        created_at,
        last_modified_at,
        total_labeled,
        human_labeled,
        machine_labeled,
        failed_non_retryable,
        unlabeled,
        quarantine_reason is null as is_typed,
        case
            when quarantine_reason is null
                then total_labeled = coalesce(human_labeled, 0) + coalesce(machine_labeled, 0)
                    and least(total_labeled, human_labeled, machine_labeled, failed_non_retryable, unlabeled) >= 0
        end as counters_add_up,
        case
            when labeling_job_arn is not null
                then {{ matches_regex('labeling_job_arn', arn ~ '[^/]+') }}
                    and lower(regexp_extract(labeling_job_arn, 'labeling-job/(.+)$', 1)) = labeling_job_name
        end as is_labeling_job_arn
    from jobs
)

select * from checks
