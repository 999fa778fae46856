{#- What the auto_annotations suite validates: every landed line of active-learning output. -#}
with annotations as (
    select * from {{ ref('base_groundtruth__auto_annotations') }}
),

checks as (
    select
        hash(extract_run_id, source_file, dataset_object_id, raw_line) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        quarantine_reason,
        true as is_checked,
        key,
        labeling_job_name,
        iteration,
        dataset_object_id,
        labeled_at,
        human_annotated,
        iteration is not null as iteration_parses,
        {{ json_is_object('annotation') }} as annotation_parses,
        case when {{ json_is_object('annotation') }} then labeled_at is not null end as creation_date_parses
    from annotations
)

select * from checks
