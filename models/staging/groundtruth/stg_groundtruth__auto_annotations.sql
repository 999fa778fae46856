{#- Machine-labeled objects per job and active-learning iteration. -#}
with source as (
    select * from {{ source('groundtruth', 'auto_annotations') }}
),

split as (
    select
        *,
        strpos(trim(line), ' ') as sp
    from source
),

renamed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/activelearning/', 1)) as labeling_job_name,
        cast(regexp_extract(key, '/activelearning/([0-9]+)/', 1) as integer) as iteration,
        trim(line)[:sp - 1] as dataset_object_id,
        trim(line)[sp + 1:] as annotation,
        _gtwh_source as source_file
    from split
),

typed as (
    select
        *,
        try_strptime(
            json_extract_string(
                annotation,
                '$."' || list_filter(json_keys(annotation), k -> k like '%-metadata')[1] || '"."creation-date"'
            ),
            ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']
        ) as labeled_at
    from renamed
)

select * from typed
