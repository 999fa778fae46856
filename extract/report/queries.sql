-- The operations report's reporting layer: one named query per plot, read-only, over the marts.
-- The transformations live in dbt; these only aggregate marts to what a plot draws (a few
-- thousand rows at most, whatever the warehouse's size). Every query returns the filter keys
-- team, job and day (NULL where a key does not apply) that the page's filters use.
-- Jobs without costs, iterations or pairs (running, stopped, chained, 3D ...) give NULLs, never
-- missing rows: every job comes from job_comparison, which left-joins costs and iterations.

-- name: jobs
select
    labeling_job_name as job,
    workteam_name as team,
    strftime(created_at, '%Y-%m-%d') as day,
    status,
    task_type,
    cast(cost_human_usd as double) as cost_human_usd,
    cast(cost_auto_usd as double) as cost_auto_usd,
    cast(cost_total_usd as double) as cost_total_usd,
    machine_labeled_share,
    elapsed_seconds / 3600.0 as elapsed_hours,
    labeled_objects,
    iterations,
    first_machine_iteration
from job_comparison
order by created_at, labeling_job_name;

-- name: iterations
select
    i.labeling_job_name as job,
    c.workteam_name as team,
    strftime(i.started_at, '%Y-%m-%d') as day,
    i.iteration,
    i.human_labeled_objects,
    i.machine_labeled_objects,
    cast(i.cumulative_machine_labeled_objects as double)
    / nullif(i.cumulative_labeled_objects, 0) as cumulative_machine_share,
    i.is_first_machine_iteration,
    cast(i.cost_total_usd as double) as cost_total_usd
from fct_labeling_job_iterations as i
left join job_comparison as c on i.labeling_job_name = c.labeling_job_name
order by c.created_at, i.labeling_job_name, i.iteration;

-- name: pairs
select
    p.treated_job_name as job,
    t.workteam_name as team,
    strftime(t.created_at, '%Y-%m-%d') as day,
    p.control_job_name,
    p.is_declared,
    p.is_same_input_manifest,
    p.treated_elapsed_seconds / 3600.0 as treated_elapsed_hours,
    p.control_elapsed_seconds / 3600.0 as control_elapsed_hours,
    p.elapsed_reduction_pct,
    cast(p.treated_cost_total_usd as double) as treated_cost_total_usd,
    cast(p.control_cost_total_usd as double) as control_cost_total_usd,
    p.cost_reduction_pct,
    p.treated_machine_labeled_share,
    p.control_machine_labeled_share,
    p.iterations_before_auto_labeling_saved,
    t.model_parent_job_name
from job_pair_comparisons as p
left join job_comparison as t on p.treated_job_name = t.labeling_job_name
order by p.treated_job_name, p.control_job_name;

-- name: chains
select
    m.labeling_job_name as job,
    j.workteam_name as team,
    strftime(j.created_at, '%Y-%m-%d') as day,
    m.chain_id,
    replace(m.chain_job_path, ' > ', ' -> ') as chain_path,
    m.chain_length,
    m.chain_position,
    c.is_model_chain,
    m.labeled_objects,
    m.cumulative_automation_rate,
    cast(m.cumulative_cost_usd as double) as cumulative_cost_usd
from job_chain_members as m
inner join job_chains as c on m.chain_id = c.chain_id
left join job_comparison as j on m.labeling_job_name = j.labeling_job_name
where m.chain_length > 1
order by m.chain_job_path, m.chain_position;

-- name: submitted_hourly
-- every team on every hour of the operation's span: an hour without submissions is a 0, not a gap
with sums as (
    select
        workteam_name as team,
        closed_hour,
        sum(tasks_submitted) as tasks_submitted
    from throughput_team_job_hourly
    group by workteam_name, closed_hour
),

grid as (
    select
        t.team,
        unnest(generate_series(s.lo, s.hi, interval 1 hour)) as closed_hour
    from (select distinct team from sums) as t
    cross join (select min(closed_hour) as lo, max(closed_hour) as hi from sums) as s
)

select
    null as job,
    g.team,
    strftime(g.closed_hour, '%Y-%m-%d') as day,
    strftime(g.closed_hour, '%Y-%m-%d %H:00') as hour,
    coalesce(s.tasks_submitted, 0) as tasks_submitted
from grid as g
left join sums as s on g.team = s.team and g.closed_hour = s.closed_hour
order by g.closed_hour, g.team;

-- name: submitted_daily
-- every team on every day of the operation's span (0 tasks and hours on a day without work)
with sums as (
    select
        workteam_name as team,
        closed_date,
        sum(tasks_submitted) as tasks_submitted,
        cast(sum(handling_seconds_all_outcomes) as double) / 3600 as handling_hours,
        cast(sum(working_seconds) as double) / 3600 as working_hours
    from throughput_team_job_daily
    group by workteam_name, closed_date
),

grid as (
    select
        t.team,
        cast(unnest(generate_series(s.lo, s.hi, interval 1 day)) as date) as closed_date
    from (select distinct team from sums) as t
    cross join (select min(closed_date) as lo, max(closed_date) as hi from sums) as s
)

select
    null as job,
    g.team,
    strftime(g.closed_date, '%Y-%m-%d') as day,
    coalesce(s.tasks_submitted, 0) as tasks_submitted,
    coalesce(s.handling_hours, 0) as handling_hours,
    coalesce(s.working_hours, 0) as working_hours
from grid as g
left join sums as s on g.team = s.team and g.closed_date = s.closed_date
order by g.closed_date, g.team;

-- name: handling_per_job
select
    labeling_job_name as job,
    any_value(workteam_name) as team,
    strftime(min(closed_date), '%Y-%m-%d') as day,
    count(*) as tasks_submitted,
    median(handling_seconds)::double as handling_seconds_median,
    quantile_cont(handling_seconds, 0.9)::double as handling_seconds_p90
from fct_task_outcomes
where outcome = 'submitted'
group by labeling_job_name
order by labeling_job_name;

-- name: console_vs_logs
-- per team and day; a day without work is NULL (a gap in the line: an average of nothing)
with sums as (
    select
        workteam_name as team,
        closed_date,
        sum(log_tasks_submitted) as log_tasks_submitted,
        cast(sum(log_handling_seconds_sum) as double)
        / nullif(sum(log_tasks_submitted), 0) as log_seconds_per_submitted_task,
        cast(sum(metric_time_spent_seconds) filter (where has_team_metrics) as double)
        / nullif(sum(metric_tasks_submitted) filter (where has_team_metrics), 0)
            as console_seconds_per_submitted_task
    from throughput_console_team_job_daily
    group by workteam_name, closed_date
),

grid as (
    select
        t.team,
        cast(unnest(generate_series(s.lo, s.hi, interval 1 day)) as date) as closed_date
    from (select distinct team from sums) as t
    cross join (select min(closed_date) as lo, max(closed_date) as hi from sums) as s
)

select
    null as job,
    g.team,
    strftime(g.closed_date, '%Y-%m-%d') as day,
    s.log_tasks_submitted,
    s.log_seconds_per_submitted_task,
    s.console_seconds_per_submitted_task
from grid as g
left join sums as s on g.team = s.team and g.closed_date = s.closed_date
order by g.closed_date, g.team;

-- name: speed_flags
select
    f.labeling_job_name as job,
    f.workteam_name as team,
    null as day,
    'w-' || left(md5(f.cognito_sub), 6) as worker_alias,
    i.username,
    f.tasks_submitted,
    f.fast_tasks,
    f.fast_task_share,
    f.handling_seconds_median,
    f.job_handling_seconds_median
from speed_flags_worker_job as f
left join worker_identities as i on f.cognito_sub = i.cognito_sub
where f.is_fast_worker
order by f.fast_task_share desc, f.labeling_job_name, worker_alias;

-- name: learning_curve
-- the first 200 tasks of each worker in a job, where the curve bends (later tasks are flat);
-- the median of the n-th task is smoothed over the 9 tasks around it (few workers make it noisy)
select
    labeling_job_name as job,
    workteam_name as team,
    null as day,
    job_task_ordinal,
    workers,
    handling_seconds_median,
    avg(handling_seconds_median) over (
        partition by labeling_job_name order by job_task_ordinal
        rows between 4 preceding and 4 following
    ) as handling_seconds_median_smoothed
from throughput_learning_curve
where job_task_ordinal <= 200
order by labeling_job_name, job_task_ordinal;

-- name: quarantine
select
    null as job,
    null as team,
    null as day,
    resource,
    reason,
    count(*) as records
from quarantine
group by resource, reason
order by resource, records desc, reason;
