{#-
    Per resource, over every run: raw records landed = staged + quarantined (+ placeholders).
    Rejected files count as one raw record each (their contents could not be read) and as
    quarantined. `is_balanced` must always be true; reconciliation_runs has the same per run.
    For worker activity it also counts staged activity from subs unknown to Cognito and from
    jobs never described: kept, not quarantined.
-#}
with runs as (
    select * from {{ ref('reconciliation_runs') }}
),

quarantine as (
    select * from {{ ref('quarantine') }}
),

reasons as (
    select
        resource,
        {{ ordered_string_agg("reason || ': ' || n", "', '", 'reason') }} as quarantine_reasons
    from (
        select
            resource,
            reason,
            count(*) as n
        from quarantine
        group by all
    ) as by_reason
    group by all
),

activity as (
    select
        count(distinct cognito_sub) filter (where not is_sub_known) as unknown_subs,
        count(distinct labeling_job_name) filter (where not is_job_described) as undescribed_jobs
    from {{ ref('checks_worker_activity') }}
),

totals as (
    select
        resource,
        sum(raw_records) as raw_records,
        sum(staged_records) as staged_records,
        sum(quarantined_records) as quarantined_records,
        sum(rejected_files) as rejected_files,
        sum(placeholder_records) as placeholder_records,
        sum(unknown_sub_records) as unknown_sub_records,
        sum(undescribed_job_records) as undescribed_job_records
    from runs
    group by all
),

final as (
    select
        totals.resource,
        cast(totals.raw_records as bigint) as raw_records,
        cast(totals.staged_records as bigint) as staged_records,
        cast(totals.quarantined_records as bigint) as quarantined_records,
        cast(totals.rejected_files as bigint) as rejected_files,
        totals.raw_records = totals.staged_records + totals.quarantined_records + totals.placeholder_records
            as is_balanced,
        cast(totals.placeholder_records as bigint) as placeholder_records,
        coalesce(reasons.quarantine_reasons, '') as quarantine_reasons,
        cast(totals.unknown_sub_records as bigint) as unknown_sub_records,
        case when totals.resource = 'worker_activity' then activity.unknown_subs end as unknown_subs,
        cast(totals.undescribed_job_records as bigint) as undescribed_job_records,
        case when totals.resource = 'worker_activity' then activity.undescribed_jobs end as undescribed_jobs
    from totals
    left join reasons on totals.resource = reasons.resource
    cross join activity
)

select * from final
