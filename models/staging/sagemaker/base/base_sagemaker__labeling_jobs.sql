{#-
    Every landed DescribeLabelingJob response (every version of every job), typed, with the
    reason it cannot be staged (if any): a field the API marks REQUIRED is missing, a number is
    not a JSON integer, or a time does not parse. stg_sagemaker__labeling_jobs keeps the newest
    version without a reason; the quality models keep the rest.
-#}
{%- set integers = [
    '$.LabelCounters.TotalLabeled', '$.LabelCounters.HumanLabeled', '$.LabelCounters.MachineLabeled',
    '$.LabelCounters.FailedNonRetryableError', '$.LabelCounters.Unlabeled',
    '$.HumanTaskConfig.NumberOfHumanWorkersPerDataObject', '$.HumanTaskConfig.TaskTimeLimitInSeconds',
    '$.HumanTaskConfig.MaxConcurrentTaskCount',
    '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Dollars',
    '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Cents',
    '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.TenthFractionsOfACent'
] -%}
{%- set required = [
    '$.LabelingJobArn', '$.LabelingJobStatus', '$.CreationTime', '$.LastModifiedTime',
    '$.LabelCounters'
] -%}

with source as (
    select * from {{ source('sagemaker', 'labeling_jobs') }}
),

checked as (
    select
        *,
        case when {{ json_is_object('response') }} then response end as doc
    from source
),

typed as (
    select
        lower(labeling_job_name) as labeling_job_name,
        {{ json_text('doc', '$.LabelingJobArn') }} as labeling_job_arn,
        {{ json_text('doc', '$.LabelingJobStatus') }} as status,
        {{ parse_api_time(json_text('doc', '$.CreationTime')) }} as created_at,
        {{ parse_api_time(json_text('doc', '$.LastModifiedTime')) }} as last_modified_at,
        {{ json_text('doc', '$.JobReferenceCode') }} as job_reference_code,
        {{ json_text('doc', '$.LabelAttributeName') }} as label_attribute_name,
        {{ json_text('doc', '$.InputConfig.DataSource.S3DataSource.ManifestS3Uri') }}
            as input_manifest_s3_uri,
        {{ json_text('doc', '$.OutputConfig.S3OutputPath') }} as output_s3_path,
        {{ json_text('doc', '$.LabelingJobOutput.OutputDatasetS3Uri') }}
            as output_manifest_s3_uri,
        {{ json_text('doc', '$.HumanTaskConfig.WorkteamArn') }} as workteam_arn,
        lower(regexp_extract(
            {{ json_text('doc', '$.HumanTaskConfig.WorkteamArn') }}, 'workteam/[^/]+/(.+)$', 1
        )) as workteam_name,
        {{ json_text('doc', '$.HumanTaskConfig.PreHumanTaskLambdaArn') }}
            as pre_human_task_lambda_arn,
        {{ json_text('doc', '$.HumanTaskConfig.TaskTitle') }} as task_title,
        cast({{ json_integer('doc', '$.HumanTaskConfig.NumberOfHumanWorkersPerDataObject') }} as integer)
            as workers_per_object,
        cast({{ json_integer('doc', '$.HumanTaskConfig.TaskTimeLimitInSeconds') }} as integer)
            as task_time_limit_seconds,
        cast({{ json_integer('doc', '$.HumanTaskConfig.MaxConcurrentTaskCount') }} as integer)
            as max_concurrent_task_count,
        coalesce(cast({{ json_integer('doc', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Dollars') }} as decimal(12, 4)), 0)
        + coalesce(cast({{ json_integer('doc', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Cents') }} as decimal(12, 4)), 0) / 100
        + coalesce(cast({{ json_integer('doc', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.TenthFractionsOfACent') }} as decimal(12, 4)), 0) / 1000
            as public_task_price_usd,
        {{ json_text('doc', '$.LabelingJobAlgorithmsConfig.LabelingJobAlgorithmSpecificationArn') }}
            as algorithm_specification_arn,
        {{ json_text('doc', '$.LabelingJobAlgorithmsConfig.InitialActiveLearningModelArn') }}
            as initial_active_learning_model_arn,
        {{ json_text('doc', '$.LabelingJobOutput.FinalActiveLearningModelArn') }}
            as final_active_learning_model_arn,
        {{ json_text('doc', '$.FailureReason') }} as failure_reason,
        {{ json_integer('doc', '$.LabelCounters.TotalLabeled') }} as total_labeled,
        {{ json_integer('doc', '$.LabelCounters.HumanLabeled') }} as human_labeled,
        {{ json_integer('doc', '$.LabelCounters.MachineLabeled') }} as machine_labeled,
        {{ json_integer('doc', '$.LabelCounters.FailedNonRetryableError') }} as failed_non_retryable,
        {{ json_integer('doc', '$.LabelCounters.Unlabeled') }} as unlabeled,
        _gtwh_extracted_at as extracted_at,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        doc is null as is_malformed,
        {% for path in required -%}
            coalesce({{ json_type_at('doc', path) }}, 'NULL') = 'NULL'
            {{- ' or ' if not loop.last }}
        {% endfor -%} as is_missing_field,
        {% for path in integers -%}
            {{ json_not_integer('doc', path) }}{{ ' or ' if not loop.last }}
        {% endfor -%} as has_wrong_type,
        {{ json_text('doc', '$.CreationTime') }} as creation_time_raw,
        {{ json_text('doc', '$.LastModifiedTime') }} as last_modified_time_raw,
        response as raw_response
    from checked
),

reasoned as (
    select
        *,
        case
            when is_malformed then 'malformed_json'
            when is_missing_field then 'missing_field'
            when has_wrong_type then 'wrong_type'
            when created_at is null or last_modified_at is null then 'unparsable_timestamp'
        end as quarantine_reason
    from typed
),

final as (
    select
        * {{ star_exclude() }} (is_malformed, is_missing_field, has_wrong_type, raw_response),
        case when quarantine_reason is not null then raw_response end as raw_response
    from reasoned
)

select * from final
