{#-
    Type-2 history of each worker's Cognito attributes (status, enabled), built from every
    version the lake holds (each extraction that saw the user's listing change lands it again),
    so it is rebuilt identically from the lake at any time. Consecutive versions with the same
    tracked attributes collapse into one row. No username or email: those live only in
    worker_identities.
-#}
with users as (
    select * from {{ ref('stg_cognito__users') }}
),

ordered as (
    select
        *,
        row_number() over (
            partition by cognito_sub order by extracted_at, source_file
        ) as extraction_number,
        lag(user_status) over (
            partition by cognito_sub order by extracted_at, source_file
        ) as previous_user_status,
        lag(is_enabled) over (
            partition by cognito_sub order by extracted_at, source_file
        ) as previous_is_enabled
    from users
),

changes as (
    select * from ordered
    where
        extraction_number = 1
        or user_status is distinct from previous_user_status
        or is_enabled is distinct from previous_is_enabled
),

versioned as (
    select
        cognito_sub,
        cognito_user_pool_id,
        user_status,
        is_enabled,
        user_created_at,
        user_modified_at,
        extracted_at as first_extracted_at,
        coalesce(user_modified_at, extracted_at) as valid_from,
        row_number() over (partition by cognito_sub order by extracted_at, source_file) as worker_version
    from changes
),

final as (
    select
        *,
        lead(valid_from) over (partition by cognito_sub order by worker_version) as valid_to,
        lead(valid_from) over (partition by cognito_sub order by worker_version) is null as is_current
    from versioned
)

select * from final
