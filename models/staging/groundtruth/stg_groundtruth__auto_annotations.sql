{#-
    Machine-labeled objects per job and active-learning iteration. Lines whose key has no
    iteration number or whose annotation is not a JSON object are in quarantine instead
    (base_groundtruth__auto_annotations).
-#}
with base as (
    select * from {{ ref('base_groundtruth__auto_annotations') }}
),

staged as (
    select
        bucket,
        key,
        labeling_job_name,
        iteration,
        dataset_object_id,
        annotation,
        labeled_at,
        source_file,
        extracted_at
    from base
    where quarantine_reason is null
)

select * from staged
