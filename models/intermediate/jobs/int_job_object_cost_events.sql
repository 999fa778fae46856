{#-
    The per-object items the cost model prices, one row per item: the service fee of every
    labeled object, the MTurk task price of every human-labeled object (workers per object
    tasks at the job's PublicWorkforceTaskPrice; only when that price is above 0) and the
    optional auto-labeling compute of every machine-labeled object. An item is priced at its
    label time (the job's last modification when S3 gave none).

    Incremental (macros/incremental.sql), by job: a job whose label events or description
    changed since the last build is recomputed whole. extracted_at: the later of the label's
    and the description's extraction.
-#}
{{ incremental_model(unique_key='labeling_job_name') }}

with label_events as (
    select * from {{ ref('int_job_label_events') }}
),

jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

labeled as {{ not_materialized() }} (
    select
        l.labeling_job_name,
        l.iteration,
        l.dataset_object_id,
        l.labeled_by,
        coalesce(l.labeled_at, j.last_modified_at) as priced_at,
        j.workteam_name,
        j.workers_per_object,
        j.public_task_price_usd,
        greatest(l.extracted_at, j.extracted_at) as extracted_at
    from label_events as l
    inner join jobs as j on l.labeling_job_name = j.labeling_job_name
    where l.is_first_label
),

labels as {{ not_materialized() }} (
    {{ rows_of_changed_jobs('labeled') }}
),

service_fees as (
    select
        *,
        'service_fee' as cost_component,
        case when labeled_by = 'human' then 'human' else 'auto' end as cost_side,
        1.0 as quantity,
        cast(null as decimal(18, 6)) as job_unit_price_usd
    from labels
),

task_prices as (
    select
        *,
        'task_price' as cost_component,
        'human' as cost_side,
        cast(workers_per_object as decimal(24, 9)) as quantity,
        cast(public_task_price_usd as decimal(18, 6)) as job_unit_price_usd
    from labels
    where labeled_by = 'human' and public_task_price_usd > 0
),

auto_compute as (
    select
        *,
        'auto_labeling_compute' as cost_component,
        'auto' as cost_side,
        1.0 as quantity,
        cast(null as decimal(18, 6)) as job_unit_price_usd
    from labels
    where labeled_by = 'machine'
),

unioned as (
    select * from service_fees
    union all
    select * from task_prices
    union all
    select * from auto_compute
),

final as (
    select
        md5(labeling_job_name || '|' || cost_component || '|object|' || dataset_object_id) as cost_line_id,
        labeling_job_name,
        iteration,
        workteam_name,
        cost_component,
        cost_side,
        'object' as source_kind,
        dataset_object_id as source_id,
        priced_at,
        cast(quantity as decimal(24, 9)) as quantity,
        case when cost_component = 'task_price' then 'task' else 'object' end as quantity_unit,
        job_unit_price_usd,
        extracted_at
    from unioned
)

select * from final
