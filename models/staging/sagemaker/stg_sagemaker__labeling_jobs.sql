{#- The newest description of each labeling job, typed. -#}
with source as (
    select * from {{ source('sagemaker', 'labeling_jobs') }}
),

latest as (
    select *
    from source
    qualify row_number() over (
            partition by lower(labeling_job_name)
            order by _gtwh_extracted_at desc, _gtwh_source desc
        ) = 1
),

renamed as (
    select
        lower(labeling_job_name) as labeling_job_name,
        {{ json_text('response', '$.LabelingJobArn') }} as labeling_job_arn,
        {{ json_text('response', '$.LabelingJobStatus') }} as status,
        {{ parse_api_time(json_text('response', '$.CreationTime')) }} as created_at,
        {{ parse_api_time(json_text('response', '$.LastModifiedTime')) }} as last_modified_at,
        {{ json_text('response', '$.JobReferenceCode') }} as job_reference_code,
        {{ json_text('response', '$.LabelAttributeName') }} as label_attribute_name,
        {{ json_text('response', '$.InputConfig.DataSource.S3DataSource.ManifestS3Uri') }}
            as input_manifest_s3_uri,
        {{ json_text('response', '$.OutputConfig.S3OutputPath') }} as output_s3_path,
        {{ json_text('response', '$.LabelingJobOutput.OutputDatasetS3Uri') }}
            as output_manifest_s3_uri,
        {{ json_text('response', '$.HumanTaskConfig.WorkteamArn') }} as workteam_arn,
        lower(regexp_extract(
            {{ json_text('response', '$.HumanTaskConfig.WorkteamArn') }}, 'workteam/[^/]+/(.+)$', 1
        )) as workteam_name,
        {{ json_text('response', '$.HumanTaskConfig.PreHumanTaskLambdaArn') }}
            as pre_human_task_lambda_arn,
        {{ json_text('response', '$.HumanTaskConfig.TaskTitle') }} as task_title,
        cast({{ json_text('response', '$.HumanTaskConfig.NumberOfHumanWorkersPerDataObject') }} as integer)
            as workers_per_object,
        cast({{ json_text('response', '$.HumanTaskConfig.TaskTimeLimitInSeconds') }} as integer)
            as task_time_limit_seconds,
        cast({{ json_text('response', '$.HumanTaskConfig.MaxConcurrentTaskCount') }} as integer)
            as max_concurrent_task_count,
        coalesce(cast({{ json_text('response', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Dollars') }} as decimal(12, 4)), 0)
        + coalesce(cast({{ json_text('response', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.Cents') }} as decimal(12, 4)), 0) / 100
        + coalesce(cast({{ json_text('response', '$.HumanTaskConfig.PublicWorkforceTaskPrice.AmountInUsd.TenthFractionsOfACent') }} as decimal(12, 4)), 0) / 1000
            as public_task_price_usd,
        {{ json_text('response', '$.LabelingJobAlgorithmsConfig.LabelingJobAlgorithmSpecificationArn') }}
            as algorithm_specification_arn,
        {{ json_text('response', '$.LabelingJobAlgorithmsConfig.InitialActiveLearningModelArn') }}
            as initial_active_learning_model_arn,
        {{ json_text('response', '$.LabelingJobOutput.FinalActiveLearningModelArn') }}
            as final_active_learning_model_arn,
        {{ json_text('response', '$.FailureReason') }} as failure_reason,
        cast({{ json_text('response', '$.LabelCounters.TotalLabeled') }} as bigint) as total_labeled,
        cast({{ json_text('response', '$.LabelCounters.HumanLabeled') }} as bigint) as human_labeled,
        cast({{ json_text('response', '$.LabelCounters.MachineLabeled') }} as bigint) as machine_labeled,
        cast({{ json_text('response', '$.LabelCounters.FailedNonRetryableError') }} as bigint)
            as failed_non_retryable,
        cast({{ json_text('response', '$.LabelCounters.Unlabeled') }} as bigint) as unlabeled,
        _gtwh_extracted_at as extracted_at,
        _gtwh_source as source_file
    from latest
),

final as (
    select
        *,
        algorithm_specification_arn is not null as is_automated_labeling,
        coalesce(
            regexp_extract(algorithm_specification_arn, 'labeling-job-algorithm-specification/(.+)$', 1),
            lower(regexp_extract(pre_human_task_lambda_arn, 'function:PRE-(.+)$', 1))
        ) as task_type,
        status in ('Completed', 'Failed', 'Stopped') as is_terminal
    from renamed
)

select * from final
