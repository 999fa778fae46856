{#-
    Per extraction run and resource: raw records landed = staged + quarantined (+ placeholders).
    `raw_records` is counted straight from the lake (plus rejected files, one each); the other
    columns from what staging made of those records, so `is_balanced` is a real cross-check.
    "Staged" counts every version a resource keeps (jobs, teams and users land again when they
    change; staging shows the newest). Placeholders stand for an empty result, not a record (a
    metric series with no data points, a Cognito group whose answer listed nobody). The validation
    report reads this view for new runs.
-#}
{%- set lake = [
    ('worker_activity', 'groundtruth'), ('users', 'cognito'), ('group_members', 'cognito'),
    ('workteams', 'sagemaker'), ('labeling_jobs', 'sagemaker'), ('metric_data', 'cloudwatch'),
    ('output_manifests', 'groundtruth'), ('consolidation_responses', 'groundtruth'),
    ('auto_annotations', 'groundtruth')
] -%}

with raw as (
    {% for resource, group in lake %}
        select
            '{{ resource }}' as resource,
            _gtwh_run_id as extract_run_id,
            count(*) as raw_records
        from {{ source(group, resource) }}
        group by all
        {{ 'union all' if not loop.last }}
    {% endfor %}
),

rejected as (
    select
        resource,
        _gtwh_run_id as extract_run_id,
        count(*) as rejected_files
    from {{ source('extract', 'rejected_files') }}
    group by all
),

quarantined as (
    select
        resource,
        extract_run_id,
        sum(n) as quarantined_records,
        {{ ordered_string_agg("reason || ': ' || n", "', '", 'reason') }} as quarantine_reasons
    from (
        select
            resource,
            extract_run_id,
            reason,
            count(*) as n
        from {{ ref('quarantine') }}
        group by all
    ) as by_reason
    group by all
),

staged as (
    select * from {{ ref('reconciliation_staged') }}
),

activity_references as (
    select
        'worker_activity' as resource,
        extract_run_id,
        count(*) filter (where not is_sub_known) as unknown_sub_records,
        count(distinct cognito_sub) filter (where not is_sub_known) as unknown_subs,
        count(*) filter (where not is_job_described) as undescribed_job_records,
        count(distinct labeling_job_name) filter (where not is_job_described) as undescribed_jobs
    from {{ ref('checks_worker_activity') }}
    group by all
),

runs as (
    select distinct
        resource,
        extract_run_id
    from raw
    union
    select
        resource,
        extract_run_id
    from rejected
),

final as (
    select
        runs.extract_run_id,
        runs.resource,
        coalesce(raw.raw_records, 0) + coalesce(rejected.rejected_files, 0) as raw_records,
        coalesce(staged.staged_records, 0) as staged_records,
        coalesce(quarantined.quarantined_records, 0) as quarantined_records,
        coalesce(staged.placeholder_records, 0) as placeholder_records,
        coalesce(rejected.rejected_files, 0) as rejected_files,
        coalesce(quarantined.quarantine_reasons, '') as quarantine_reasons,
        activity_references.unknown_sub_records,
        activity_references.unknown_subs,
        activity_references.undescribed_job_records,
        activity_references.undescribed_jobs,
        coalesce(raw.raw_records, 0) + coalesce(rejected.rejected_files, 0)
        = coalesce(staged.staged_records, 0) + coalesce(quarantined.quarantined_records, 0)
        + coalesce(staged.placeholder_records, 0) as is_balanced
    from runs
    left join raw on runs.resource = raw.resource and runs.extract_run_id = raw.extract_run_id
    left join rejected on runs.resource = rejected.resource and runs.extract_run_id = rejected.extract_run_id
    left join staged on runs.resource = staged.resource and runs.extract_run_id = staged.extract_run_id
    left join quarantined
        on runs.resource = quarantined.resource and runs.extract_run_id = quarantined.extract_run_id
    left join activity_references
        on runs.resource = activity_references.resource and runs.extract_run_id = activity_references.extract_run_id
)

select * from final
