{#- What the output_manifests suite validates: every landed output-manifest line. -#}
with manifests as (
    select * from {{ ref('base_groundtruth__output_manifests') }}
),

checks as (
    select
        hash(extract_run_id, source_file, source_ref, raw_line) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        quarantine_reason,
        true as is_checked,
        labeling_job_name,
        source_ref,
        human_annotated,
        failure_reason,
        creation_date_raw,
        labeled_at,
        quarantine_reason is null as is_typed,
        case
            when quarantine_reason is not null then null
            when human_annotated is null and failure_reason is not null then null
            else coalesce(human_annotated, '(missing)')
        end as human_annotated_value,
        case when quarantine_reason is null then labeled_at is not null end as creation_date_parses
    from manifests
)

select * from checks
