{#- What the output_manifests suite validates: every landed output-manifest line (every
    version), read through the job's own label (macros/manifests.sql). Lines of objects not
    labeled yet have no label to check. -#}
with manifests as (
    select * from {{ ref('base_groundtruth__output_manifests') }}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

owned as (
    select
        manifests.*,
        {{ own_manifest_label('manifests.labels', 'jobs.label_attribute_name', 'manifests.labeling_job_name') }}
            as own
    from manifests
    left join jobs on manifests.labeling_job_name = jobs.labeling_job_name
),

checks as (
    select
        hash(extract_run_id, source_file, source_ref, raw_line) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        quarantine_reason,
        true as is_checked,
        labeling_job_name,
        source_ref,
        own.human_annotated,
        own.failure_reason,
        own.creation_date_raw,
        own.labeled_at,
        {{ manifest_object_status('own') }} as object_status,
        quarantine_reason is null as is_typed,
        case
            when quarantine_reason is not null or own is null then null
            when own.human_annotated is null and own.failure_reason is not null then null
            else coalesce(own.human_annotated, '(missing)')
        end as human_annotated_value,
        case when quarantine_reason is null and own is not null then own.labeled_at is not null end
            as creation_date_parses
    from owned
)

select * from checks
