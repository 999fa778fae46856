{#-
    Per resource: raw records landed = staged + quarantined. Rejected files count as one raw
    record each (their contents could not be read). `is_balanced` must always be true.
-#}
with activity as (
    select * from {{ ref('base_groundtruth__worker_activity') }}
),

rejected as (
    select * from {{ source('extract', 'rejected_files') }}
),

activity_counts as (
    select
        'worker_activity' as resource,
        count(*) as raw_records,
        count(*) filter (where quarantine_reason is null) as staged_records,
        count(*) filter (where quarantine_reason is not null) as quarantined_records
    from activity
),

rejected_counts as (
    select
        resource,
        count(*) as rejected_files
    from rejected
    group by resource
),

final as (
    select
        a.resource,
        a.raw_records + coalesce(r.rejected_files, 0) as raw_records,
        a.staged_records,
        a.quarantined_records + coalesce(r.rejected_files, 0) as quarantined_records,
        coalesce(r.rejected_files, 0) as rejected_files,
        a.raw_records + coalesce(r.rejected_files, 0)
        = a.staged_records + a.quarantined_records + coalesce(r.rejected_files, 0) as is_balanced
    from activity_counts as a
    left join rejected_counts as r on a.resource = r.resource
)

select * from final
