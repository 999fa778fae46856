{#-
    Every landed output-manifest line (every version of every manifest), typed, with the reason
    it cannot be staged (if any): the line is not a JSON object, or it names no data object
    (neither `source-ref` nor `source`), or a label's `-metadata` is not a JSON object.
    stg_groundtruth__output_manifests keeps the rows
    without a reason, of the latest version of each manifest.

    A line carries any number of labels: one `<attribute>` + `<attribute>-metadata` pair per
    labeling job that wrote it (a chained, adjustment or verification job keeps the earlier
    jobs' labels and adds its own under a different LabelAttributeName), and 3D point-cloud
    lines also carry `source-ref-metadata`, which describes the frame, not a label (`source`
    and `source-ref` are reserved and never label attributes). `labels` keeps every label of
    the line, in line order; which one is the job's own is decided in staging, from the job's
    LabelAttributeName. A line with no label at all is an object not labeled yet (Ground Truth
    writes it as in the input manifest): it is staged, not quarantined.
    Shapes: https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html,
    sms-reusing-data.html (chaining), sms-data-verify-manifest.html (adjustment-status),
    sms-point-cloud-single-frame-input-data.html (source-ref-metadata).

    Incremental (macros/incremental.sql), append only: a line is typed from itself alone, so
    the lines extracted since the last build are typed and added, and the table equals a build
    from scratch.
-#}
{{ incremental_model(strategy='append') }}

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
        {{ manifest_raw_labels('doc') }} as raw_labels
    from checked
),

typed as (
    select
        *,
        {{ manifest_typed_labels('raw_labels') }} as labels
    from keyed
),

renamed as (
    select
        bucket,
        key,
        lower(regexp_extract(key, '([^/]+)/manifests/output/output\.manifest$', 1))
            as labeling_job_name,
        coalesce(
            {{ json_text('doc', '$."source-ref"') }}, {{ json_text('doc', '$.source') }}
        ) as source_ref,
        labels,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at,
        case
            when doc is null then 'malformed_json'
            when
                {{ json_value('doc', '$."source-ref"') }} is null
                and {{ json_value('doc', '$.source') }} is null
                then 'missing_field'
            when not {{ list_all('labels', 'l -> l.is_metadata_object') }} then 'wrong_type'
        end as quarantine_reason,
        line
    from typed
),

final as (
    select
        * {{ star_exclude() }} (line),
        case when quarantine_reason is not null then line end as raw_line
    from renamed
)

select * from final
