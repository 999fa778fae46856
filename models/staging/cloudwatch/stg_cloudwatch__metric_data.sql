{#- Metric data points with the metric's identity taken from the request query. -#}
with source as (
    select * from {{ source('cloudwatch', 'metric_data') }}
),

renamed as (
    select
        query_id,
        label,
        status_code,
        {{ json_text('query', '$.MetricStat.Metric.Namespace') }} as namespace,
        {{ json_text('query', '$.MetricStat.Metric.MetricName') }} as metric_name,
        {{ json_text('query', '$.MetricStat.Stat') }} as stat,
        cast({{ json_text('query', '$.MetricStat.Period') }} as integer) as period_seconds,
        list_filter(
            from_json(query -> '$.MetricStat.Metric.Dimensions', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            d -> d.name = 'LabelingJob' or d.name = 'LabelingJobName'
        )[1].value as labeling_job_name,
        list_filter(
            from_json(query -> '$.MetricStat.Metric.Dimensions', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            d -> d.name = 'WorkerId'
        )[1].value as cognito_sub,
        list_filter(
            from_json(query -> '$.MetricStat.Metric.Dimensions', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            d -> d.name = 'CognitoUserPool'
        )[1].value as cognito_user_pool_id,
        {{ parse_api_time('point_timestamp') }} as period_start_at,
        point_value,
        _gtwh_source as source_file,
        _gtwh_extracted_at as extracted_at
    from source
    where point_timestamp is not null
),

latest as (
    select *
    from renamed
    qualify row_number() over (
            partition by
                namespace, metric_name, stat, period_seconds, labeling_job_name,
                cognito_sub, cognito_user_pool_id, period_start_at
            order by extracted_at desc, source_file desc
        ) = 1
)

select * from latest
