{#- Every record or file that did not reach staging, from every resource, with its reason. -#}
with worker_activity as (
    select * from {{ ref('quarantine_worker_activity') }}
),

users as (
    select * from {{ ref('base_cognito__users') }}
),

labeling_jobs as (
    select * from {{ ref('base_sagemaker__labeling_jobs') }}
),

output_manifests as (
    select * from {{ ref('base_groundtruth__output_manifests') }}
),

auto_annotations as (
    select * from {{ ref('base_groundtruth__auto_annotations') }}
),

rejected_files as (
    select * from {{ source("extract", "rejected_files") }}
),

unioned as (
    select
        'worker_activity' as resource,
        quarantine_reason as reason,
        source_file,
        source_record_index,
        extract_run_id,
        raw_message as detail
    from worker_activity
    union all
    select
        'users' as resource,
        quarantine_reason as reason,
        source_file,
        source_record_index,
        extract_run_id,
        raw_user as detail
    from users
    where quarantine_reason is not null
    union all
    select
        'labeling_jobs' as resource,
        quarantine_reason as reason,
        source_file,
        source_record_index,
        extract_run_id,
        raw_response as detail
    from labeling_jobs
    where quarantine_reason is not null
    union all
    select
        'output_manifests' as resource,
        quarantine_reason as reason,
        source_file,
        source_record_index,
        extract_run_id,
        raw_line as detail
    from output_manifests
    where quarantine_reason is not null
    union all
    select
        'auto_annotations' as resource,
        quarantine_reason as reason,
        source_file,
        source_record_index,
        extract_run_id,
        raw_line as detail
    from auto_annotations
    where quarantine_reason is not null
    union all
    select
        resource,
        reason,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        detail
    from rejected_files
)

select * from unioned
