{#-
    Metric data points with the metric's identity taken from the request query.

    - A series is (namespace, metric, statistic, period, every dimension name and value): series
      that differ in any dimension, one staging has no column for included, stay apart
      (`dimensions_key`; a file without the request's queries names a series by its label only),
      and the newest extraction wins per series and period.
    - The job dimension (`LabelingJob` on the Workteam metrics, `LabelingJobName` on the job
      metrics) may hold the bare job name, `labeling-job/<name>` or the job's ARN; public code
      that reads these series takes the name after the `/` (gmherond/Cosmos,
      CosmosScript.user.js). `labeling_job_name` is that name, lower-cased as SageMaker writes
      it in ARNs, so it joins to the jobs whatever form arrived; the value as received is in
      `labeling_job_dimension`.
    - Statistics are named as GetMetricData names them (SampleCount, Average, Sum, Minimum,
      Maximum); the short forms Max, Min and Avg (how the SageMaker guide's tables write them,
      and what older mirror files hold) are read as Maximum, Minimum and Average.
-#}
with source as (
    select * from {{ source('cloudwatch', 'metric_data') }}
),

parsed as (
    select
        *,
        {{ aws_name_values('query', '$.MetricStat.Metric.Dimensions') }}
            as dimensions
    from source
    where point_timestamp is not null
),

renamed as (
    select
        query_id,
        label,
        status_code,
        {{ json_text('query', '$.MetricStat.Metric.Namespace') }} as namespace,
        {{ json_text('query', '$.MetricStat.Metric.MetricName') }} as metric_name,
        {{ json_text('query', '$.MetricStat.Stat') }} as stat_raw,
        cast({{ json_text('query', '$.MetricStat.Period') }} as integer) as period_seconds,
        {{ first_where('dimensions', "d -> d.name = 'LabelingJob' or d.name = 'LabelingJobName'") }}.value
            as labeling_job_dimension,
        {{ first_where('dimensions', "d -> d.name = 'WorkerId'") }}.value as cognito_sub,
        {{ first_where('dimensions', "d -> d.name = 'CognitoUserPool'") }}.value as cognito_user_pool_id,
        coalesce(
            {{ list_join(list_sorted(list_map('dimensions', 'd -> d.name')), "','") }}, ''
        ) as dimension_names,
        case
            when query is null then to_json({{ list_of(["'label'", "coalesce(label, '')"]) }})
            else coalesce(to_json({{ list_sorted(list_map('dimensions', 'd -> ' ~ list_of(['d.name', 'd.value']))) }}), '[]')
        end as dimensions_key,
        {{ parse_api_time('point_timestamp') }} as period_start_at,
        point_value,
        _gtwh_source as source_file,
        _gtwh_extracted_at as extracted_at
    from parsed
),

normalised as (
    select
        * {{ star_exclude() }} (stat_raw),
        case stat_raw
            when 'Max' then 'Maximum'
            when 'Min' then 'Minimum'
            when 'Avg' then 'Average'
            else stat_raw
        end as stat,
        stat_raw,
        nullif(lower(regexp_extract(labeling_job_dimension, '([^/]*)$', 1)), '') as labeling_job_name
    from renamed
),

latest as (
    select *
    from normalised
    qualify row_number() over (
            partition by namespace, metric_name, stat, period_seconds, dimensions_key, period_start_at
            order by extracted_at desc, source_file desc
        ) = 1
)

select * from latest
