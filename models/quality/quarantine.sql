{#- Every record that did not reach staging, from every resource, with its reason. -#}
with worker_activity as (
    select * from {{ ref('quarantine_worker_activity') }}
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
        resource,
        reason,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        detail
    from rejected_files
)

select * from unioned
