{#- Steps of base_groundtruth__worker_activity with names of their own. -#}

{#- The typed columns of one landed event: the envelope, the record's fields (parsed from
    `message` into the struct `record` by json_string_fields), the four task times and the
    CloudWatch times as UTC timestamps, and lineage. -#}
{% macro worker_activity_columns(record) -%}
    {{ record }} is null or left(ltrim(message), 1) != '{' as is_malformed,
    {{ adapter.quote('eventId') }} as event_id,
    {{ adapter.quote('logStreamName') }} as log_stream_name,
    source_format,
    {{ record }}.worker_id,
    {{ record }}.cognito_user_pool_id,
    {{ record }}.cognito_sub_id as cognito_sub,
    {{ record }}.workteam_arn,
    lower(regexp_extract({{ record }}.workteam_arn, 'workteam/[^/]+/(.+)$', 1)) as workteam_name,
    {{ record }}.labeling_job_arn,
    lower(regexp_extract({{ record }}.labeling_job_arn, 'labeling-job/(.+)$', 1)) as labeling_job_name,
    {{ record }}.work_requester_account_id,
    {{ record }}.job_reference_code,
    {{ record }}.job_type,
    {{ record }}.event_type,
    -- JSON null or an absent field means the same as "" (no such time)
    coalesce({{ record }}.task_accepted_time, '') as task_accepted_time,
    coalesce({{ record }}.task_submitted_time, '') as task_submitted_time,
    coalesce({{ record }}.task_returned_time, '') as task_returned_time,
    coalesce({{ record }}.task_declined_time, '') as task_declined_time,
    {{ record }}.event_timestamp,
    {{ parse_worker_time(record ~ '.task_accepted_time') }} as task_accepted_at,
    {{ parse_worker_time(record ~ '.task_submitted_time') }} as task_submitted_at,
    {{ parse_worker_time(record ~ '.task_returned_time') }} as task_returned_at,
    {{ parse_worker_time(record ~ '.task_declined_time') }} as task_declined_at,
    {{ epoch_ms_to_timestamp('try_cast(' ~ record ~ '.event_timestamp as bigint) * 1000') }} as event_timestamp_at,
    {{ epoch_ms_to_timestamp(adapter.quote('timestamp')) }} as event_at,
    {{ epoch_ms_to_timestamp(adapter.quote('ingestionTime')) }} as ingested_at,
    _gtwh_source as source_file,
    _gtwh_record_index as source_record_index,
    -- the view an eventless row belongs to: its file's folder (an export task's stream)
    case when {{ adapter.quote('eventId') }} is null then regexp_replace(_gtwh_source, '/[^/]*$', '') end as source_folder,
    _gtwh_run_id as extract_run_id,
    _gtwh_extracted_at as extracted_at
{%- endmacro %}

{#- Why an event cannot be staged: the first reason that holds (NULL: it can be), in this
    order: no message, not a JSON object, a required field missing, an ARN without its name, a
    time in an unknown zone, a time that does not parse, an outcome without its closing time, a
    close before the accept (docs/data-quality.md). Re-deliveries are found afterwards, by
    occurrence, in the model. -#}
{% macro worker_activity_quarantine_reason() -%}
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
            then 'missing_field'
        when coalesce(workteam_name, '') = '' or coalesce(labeling_job_name, '') = '' then 'malformed_arn'
        -- a time that did not parse because of its zone (looked at only when it did not parse)
        when
            (task_accepted_at is null and {{ worker_time_zone_unknown('task_accepted_time') }})
            or (task_submitted_at is null and {{ worker_time_zone_unknown('task_submitted_time') }})
            or (task_returned_at is null and {{ worker_time_zone_unknown('task_returned_time') }})
            or (task_declined_at is null and {{ worker_time_zone_unknown('task_declined_time') }})
            then 'unknown_time_zone'
        when
            (task_accepted_time != '' and task_accepted_at is null)
            or (task_submitted_time != '' and task_submitted_at is null)
            or (task_returned_time != '' and task_returned_at is null)
            or (task_declined_time != '' and task_declined_at is null)
            or event_timestamp_at is null
            then 'unparsable_timestamp'
        when is_task_outcome and closed_at is null then 'missing_closing_time'
        when closed_at < task_accepted_at then 'closed_before_accepted'
    end
{%- endmacro %}

{#- The head of the select list of the re-delivered events' branch of the model's final union:
    every column but the message and the row's reason. On Spark (UNION ALL by position) in the
    order of the other branch, whose last columns are activity_record_id, event_ordinal and
    delivery_number (then quarantine_reason and raw_message, which follow this head). -#}
{% macro worker_activity_again_columns() -%}
    {{ return(adapter.dispatch('worker_activity_again_columns')()) }}
{%- endmacro %}

{% macro default__worker_activity_again_columns() -%}
    * exclude (message, row_reason)
{%- endmacro %}

{% macro spark__worker_activity_again_columns() -%}
    * except (message, row_reason, activity_record_id, event_ordinal, delivery_number),
        activity_record_id,
        event_ordinal,
        delivery_number
{%- endmacro %}
