{#-
    Every landed output-manifest line, typed, with the reason it cannot be staged (if any): the
    line is not a JSON object, or it has no `<attribute>-metadata` object to say what the label
    is. stg_groundtruth__output_manifests keeps the rows without a reason. The metadata object
    is extracted once and read from there (each JSON function parses its whole input).

    Incremental (macros/incremental.sql), append only: a line is typed from itself alone, so
    the lines extracted since the last build are typed and added, and the table equals a build
    from scratch.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    post_hook="{{ record_incremental_fingerprint() }}"
) }}

with source as (
    {{ new_lake_rows('output_manifests') }}
),

checked as (
    select
        *,
        case when {{ json_is_object('line') }} then line end as doc
    from source
),

keyed as (
    select
        *,
        list_filter(json_keys(doc), k -> k like '%-metadata')[1] as metadata_key
    from checked
),

extracted as (
    select
        *,
        json_extract(doc, '$."' || metadata_key || '"') as meta
    from keyed
),

renamed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/manifests/output/output\.manifest$', 1))
            as labeling_job_name,
        json_extract_string(doc, '$."source-ref"') as source_ref,
        replace(metadata_key, '-metadata', '') as label_attribute_name,
        json_extract_string(meta, '$."human-annotated"') as human_annotated,
        try_strptime(
            json_extract_string(meta, '$."creation-date"'),
            ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S%z']
        ) as labeled_at,
        regexp_replace(json_extract_string(meta, '$."job-name"'), '^labeling-job/', '') as metadata_job_name,
        json_extract_string(meta, '$.type') as label_type,
        json_extract_string(meta, '$."failure-reason"') as failure_reason,
        _gtwh_source as source_file,
        json_extract_string(meta, '$."creation-date"') as creation_date_raw,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at,
        case
            when doc is null then 'malformed_json'
            when metadata_key is null or json_type(meta) != 'OBJECT' then 'missing_field'
        end as quarantine_reason,
        line
    from extracted
),

final as (
    select
        * exclude (line),
        case when quarantine_reason is not null then line end as raw_line
    from renamed
)

select * from final
