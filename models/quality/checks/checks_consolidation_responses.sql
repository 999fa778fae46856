{#- What the consolidation_responses suite validates: every landed consolidation-response element. -#}
with responses as (
    select * from {{ ref('stg_groundtruth__consolidation_responses') }}
),

checks as (
    select
        hash(extract_run_id, source_file, element) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        cast(null as {{ type_text() }}) as quarantine_reason,
        true as is_checked,
        key,
        labeling_job_name,
        iteration,
        consolidated_at,
        dataset_object_id,
        iteration is not null as iteration_parses,
        consolidated_at is not null as consolidation_time_parses,
        coalesce(dataset_object_id, '') != '' as has_dataset_object_id
    from responses
)

select * from checks
