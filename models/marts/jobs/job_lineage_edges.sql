{#- One row per job-to-job link (X -> Y): Y started from X's final model and/or labeled X's output manifest. -#}
with edges as (
    select * from {{ ref('int_job_lineage_edges') }}
),

jobs as (
    select * from {{ ref('dim_labeling_jobs') }}
),

final as (
    select
        e.from_job_name,
        e.to_job_name,
        e.has_model_link,
        e.has_manifest_link,
        e.model_arn,
        e.manifest_s3_uri,
        x.created_at as from_created_at,
        x.last_modified_at as from_last_modified_at,
        y.created_at as to_created_at,
        y.created_at >= x.last_modified_at as is_to_created_after_from_ended
    from edges as e
    inner join jobs as x on e.from_job_name = x.labeling_job_name
    inner join jobs as y on e.to_job_name = y.labeling_job_name
)

select * from final
