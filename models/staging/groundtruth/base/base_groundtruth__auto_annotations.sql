{#-
    Every landed line of active-learning output, typed, with the reason it cannot be staged (if
    any): the key has no numeric iteration (activelearning/<N>/), or the text after the object id
    is not a JSON object. stg_groundtruth__auto_annotations keeps the rows without a reason.

    Incremental (macros/incremental.sql), append only: a line is typed from itself alone, so
    the lines extracted since the last build are typed and added, and the table equals a build
    from scratch.
-#}
{{ incremental_model(strategy='append') }}

with source as (
    {{ new_lake_rows('auto_annotations') }}
),

split as (
    {#- The object id, then any whitespace, then the JSON (the AWS notebooks split on any
        whitespace: aws/amazon-sagemaker-examples, ground_truth_object_detection_tutorial). -#}
    select
        *,
        regexp_extract(line, '^\s*(\S+)', 1) as first_token,
        nullif(regexp_extract(line, '^\s*\S+\s+(.*\S)\s*$', 1), '') as rest
    from source
),

renamed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/activelearning/', 1)) as labeling_job_name,
        try_cast(nullif(regexp_extract(key, '/activelearning/([0-9]+)/', 1), '') as integer) as iteration,
        first_token as dataset_object_id,
        rest as annotation,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at,
        line
    from split
),

checked as (
    select
        *,
        case when {{ json_is_object('annotation') }} then annotation end as doc
    from renamed
),

extracted as (
    select
        *,
        {{ first_label_metadata('doc') }} as meta
    from checked
),

typed as (
    select
        bucket,
        key,
        labeling_job_name,
        iteration,
        dataset_object_id,
        annotation,
        {{ try_parse_time(json_text('meta', '$."creation-date"'), ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S']) }}
            as labeled_at,
        source_file,
        {{ json_text('meta', '$."human-annotated"') }} as human_annotated,
        source_record_index,
        extract_run_id,
        extracted_at,
        case
            when iteration is null then 'unparsable_iteration'
            when doc is null then 'malformed_json'
        end as quarantine_reason,
        line
    from extracted
),

final as (
    select
        * {{ star_exclude() }} (line),
        case when quarantine_reason is not null then line end as raw_line
    from typed
)

select * from final
