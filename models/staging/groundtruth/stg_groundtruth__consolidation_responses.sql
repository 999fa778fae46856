{#- Human-labeled objects per job and iteration, from consolidation-response files in S3. -#}
with source as (
    select * from {{ source('groundtruth', 'consolidation_responses') }}
),

-- job, iteration, time and object id were read when the element was landed (extract/parsing.py)
renamed as (
    select
        bucket,
        key,
        labeling_job_name,
        iteration,
        consolidated_at,
        dataset_object_id,
        element,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at
    from source
)

select * from renamed
