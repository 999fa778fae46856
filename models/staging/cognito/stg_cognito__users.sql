{#-
    Every extracted version of every Cognito user, typed. Username and email are NOT here:
    they live only in worker_identities. Facts key on `cognito_sub`. Entries that cannot be
    typed (no sub, wrong types) are in quarantine instead (base_cognito__users).
-#}
with base as (
    select * from {{ ref('base_cognito__users') }}
),

staged as (
    select
        cognito_user_pool_id,
        cognito_sub,
        user_status,
        is_enabled,
        user_created_at,
        user_modified_at,
        extracted_at,
        source_file
    from base
    where quarantine_reason is null
)

select * from staged
