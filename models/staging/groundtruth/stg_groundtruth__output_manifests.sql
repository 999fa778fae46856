{#- One row per line of a job's output manifest, with the label metadata typed. -#}
with source as (
    select * from {{ source('groundtruth', 'output_manifests') }}
),

keyed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/manifests/output/output\.manifest$', 1))
            as labeling_job_name,
        line,
        list_filter(json_keys(line), k -> k like '%-metadata')[1] as metadata_key,
        _gtwh_source as source_file
    from source
),

renamed as (
    select
        bucket,
        key,
        labeling_job_name,
        json_extract_string(line, '$."source-ref"') as source_ref,
        replace(metadata_key, '-metadata', '') as label_attribute_name,
        json_extract_string(line, '$."' || metadata_key || '"."human-annotated"') as human_annotated,
        try_strptime(
            json_extract_string(line, '$."' || metadata_key || '"."creation-date"'),
            ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S%z']
        ) as labeled_at,
        regexp_replace(
            json_extract_string(line, '$."' || metadata_key || '"."job-name"'), '^labeling-job/', ''
        ) as metadata_job_name,
        json_extract_string(line, '$."' || metadata_key || '".type') as label_type,
        json_extract_string(line, '$."' || metadata_key || '"."failure-reason"') as failure_reason,
        source_file
    from keyed
)

select * from renamed
