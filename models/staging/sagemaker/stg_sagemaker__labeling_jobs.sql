{#-
    The newest description of each labeling job that could be typed. Versions that cannot be
    typed (a REQUIRED field missing, a number that is not an integer, a time that does not parse)
    are in quarantine instead (base_sagemaker__labeling_jobs); the job keeps its newest good one.
-#}
with base as (
    select * from {{ ref('base_sagemaker__labeling_jobs') }}
),

latest as (
    select *
    from base
    where quarantine_reason is null
    qualify row_number() over (
            partition by labeling_job_name
            order by extracted_at desc, source_file desc
        ) = 1
),

renamed as (
    select
        labeling_job_name,
        labeling_job_arn,
        status,
        created_at,
        last_modified_at,
        job_reference_code,
        label_attribute_name,
        input_manifest_s3_uri,
        output_s3_path,
        output_manifest_s3_uri,
        workteam_arn,
        workteam_name,
        pre_human_task_lambda_arn,
        task_title,
        workers_per_object,
        task_time_limit_seconds,
        max_concurrent_task_count,
        public_task_price_usd,
        algorithm_specification_arn,
        initial_active_learning_model_arn,
        final_active_learning_model_arn,
        failure_reason,
        total_labeled,
        human_labeled,
        machine_labeled,
        failed_non_retryable,
        unlabeled,
        extracted_at,
        source_file
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
