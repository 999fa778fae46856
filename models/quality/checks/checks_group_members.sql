{#-
    What the group_members suite validates: every landed ListUsersInGroup entry. A group whose
    answer listed nobody lands as one placeholder row (no user): it is counted, not checked.
-#}
{%- set uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' -%}

with source as (
    select * from {{ source('cognito', 'group_members') }}
),

known_users as (
    select distinct cognito_sub from {{ ref('stg_cognito__users') }}
),

landed as (
    select exists(select 1 from {{ ref('stg_cognito__users') }}) as has_users
),

members as (
    select
        _gtwh_run_id as extract_run_id,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        user_pool_id as cognito_user_pool_id,
        group_name as cognito_group_name,
        {{ adapter.quote('user') }} is null as is_placeholder,
        nullif({{ first_where(aws_name_values(adapter.quote('user'), '$.Attributes', lenient=true), "a -> a.name = 'sub'") }}.value, '') as cognito_sub
    from source
),

checks as (
    select
        hash(members.extract_run_id, members.source_file, members.source_record_index) as record_key,
        members.extract_run_id,
        members.source_file,
        members.source_record_index,
        cast(null as {{ type_text() }}) as quarantine_reason,
        not members.is_placeholder as is_checked,
        members.cognito_user_pool_id,
        members.cognito_group_name,
        members.cognito_sub,
        case when not members.is_placeholder then members.cognito_sub is not null end as has_sub,
        case when members.cognito_sub is not null then {{ matches_regex('members.cognito_sub', uuid) }} end
            as is_uuid_sub,
        case
            when members.cognito_sub is not null and landed.has_users
                then known_users.cognito_sub is not null
        end as sub_known_to_cognito
    from members
    left join known_users on members.cognito_sub = known_users.cognito_sub
    cross join landed
)

select * from checks
