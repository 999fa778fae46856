{#-
    One row per labeling job: its configuration, status and LabelCounters as DescribeLabelingJob
    gives them. task_type is the built-in task type named by the pre-annotation Lambda
    (PRE-BoundingBox -> boundingbox), so automated and human-only jobs of one type match; the
    staging task type (algorithm or Lambda) when the Lambda is not a built-in one.
-#}
with jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

final as (
    select
        labeling_job_name,
        labeling_job_arn,
        job_reference_code,
        status,
        is_terminal,
        created_at,
        last_modified_at,
        {{ whole_seconds_between('created_at', 'last_modified_at') }} as elapsed_seconds,
        coalesce(nullif(lower(regexp_extract(pre_human_task_lambda_arn, 'function:PRE-(.+)$', 1)), ''), task_type)
            as task_type,
        label_attribute_name,
        workteam_name,
        workteam_arn,
        case regexp_extract(workteam_arn, 'workteam/([^/]+)/', 1)
            when 'private-crowd' then 'private'
            when 'public-crowd' then 'public'
            when 'vendor-crowd' then 'vendor'
            else 'unknown'
        end as workforce_type,
        workers_per_object,
        task_time_limit_seconds,
        max_concurrent_task_count,
        public_task_price_usd as task_price_usd,
        input_manifest_s3_uri,
        output_s3_path,
        output_manifest_s3_uri,
        is_automated_labeling,
        algorithm_specification_arn,
        initial_active_learning_model_arn,
        initial_active_learning_model_arn is not null as has_initial_model,
        final_active_learning_model_arn,
        failure_reason,
        total_labeled as counter_total_labeled,
        human_labeled as counter_human_labeled,
        machine_labeled as counter_machine_labeled,
        failed_non_retryable as counter_failed,
        unlabeled as counter_unlabeled,
        source_file
    from jobs
)

select * from final
