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

{#- Whether a manifest line's key `k` names a label's metadata: `<attribute>-metadata`, but not
    the source's own (source-metadata, source-ref-metadata). -#}
{% macro is_label_metadata_key(k) -%}
    {{ k }} like '%-metadata' and {{ k }} not in ('source-metadata', 'source-ref-metadata')
{%- endmacro %}

{#- The labels of an output-manifest line (`doc`, a JSON object): one per `<attribute>-metadata`
    key (not source-metadata nor source-ref-metadata), in line order, as structs of the
    attribute name and the metadata's JSON text (base_groundtruth__output_manifests). -#}
{% macro manifest_raw_labels(doc) -%}
    {{ return(adapter.dispatch('manifest_raw_labels')(doc)) }}
{%- endmacro %}

{% macro default__manifest_raw_labels(doc) -%}
        list_transform(
            list_filter(
                json_keys({{ doc }}),
                k -> {{ is_label_metadata_key('k') }}
            ),
            k -> {
                'label_attribute_name': k[:-10],
                'meta': json_extract({{ doc }}, '$."' || replace(k, '"', '\"') || '"')
            }
        )
{%- endmacro %}

{#- Spark: the object's keys in order from a map<string, string> (its values as JSON text). -#}
{% macro spark__manifest_raw_labels(doc) -%}
    transform(
            filter(
                map_keys(from_json({{ doc }}, 'map<string, string>')),
                k -> {{ is_label_metadata_key('k') }}
            ),
            k -> named_struct(
                'label_attribute_name', substr(k, 1, length(k) - 9),
                'meta', from_json({{ doc }}, 'map<string, string>')[k]
            )
        )
{%- endmacro %}

{#- Each raw label typed: its metadata's fields (sms-data-output.html) and its creation-date as a
    time (ISO-8601 with a fraction, without, or with an offset). -#}
{% macro manifest_typed_labels(raw_labels) -%}
    {{ return(adapter.dispatch('manifest_typed_labels')(raw_labels)) }}
{%- endmacro %}

{% macro default__manifest_typed_labels(raw_labels) -%}
        list_transform(
            {{ raw_labels }},
            l -> {
                'label_attribute_name': l.label_attribute_name,
                'is_metadata_object': coalesce(json_type(l.meta) = 'OBJECT', false),
                'human_annotated': json_extract_string(l.meta, '$."human-annotated"'),
                'creation_date_raw': json_extract_string(l.meta, '$."creation-date"'),
                'labeled_at': try_strptime(
                    json_extract_string(l.meta, '$."creation-date"'),
                    ['%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S%z']
                ),
                'metadata_job_name': regexp_replace(
                    json_extract_string(l.meta, '$."job-name"'), '^labeling-job/', ''
                ),
                'label_type': json_extract_string(l.meta, '$.type'),
                'failure_reason': json_extract_string(l.meta, '$."failure-reason"'),
                'adjustment_status': json_extract_string(l.meta, '$."adjustment-status"')
            }
        )
{%- endmacro %}

{% macro spark__manifest_typed_labels(raw_labels) -%}
    {%- set created = json_text('l.meta', '$."creation-date"') -%}
    transform(
            {{ raw_labels }},
            l -> named_struct(
                'label_attribute_name', l.label_attribute_name,
                'is_metadata_object', {{ json_is_object('l.meta') }},
                'human_annotated', {{ json_text('l.meta', '$."human-annotated"') }},
                'creation_date_raw', {{ created }},
                'labeled_at', case
                    when {{ created }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6}|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                        then try_to_timestamp({{ created }})
                end,
                'metadata_job_name', regexp_replace(
                    {{ json_text('l.meta', '$."job-name"') }}, '^labeling-job/', ''
                ),
                'label_type', {{ json_text('l.meta', '$.type') }},
                'failure_reason', {{ json_text('l.meta', '$."failure-reason"') }},
                'adjustment_status', {{ json_text('l.meta', '$."adjustment-status"') }}
            )
        )
{%- endmacro %}

{#- The metadata (JSON text) of the first label of a line (`doc`, a JSON object): the value of
    its first `<attribute>-metadata` key (base_groundtruth__auto_annotations). -#}
{% macro first_label_metadata(doc) -%}
    {{ return(adapter.dispatch('first_label_metadata')(doc)) }}
{%- endmacro %}

{% macro default__first_label_metadata(doc) -%}
    json_extract(
            {{ doc }},
            '$."' || list_filter(
                json_keys({{ doc }}), k -> {{ is_label_metadata_key('k') }}
            )[1] || '"'
        )
{%- endmacro %}

{% macro spark__first_label_metadata(doc) -%}
    try_element_at(
            from_json({{ doc }}, 'map<string, string>'),
            try_element_at(filter(
                map_keys(from_json({{ doc }}, 'map<string, string>')),
                k -> {{ is_label_metadata_key('k') }}
            ), 1)
        )
{%- endmacro %}
