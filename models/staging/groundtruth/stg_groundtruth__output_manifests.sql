{#-
    One row per line of a job's output manifest, with the label metadata typed. Lines that are
    not JSON objects or carry no `-metadata` object are in quarantine instead
    (base_groundtruth__output_manifests).
-#}
with base as (
    select * from {{ ref('base_groundtruth__output_manifests') }}
),

staged as (
    select
        bucket,
        key,
        labeling_job_name,
        source_ref,
        label_attribute_name,
        human_annotated,
        labeled_at,
        metadata_job_name,
        label_type,
        failure_reason,
        source_file
    from base
    where quarantine_reason is null
)

select * from staged
