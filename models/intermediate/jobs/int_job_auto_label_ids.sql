{#-
    Per job with active-learning output: its auto-labeled object ids against the ids of its
    consolidation responses. Both are the job's dataset object ids, so an auto-label id should
    have the consolidation ids' form (a whole number when they all are) and not name an object
    humans labeled in the same job; an id that breaks either is a mismatch (job_consistency).
-#}
with consolidations as (
    select * from {{ ref('stg_groundtruth__consolidation_responses') }}
),

auto_annotations as (
    select * from {{ ref('stg_groundtruth__auto_annotations') }}
),

human_ids as (
    select distinct
        labeling_job_name,
        dataset_object_id
    from consolidations
    where dataset_object_id is not null
),

human_id_forms as (
    select
        labeling_job_name,
        bool_and({{ matches_regex('dataset_object_id', '[0-9]+') }}) as are_whole_numbers
    from human_ids
    group by labeling_job_name
),

auto_id_checks as (
    select
        a.labeling_job_name,
        count(distinct a.dataset_object_id) as auto_labeled_ids,
        count(distinct a.dataset_object_id) filter (
            where h.dataset_object_id is not null or (f.are_whole_numbers and not a.is_whole_number)
        ) as auto_label_id_mismatches
    from (
        select
            *,
            {{ matches_regex('dataset_object_id', '[0-9]+') }} as is_whole_number
        from auto_annotations
    ) as a
    left join human_ids as h
        on a.labeling_job_name = h.labeling_job_name and a.dataset_object_id = h.dataset_object_id
    left join human_id_forms as f on a.labeling_job_name = f.labeling_job_name
    where a.dataset_object_id is not null
    group by a.labeling_job_name
)

select * from auto_id_checks
