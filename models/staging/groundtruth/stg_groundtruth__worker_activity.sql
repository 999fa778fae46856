with base as (
    select * from {{ ref('base_groundtruth__worker_activity') }}
),

staged as (
    select
        activity_record_id,
        occurrence_id,
        event_ordinal,
        event_id,
        log_stream_name,
        source_format,
        worker_id,
        cognito_user_pool_id,
        cognito_sub,
        workteam_arn,
        workteam_name,
        labeling_job_arn,
        labeling_job_name,
        work_requester_account_id,
        job_reference_code,
        job_type,
        event_type,
        is_task_outcome,
        -- submitted, returned or declined; NULL for another event type (staged, never counted)
        case when is_task_outcome then lower(replace(event_type, 'Tasks', '')) end as outcome,
        task_accepted_at,
        task_submitted_at,
        task_returned_at,
        task_declined_at,
        closed_at,
        event_timestamp_at,
        event_at,
        ingested_at,
        source_file,
        source_record_index,
        extract_run_id,
        extracted_at
    from base
    where quarantine_reason is null
)

select * from staged
