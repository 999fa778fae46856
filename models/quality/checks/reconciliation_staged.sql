{#-
    Per extraction run and resource: the records staging made of what was landed, as
    reconciliation_runs compares them with the lake. "Staged" counts every version a resource
    keeps (jobs, teams and users land again when they change; staging shows the newest).
    Placeholders stand for an empty result, not a record (a metric series with no data points, a
    Cognito group whose answer listed nobody).
-#}
select
    'worker_activity' as resource,
    extract_run_id,
    count(*) as staged_records,
    0 as placeholder_records
from {{ ref('stg_groundtruth__worker_activity') }}
group by all
union all
{% for model, resource in [
    ('base_cognito__users', 'users'), ('base_sagemaker__labeling_jobs', 'labeling_jobs'),
    ('base_groundtruth__output_manifests', 'output_manifests'),
    ('base_groundtruth__auto_annotations', 'auto_annotations')
] %}
    select
        '{{ resource }}' as resource,
        extract_run_id,
        count(*) as staged_records,
        0 as placeholder_records
    from {{ ref(model) }}
    where quarantine_reason is null
    group by all
    union all
{% endfor %}
select
    'consolidation_responses' as resource,
    extract_run_id,
    count(*) as staged_records,
    0 as placeholder_records
from {{ ref('stg_groundtruth__consolidation_responses') }}
group by all
union all
{% for resource in ['metric_data', 'group_members'] %}
    select
        '{{ resource }}' as resource,
        extract_run_id,
        count(*) filter (where is_checked) as staged_records,
        count(*) filter (where not is_checked) as placeholder_records
    from {{ ref('checks_' ~ resource) }}
    group by all
    union all
{% endfor %}
select
    'workteams' as resource,
    extract_run_id,
    count(*) as staged_records,
    0 as placeholder_records
from {{ ref('checks_workteams') }}
group by all
