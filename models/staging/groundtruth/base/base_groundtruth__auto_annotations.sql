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

-- what the line holds was read when it was landed (extract/parsing.py: the object id, then any
-- whitespace, then the JSON, as the AWS notebooks split it)
typed as (
    select
        bucket,
        key,
        labeling_job_name,
        iteration,
        dataset_object_id,
        annotation,
        labeled_at,
        _gtwh_source as source_file,
        human_annotated,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at,
        case
            when iteration is null then 'unparsable_iteration'
            when not annotation_is_object then 'malformed_json'
        end as quarantine_reason,
        line
    from source
),

final as (
    select
        * {{ star_exclude() }} (line),
        case when quarantine_reason is not null then line end as raw_line
    from typed
)

select * from final
