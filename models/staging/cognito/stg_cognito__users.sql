{#-
    Every extracted version of every Cognito user, typed. Username and email are NOT here:
    they live only in worker_identities. Facts key on `cognito_sub`.
-#}
with source as (
    select * from {{ source('cognito', 'users') }}
),

renamed as (
    select
        user_pool_id as cognito_user_pool_id,
        list_filter(
            from_json("user" -> '$.Attributes', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            a -> a.name = 'sub'
        )[1].value as cognito_sub,
        {{ json_text('"user"', '$.UserStatus') }} as user_status,
        cast({{ json_text('"user"', '$.Enabled') }} as boolean) as is_enabled,
        {{ parse_api_time(json_text('"user"', '$.UserCreateDate')) }} as user_created_at,
        {{ parse_api_time(json_text('"user"', '$.UserLastModifiedDate')) }} as user_modified_at,
        _gtwh_extracted_at as extracted_at,
        _gtwh_source as source_file
    from source
)

select * from renamed
