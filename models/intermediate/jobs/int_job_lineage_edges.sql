{#-
    Job-to-job links, one row per ordered pair: job Y follows job X when Y's initial
    active-learning model is X's final model (model link), or when Y's input manifest is X's
    output manifest (manifest link). ARNs and S3 URIs compare case-insensitively.
-#}
with jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

model_links as (
    select
        x.labeling_job_name as from_job_name,
        y.labeling_job_name as to_job_name,
        'model' as link_type,
        y.initial_active_learning_model_arn as link_value
    from jobs as x
    inner join jobs as y
        on
            lower(x.final_active_learning_model_arn) = lower(y.initial_active_learning_model_arn)
            and x.labeling_job_name <> y.labeling_job_name
),

manifest_links as (
    select
        x.labeling_job_name as from_job_name,
        y.labeling_job_name as to_job_name,
        'manifest' as link_type,
        y.input_manifest_s3_uri as link_value
    from jobs as x
    inner join jobs as y
        on
            lower(x.output_manifest_s3_uri) = lower(y.input_manifest_s3_uri)
            and x.labeling_job_name <> y.labeling_job_name
),

unioned as (
    select * from model_links
    union all
    select * from manifest_links
),

final as (
    select
        from_job_name,
        to_job_name,
        bool_or(link_type = 'model') as has_model_link,
        bool_or(link_type = 'manifest') as has_manifest_link,
        max(case when link_type = 'model' then link_value end) as model_arn,
        max(case when link_type = 'manifest' then link_value end) as manifest_s3_uri
    from unioned
    group by from_job_name, to_job_name
)

select * from final
