{#-
    Who was in which Cognito group when: one row per membership spell (user pool, group, sub,
    spell), derived from the group's snapshots (every extraction that landed the group: one
    ListUsersInGroup answer, all pages). A spell starts at the first snapshot that lists the sub
    after one that did not (or at the group's first snapshot) and ends at the first snapshot
    that no longer lists it (`left_extracted_at`), an empty answer included; `is_current` spells
    are in the newest snapshot (= stg_cognito__group_members). The times (`*_extracted_at`) are
    extraction times: the change happened after the previous snapshot and at or before them.
-#}
with base as (
    select * from {{ ref('base_cognito__group_members') }}
),

snapshots as (
    select
        cognito_user_pool_id,
        cognito_group_name,
        extract_run_id,
        min(extracted_at) as extracted_at
    from base
    group by all
),

numbered_snapshots as (
    select
        *,
        row_number() over (
            partition by cognito_user_pool_id, cognito_group_name order by extracted_at, extract_run_id
        ) as snapshot_number,
        lag(extracted_at) over (
            partition by cognito_user_pool_id, cognito_group_name order by extracted_at, extract_run_id
        ) as previous_snapshot_at,
        lead(extracted_at) over (
            partition by cognito_user_pool_id, cognito_group_name order by extracted_at, extract_run_id
        ) as next_snapshot_at
    from snapshots
),

listed as (
    select distinct
        base.cognito_user_pool_id,
        base.cognito_group_name,
        base.cognito_sub,
        numbered_snapshots.snapshot_number
    from base
    inner join numbered_snapshots
        on
            base.cognito_user_pool_id = numbered_snapshots.cognito_user_pool_id
            and base.cognito_group_name = numbered_snapshots.cognito_group_name
            and base.extract_run_id = numbered_snapshots.extract_run_id
    where not base.is_placeholder and base.cognito_sub is not null
),

islands as (
    select
        *,
        snapshot_number - row_number() over (
            partition by cognito_user_pool_id, cognito_group_name, cognito_sub order by snapshot_number
        ) as spell_key
    from listed
),

spells as (
    select
        cognito_user_pool_id,
        cognito_group_name,
        cognito_sub,
        min(snapshot_number) as first_snapshot_number,
        max(snapshot_number) as last_snapshot_number
    from islands
    group by cognito_user_pool_id, cognito_group_name, cognito_sub, spell_key
),

timed as (
    select
        spells.cognito_user_pool_id,
        spells.cognito_group_name,
        spells.cognito_sub,
        row_number() over (
            partition by spells.cognito_user_pool_id, spells.cognito_group_name, spells.cognito_sub
            order by spells.first_snapshot_number
        ) as spell_number,
        first_listing.extracted_at as joined_extracted_at,
        first_listing.previous_snapshot_at as not_listed_extracted_at,
        last_listing.extracted_at as last_listed_extracted_at,
        last_listing.next_snapshot_at as left_extracted_at,
        spells.first_snapshot_number = 1 as is_in_first_snapshot,
        last_listing.next_snapshot_at is null as is_current
    from spells
    inner join numbered_snapshots as first_listing
        on
            spells.cognito_user_pool_id = first_listing.cognito_user_pool_id
            and spells.cognito_group_name = first_listing.cognito_group_name
            and spells.first_snapshot_number = first_listing.snapshot_number
    inner join numbered_snapshots as last_listing
        on
            spells.cognito_user_pool_id = last_listing.cognito_user_pool_id
            and spells.cognito_group_name = last_listing.cognito_group_name
            and spells.last_snapshot_number = last_listing.snapshot_number
)

select * from timed
