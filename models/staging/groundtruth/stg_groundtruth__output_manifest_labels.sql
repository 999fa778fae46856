{#-
    Every label on every line of the latest version of each output manifest: one row per line
    and label attribute, the job's own label and those of earlier jobs a chained, adjustment or
    verification job read (`is_own_label` tells them apart). `label_position` is the label's
    place among the line's labels (1 = first in the line).
-#}
with manifests as (
    select * from {{ ref('stg_groundtruth__output_manifests') }}
),

unnested as (
    select
        bucket,
        key,
        labeling_job_name,
        source_ref,
        label_attribute_name as own_label_attribute_name,
        {{ unnest_numbered('labels', 'label', 'label_position') }},
        source_file
    from manifests
),

final as (
    select
        bucket,
        key,
        labeling_job_name,
        source_ref,
        label_position,
        label.label_attribute_name,
        coalesce(label.label_attribute_name = own_label_attribute_name, false) as is_own_label,
        label.human_annotated,
        label.labeled_at,
        label.metadata_job_name,
        label.label_type,
        label.failure_reason,
        label.adjustment_status,
        source_file
    from unnested
)

select * from final
