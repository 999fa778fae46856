{#-
    What the metric_data suite validates: every landed GetMetricData data point. A series with no
    data points lands as one placeholder row (no timestamp, no value): it is counted, not checked.
-#}
with source as (
    select * from {{ source('cloudwatch', 'metric_data') }}
),

checks as (
    select
        hash(_gtwh_run_id, _gtwh_source, _gtwh_record_index) as record_key,
        _gtwh_run_id as extract_run_id,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        cast(null as {{ type_text() }}) as quarantine_reason,
        point_timestamp is not null as is_checked,
        query_id,
        label,
        point_timestamp,
        point_value,
        {{ parse_api_time('point_timestamp') }} as period_start_at,
        {{ parse_api_time('point_timestamp') }} is not null as timestamp_parses,
        query is not null as has_query
    from source
)

select * from checks
