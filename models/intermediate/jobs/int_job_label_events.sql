{#-
    Every label Ground Truth wrote to S3 for a job: one row per consolidation-response element
    (human) and per auto_annotator_output.txt line (machine). An object labeled again in a later
    iteration keeps only its first label as `is_first_label` (as the AWS notebooks count it);
    elements without a datasetObjectId cannot be keyed and are left out.

    Incremental (macros/incremental.sql), by job: a job with labels extracted since the last
    build is recomputed whole (its first labels may move). extracted_at: the label's extraction.
-#}
{{ incremental_model(unique_key='labeling_job_name') }}

with consolidations as (
    select * from {{ ref('stg_groundtruth__consolidation_responses') }}
),

auto_annotations as (
    select * from {{ ref('stg_groundtruth__auto_annotations') }}
),

human_labels as (
    select
        labeling_job_name,
        iteration,
        dataset_object_id,
        'human' as labeled_by,
        consolidated_at as labeled_at,
        source_file,
        extracted_at
    from consolidations
    where dataset_object_id is not null
),

machine_labels as (
    select
        labeling_job_name,
        iteration,
        dataset_object_id,
        'machine' as labeled_by,
        labeled_at,
        source_file,
        extracted_at
    from auto_annotations
    where dataset_object_id is not null
),

unioned as (
    select * from human_labels
    union all
    select * from machine_labels
),

changed as (
    {{ rows_of_changed_jobs('unioned') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by labeling_job_name, dataset_object_id
            order by iteration, labeled_at, labeled_by, source_file
        ) as label_number
    from changed
),

final as (
    select
        labeling_job_name,
        iteration,
        dataset_object_id,
        labeled_by,
        labeled_at,
        source_file,
        label_number,
        label_number = 1 as is_first_label,
        extracted_at
    from ranked
)

select * from final
