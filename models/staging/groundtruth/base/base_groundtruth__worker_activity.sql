{#-
    Every landed worker-activity event, typed, with the reason it cannot be staged (if any).
    stg_groundtruth__worker_activity keeps the rows without a reason; quarantine_worker_activity
    keeps the rest, so raw = staged + quarantined holds by construction.
-#}
{%- set fields = [
    'worker_id', 'cognito_user_pool_id', 'cognito_sub_id',
    'task_accepted_time', 'task_submitted_time', 'task_returned_time', 'task_declined_time',
    'workteam_arn', 'labeling_job_arn', 'work_requester_account_id', 'job_reference_code',
    'job_type', 'event_type', 'event_timestamp'
] -%}

with source as (
    select * from {{ source('groundtruth', 'worker_activity') }}
),

parsed as (
    select
        *,
        md5(message) as activity_record_id,
        {{ json_string_fields('message', fields) }} as r
    from source
),

typed as (
    select
        activity_record_id,
        message,
        r is null or left(ltrim(message), 1) != '{' as is_malformed,
        "eventId" as event_id,
        "logStreamName" as log_stream_name,
        source_format,
        r.worker_id,
        r.cognito_user_pool_id,
        r.cognito_sub_id as cognito_sub,
        r.workteam_arn,
        lower(regexp_extract(r.workteam_arn, 'workteam/[^/]+/(.+)$', 1)) as workteam_name,
        r.labeling_job_arn,
        lower(regexp_extract(r.labeling_job_arn, 'labeling-job/(.+)$', 1)) as labeling_job_name,
        r.work_requester_account_id,
        r.job_reference_code,
        r.job_type,
        r.event_type,
        r.task_accepted_time,
        r.task_submitted_time,
        r.task_returned_time,
        coalesce(r.task_declined_time, '') as task_declined_time,
        r.event_timestamp,
        {{ parse_worker_time('r.task_accepted_time') }} as task_accepted_at,
        {{ parse_worker_time('r.task_submitted_time') }} as task_submitted_at,
        {{ parse_worker_time('r.task_returned_time') }} as task_returned_at,
        {{ parse_worker_time('r.task_declined_time') }} as task_declined_at,
        {{ epoch_ms_to_timestamp('try_cast(r.event_timestamp as bigint) * 1000') }} as event_timestamp_at,
        {{ epoch_ms_to_timestamp('"timestamp"') }} as event_at,
        {{ epoch_ms_to_timestamp('"ingestionTime"') }} as ingested_at,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at
    from parsed
),

closed as (
    select
        *,
        case event_type
            when 'TasksSubmitted' then task_submitted_at
            when 'TasksReturned' then task_returned_at
            when 'TasksDeclined' then task_declined_at
        end as closed_at
    from typed
),

reasoned as (
    select
        *,
        case
            when message is null then 'no_message'
            when is_malformed then 'malformed_json'
            when
                coalesce(worker_id, '') = ''
                or coalesce(cognito_sub, '') = ''
                or coalesce(labeling_job_arn, '') = ''
                or coalesce(workteam_arn, '') = ''
                or coalesce(event_type, '') = ''
                or coalesce(event_timestamp, '') = ''
                or task_accepted_time is null
                or task_submitted_time is null
                or task_returned_time is null
                then 'missing_field'
            when coalesce(workteam_name, '') = '' or coalesce(labeling_job_name, '') = '' then 'malformed_arn'
            when event_type not in ('TasksSubmitted', 'TasksReturned', 'TasksDeclined')
                then 'unknown_event_type'
            when
                (task_accepted_time != '' and task_accepted_at is null)
                or (task_submitted_time != '' and task_submitted_at is null)
                or (task_returned_time != '' and task_returned_at is null)
                or (task_declined_time != '' and task_declined_at is null)
                or event_timestamp_at is null
                then 'unparsable_timestamp'
            when closed_at is null then 'missing_closing_time'
            when closed_at < task_accepted_at then 'closed_before_accepted'
        end as row_reason,
        row_number() over (
            partition by activity_record_id
            order by ingested_at nulls last, event_at, event_id, source_file, source_record_index
        ) as delivery_number
    from closed
),

final as (
    select
        * exclude (message, is_malformed, row_reason),
        coalesce(
            row_reason,
            case when delivery_number > 1 then 'duplicate_delivery' end
        ) as quarantine_reason,
        case when row_reason is not null or delivery_number > 1 then message end as raw_message
    from reasoned
)

select * from final
