with base as (
    select * from {{ ref('base_groundtruth__worker_activity') }}
),

quarantined as (
    select
        activity_record_id,
        quarantine_reason,
        event_id,
        source_format,
        source_file,
        source_record_index,
        extract_run_id,
        event_type,
        cognito_sub,
        labeling_job_name,
        task_accepted_time,
        task_submitted_time,
        task_returned_time,
        task_declined_time,
        event_timestamp,
        raw_message
    from base
    where quarantine_reason is not null
)

select * from quarantined
