{#-
    What the worker_activity suite (expectations/suites.py) validates: one row per landed event,
    with the columns its checks read. Flags are NULL where a check does not apply (an empty or
    missing value is reported by the check for presence, not again by the check for its format).
    Re-delivered copies (duplicate_delivery) are counted by reconciliation, not checked again.
-#}
{%- set uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' -%}
{%- set arn = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:' -%}

with activity as (
    select * from {{ ref('base_groundtruth__worker_activity') }}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

users as (
    select distinct cognito_sub from {{ ref('stg_cognito__users') }}
),

landed as (
    -- Each CTE is read once: DuckDB materializes a CTE that is read twice, and then computes
    -- every column of this view for every row, even for a query that needs two of them.
    select
        exists(select 1 from {{ ref('stg_cognito__users') }}) as has_users,
        exists(select 1 from {{ ref('stg_sagemaker__labeling_jobs') }}) as has_jobs
),

joined as (
    select
        activity.*,
        date_trunc('second', jobs.created_at) as job_created_at,
        jobs.task_time_limit_seconds,
        jobs.labeling_job_name is not null as is_job_found,
        users.cognito_sub is not null as is_sub_found,
        landed.has_users,
        landed.has_jobs,
        greatest(activity.task_accepted_at, activity.closed_at, activity.event_timestamp_at) as latest_at,
        coalesce(activity.quarantine_reason not in ('malformed_json', 'no_message'), true) as is_parsed
    from activity
    left join jobs on activity.labeling_job_name = jobs.labeling_job_name
    left join users on activity.cognito_sub = users.cognito_sub
    cross join landed
),

checks as (
    select
        hash(activity_record_id) as record_key,  -- unique among checked rows: copies are not checked
        extract_run_id,
        source_file,
        source_record_index,
        event_id,
        case when event_id is not null then hash(event_id) end as event_key,
        quarantine_reason,
        coalesce(quarantine_reason != 'duplicate_delivery', true) as is_checked,
        event_type,
        worker_id,
        cognito_sub,
        workteam_arn,
        labeling_job_arn,
        labeling_job_name,
        task_accepted_time,
        task_submitted_time,
        task_returned_time,
        task_declined_time,
        event_timestamp,
        task_accepted_at,
        closed_at,
        event_timestamp_at,
        coalesce(ingested_at, event_at) as logged_at,
        is_parsed as message_parses,
        case when is_parsed then coalesce(quarantine_reason != 'missing_field', true) end as fields_present,
        -- Staging's reason says it (a record is quarantined for the first reason that applies).
        case
            when is_parsed then coalesce(quarantine_reason not in ('unknown_time_zone', 'unparsable_timestamp', 'missing_closing_time'), true)
        end as timestamps_parse,
        case
            when event_type in ('TasksSubmitted', 'TasksReturned')
                then coalesce(task_accepted_time, '') != ''
        end as accepted_time_present,
        {{ seconds_between('date_trunc(\'second\', closed_at)', 'event_timestamp_at') }}
            as event_timestamp_offset_seconds,
        {{ seconds_between('coalesce(ingested_at, event_at)', 'latest_at') }} as seconds_after_logged,
        latest_at > extracted_at + interval 5 minute as is_after_extraction,
        coalesce(task_accepted_at, closed_at) as started_at,
        job_created_at,
        floor({{ seconds_between('task_accepted_at', 'closed_at') }}) as handling_seconds,
        task_time_limit_seconds,
        case when coalesce(cognito_sub, '') != '' then {{ matches_regex('cognito_sub', uuid) }} end
            as is_uuid_sub,
        case when coalesce(worker_id, '') != '' then {{ matches_regex('worker_id', '[0-9a-f]{16}') }} end
            as is_hex_worker_id,
        case
            when coalesce(workteam_arn, '') != ''
                then {{ matches_regex('workteam_arn', arn ~ 'workteam/[a-z-]+-crowd/[^/]+') }}
        end as is_workteam_arn,
        case
            when coalesce(labeling_job_arn, '') != ''
                then {{ matches_regex('labeling_job_arn', arn ~ 'labeling-job/[^/]+') }}
        end as is_labeling_job_arn,
        case when quarantine_reason is null then is_sub_found end as is_sub_known,
        case when quarantine_reason is null then is_job_found end as is_job_described,
        case when quarantine_reason is null and has_users then is_sub_found end as sub_known_to_cognito,
        case when quarantine_reason is null and has_jobs then is_job_found end as job_described
    from joined
)

select * from checks
