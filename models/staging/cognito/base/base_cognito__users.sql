{#-
    Every landed Cognito user entry (every extraction), typed, with the reason it cannot be
    staged (if any). stg_cognito__users keeps the rows without a reason; the quality models keep
    the rest, so raw = staged + quarantined holds by construction. Username stays out: only its
    count per sub is kept, to check that a sub names one user.
-#}
with source as (
    select * from {{ source('cognito', 'users') }}
),

checked as (
    select
        *,
        case when {{ json_is_object(adapter.quote('user')) }} then {{ adapter.quote('user') }} end as doc
    from source
),

typed as (
    select
        user_pool_id as cognito_user_pool_id,
        nullif({{ first_where(aws_name_values('doc', '$.Attributes', lenient=true), "a -> a.name = 'sub'") }}.value, '') as cognito_sub,
        {{ json_text('doc', '$.Username') }} as username,
        {{ json_text('doc', '$.UserStatus') }} as user_status,
        case
            when {{ json_type_at('doc', '$.Enabled') }} = 'BOOLEAN'
                then cast({{ json_text('doc', '$.Enabled') }} as boolean)
        end as is_enabled,
        {{ parse_api_time(json_text('doc', '$.UserCreateDate')) }} as user_created_at,
        {{ parse_api_time(json_text('doc', '$.UserLastModifiedDate')) }} as user_modified_at,
        {{ json_text('doc', '$.Enabled') }} as enabled_raw,
        {{ json_type_at('doc', '$.Enabled') }} as enabled_type,
        {{ json_text('doc', '$.UserCreateDate') }} as user_create_date_raw,
        {{ json_text('doc', '$.UserLastModifiedDate') }} as user_last_modified_date_raw,
        doc is null as is_malformed,
        {{ adapter.quote('user') }} as raw_user,
        _gtwh_extracted_at as extracted_at,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        _gtwh_run_id as extract_run_id
    from checked
),

reasoned as (
    select
        *,
        case
            when is_malformed then 'malformed_json'
            when cognito_sub is null then 'missing_sub'
            when enabled_type not in ('BOOLEAN', 'NULL') then 'wrong_type'
            when
                (user_create_date_raw is not null and user_created_at is null)
                or (user_last_modified_date_raw is not null and user_modified_at is null)
                then 'unparsable_timestamp'
        end as quarantine_reason,
        {{ count_distinct_over('username', 'cognito_user_pool_id, cognito_sub') }} as usernames_per_sub,
        count(*) over (partition by extract_run_id, cognito_user_pool_id, cognito_sub) as listings_in_run
    from typed
),

final as (
    select
        * {{ star_exclude() }} (username, raw_user, enabled_type),
        username is not null as has_username,
        case when quarantine_reason is not null then raw_user end as raw_user
    from reasoned
)

select * from final
