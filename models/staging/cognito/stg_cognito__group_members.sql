{#-
    Group membership as of the newest snapshot of each group (every page of its newest
    ListUsersInGroup answer). A group whose newest answer was empty has no rows: its placeholder
    stands for the answer, not for a member. Who joined and left when: dim_workers_group_history.
-#}
with base as (
    select * from {{ ref('base_cognito__group_members') }}
),

newest_snapshot as (
    select *
    from base
    qualify extract_run_id = max(extract_run_id) over (
            partition by cognito_user_pool_id, cognito_group_name
        )
),

members as (
    select distinct
        cognito_user_pool_id,
        cognito_group_name,
        cognito_sub
    from newest_snapshot
    where not is_placeholder
)

select * from members
