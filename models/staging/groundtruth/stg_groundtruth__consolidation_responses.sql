{#- Human-labeled objects per job and iteration, from consolidation-response files in S3. -#}
with source as (
    select * from {{ source('groundtruth', 'consolidation_responses') }}
),

renamed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/annotations/consolidated-annotation/', 1))
            as labeling_job_name,
        cast(regexp_extract(key, '/iteration-([0-9]+)/', 1) as integer) as iteration,
        {{ try_parse_time("regexp_extract(key, '/([^/]+)\\.json$', 1)", ['%Y-%m-%d_%H:%M:%S', '%Y-%m-%d_%H_%M_%S']) }}
            as consolidated_at,
        {{ json_text('element', '$.datasetObjectId') }} as dataset_object_id,
        element,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at
    from source
)

select * from renamed
