{#-
    Every path through the job lineage graph that starts at a root (a job nothing links to:
    it started from no model, or from a model no known job produced), one row per path
    prefix. A path never visits a job twice, so a cycle in bad data cannot loop. `is_chain`
    marks the maximal paths (the chains); a job with no links is a chain of one.
-#}
with recursive jobs as (
    select * from {{ ref('stg_sagemaker__labeling_jobs') }}
),

edges as (
    select * from {{ ref('int_job_lineage_edges') }}
),

roots as (
    select j.labeling_job_name
    from jobs as j
    left join edges as e on j.labeling_job_name = e.to_job_name
    where e.to_job_name is null
),

paths as (
    select
        labeling_job_name as root_job_name,
        labeling_job_name,
        1 as chain_position,
        labeling_job_name as job_path
    from roots

    union all

    select
        p.root_job_name,
        e.to_job_name as labeling_job_name,
        p.chain_position + 1 as chain_position,
        p.job_path || ' > ' || e.to_job_name as job_path
    from paths as p
    inner join edges as e on p.labeling_job_name = e.from_job_name
    where
        p.chain_position < 1000
        and (' > ' || p.job_path || ' > ') not like ('% > ' || e.to_job_name || ' > %')
),

extended as (
    select distinct parent.job_path
    from paths as parent
    inner join paths as child
        on
            parent.root_job_name = child.root_job_name
            and child.chain_position = parent.chain_position + 1
            and child.job_path like (parent.job_path || ' > %')
),

final as (
    select
        p.root_job_name,
        p.labeling_job_name,
        p.chain_position,
        p.job_path,
        x.job_path is null as is_chain
    from paths as p
    left join extended as x on p.job_path = x.job_path
)

select * from final
