{#-
    One row per line of the latest version of each job's output manifest, with the job's own
    label typed. Ground Truth rewrites output.manifest while a job runs; every version lands in
    the lake (base_groundtruth__output_manifests, counted in reconciliation) and only the
    latest extraction of each S3 key is staged here, so objects are not counted once per
    version. Lines that cannot be typed are in quarantine instead.

    The one join in staging: which of a line's labels is the job's own is named by the job's
    LabelAttributeName in DescribeLabelingJob (macros/manifests.sql); the other labels, from
    earlier jobs a chained or adjustment job read, stay in `labels` and in
    stg_groundtruth__output_manifest_labels. A line without the job's label is an object
    not labeled yet (`object_status` 'unlabeled').
-#}
with base as (
    select * from {{ ref('base_groundtruth__output_manifests') }}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

versioned as (
    select
        *,
        max(extracted_at) over (partition by bucket, key) as latest_extracted_at
    from base
),

latest as (
    -- the latest version, even when some (or all) of its lines are in quarantine
    select * {{ star_exclude() }} (latest_extracted_at)
    from versioned
    where extracted_at = latest_extracted_at and quarantine_reason is null
),

owned as (
    select
        latest.*,
        jobs.label_attribute_name as job_label_attribute_name,
        {{ own_manifest_label('latest.labels', 'jobs.label_attribute_name', 'latest.labeling_job_name') }} as own
    from latest
    left join jobs on latest.labeling_job_name = jobs.labeling_job_name
),

staged as (
    select
        bucket,
        key,
        labeling_job_name,
        source_ref,
        coalesce(own.label_attribute_name, job_label_attribute_name) as label_attribute_name,
        {{ manifest_object_status('own') }} as object_status,
        own.human_annotated,
        own.labeled_at,
        own.metadata_job_name,
        own.label_type,
        own.failure_reason,
        own.adjustment_status,
        {{ list_length('labels') }} - (own is not null)::int as other_label_count,
        labels,
        source_file,
        extract_run_id,
        extracted_at
    from owned
)

select * from staged
