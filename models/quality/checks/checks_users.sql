{#- What the users suite validates: one row per landed Cognito user entry (every extraction). -#}
{%- set uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' -%}

with users as (
    select * from {{ ref('base_cognito__users') }}
),

attributes as (
    select
        *,
        concat_ws(
            ', ',
            case when not has_username then 'Username' end,
            case when user_status is null then 'UserStatus' end,
            case when enabled_raw is null then 'Enabled' end,
            case when user_create_date_raw is null then 'UserCreateDate' end,
            case when user_last_modified_date_raw is null then 'UserLastModifiedDate' end
        ) as absent_attributes
    from users
),

checks as (
    select
        hash(extract_run_id, source_file, source_record_index) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        quarantine_reason,
        true as is_checked,
        cognito_user_pool_id,
        cognito_sub,
        user_status,
        is_enabled,
        user_created_at,
        user_modified_at,
        coalesce(quarantine_reason != 'malformed_json', true) as entry_parses,
        case when coalesce(quarantine_reason != 'malformed_json', true) then cognito_sub is not null end
            as has_sub,
        case when cognito_sub is not null then {{ matches_regex('cognito_sub', uuid) }} end as is_uuid_sub,
        case when cognito_sub is not null then usernames_per_sub end as usernames_per_sub,
        case when cognito_sub is not null then listings_in_run end as listings_in_run,
        case when coalesce(quarantine_reason != 'malformed_json', true) then absent_attributes end
            as missing_attributes,
        case
            when coalesce(quarantine_reason != 'malformed_json', true)
                then coalesce(quarantine_reason not in ('wrong_type', 'unparsable_timestamp'), true)
        end as values_typed
    from attributes
)

select * from checks
