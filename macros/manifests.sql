{#-
    The job's own label among the labels of an output-manifest line (`labels`, a list of
    structs from base_groundtruth__output_manifests): the one named by the job's
    LabelAttributeName (DescribeLabelingJob). Without a description of the job: the label whose
    metadata job-name is the job, else the line's only label. NULL when the line has no label
    of the job: the object is not labeled (yet).
-#}
{% macro own_manifest_label(labels, label_attribute_name, labeling_job_name) -%}
    case
        when {{ label_attribute_name }} is not null
            then {{ first_where(labels, 'l -> l.label_attribute_name = ' ~ label_attribute_name) }}
        else coalesce(
            {{ first_where(labels, 'l -> lower(l.metadata_job_name) = ' ~ labeling_job_name) }},
            case when {{ list_length(labels) }} = 1 then {{ list_first(labels) }} end
        )
    end
{%- endmacro %}

{#- What a manifest line says of its object, from the job's own label: human, machine, failed
    (the metadata has a failure-reason) or unlabeled (no label of the job yet). -#}
{% macro manifest_object_status(own) -%}
    case
        when {{ own }} is null then 'unlabeled'
        when {{ own }}.failure_reason is not null then 'failed'
        when {{ own }}.human_annotated = 'yes' then 'human'
        when {{ own }}.human_annotated = 'no' then 'machine'
        else 'unknown'
    end
{%- endmacro %}

