{#-
    One row per worker (Cognito sub) seen in the user pool, a team's Cognito groups or the
    activity log: current Cognito status, Ground Truth worker id, first and last activity, the
    teams they belong to and the teams they worked for. Attribute history is in
    dim_workers_history. No username or email: join worker_identities on cognito_sub for those.
-#}
-- not materialized: each use reads only the columns it needs from the table
with working_time as {{ not_materialized() }} (
    select * from {{ ref('int_task_working_time') }}
),

users_history as (
    select * from {{ ref('dim_workers_history') }}
),

group_members as (
    select * from {{ ref('stg_cognito__group_members') }}
),

workteams as (
    select * from {{ ref('stg_sagemaker__workteams') }}
),

current_users as (
    select * from users_history
    where is_current
),

activity as (
    select
        cognito_sub,
        min(started_at) as first_activity_at,
        max(closed_at) as last_activity_at,
        count(*) as tasks_closed,
        count(case when outcome = 'submitted' then 1 end) as tasks_submitted,
        count(distinct labeling_job_name) as labeling_jobs
    from working_time
    group by cognito_sub
),

-- the ids of the worker's latest task (by close, then id): one aggregate, not a window over
-- every task
latest_worker_ids as (
    select
        cognito_sub,
        {{ arg_max_by('worker_id', ['closed_at', 'task_outcome_id']) }} as worker_id,
        {{ arg_max_by('cognito_user_pool_id', ['closed_at', 'task_outcome_id']) }} as cognito_user_pool_id
    from working_time
    group by cognito_sub
),

worked_teams as (
    select distinct
        cognito_sub,
        workteam_name
    from working_time
),

worked_team_lists as (
    select
        cognito_sub,
        {{ ordered_listagg('workteam_name', "', '", 'workteam_name') }} as worked_workteams
    from worked_teams
    group by cognito_sub
),

memberships as (
    select distinct
        group_members.cognito_sub,
        workteams.workteam_name
    from group_members
    inner join workteams
        on
            group_members.cognito_user_pool_id = workteams.cognito_user_pool_id
            and {{ array_contains('workteams.cognito_user_groups', 'group_members.cognito_group_name') }}
),

member_team_lists as (
    select
        cognito_sub,
        {{ ordered_listagg('workteam_name', "', '", 'workteam_name') }} as member_workteams
    from memberships
    group by cognito_sub
),

all_workers as (
    select cognito_sub from current_users
    union
    select cognito_sub from activity
    union
    select cognito_sub from memberships
),

final as (
    select
        all_workers.cognito_sub,
        coalesce(current_users.cognito_user_pool_id, latest_worker_ids.cognito_user_pool_id)
            as cognito_user_pool_id,
        latest_worker_ids.worker_id,
        current_users.cognito_sub is not null as is_in_user_pool,
        current_users.user_status,
        current_users.is_enabled,
        current_users.user_created_at,
        current_users.user_modified_at,
        current_users.worker_version as attribute_versions,
        member_team_lists.member_workteams,
        worked_team_lists.worked_workteams,
        activity.first_activity_at,
        activity.last_activity_at,
        coalesce(activity.tasks_closed, 0) as tasks_closed,
        coalesce(activity.tasks_submitted, 0) as tasks_submitted,
        coalesce(activity.labeling_jobs, 0) as labeling_jobs
    from all_workers
    left join current_users on all_workers.cognito_sub = current_users.cognito_sub
    left join activity on all_workers.cognito_sub = activity.cognito_sub
    left join latest_worker_ids on all_workers.cognito_sub = latest_worker_ids.cognito_sub
    left join worked_team_lists on all_workers.cognito_sub = worked_team_lists.cognito_sub
    left join member_team_lists on all_workers.cognito_sub = member_team_lists.cognito_sub
)

select * from final
