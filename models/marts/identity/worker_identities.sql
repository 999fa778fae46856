{#-
    The one table that holds who a worker is (username, email), keyed on the Cognito sub.
    Newest extracted version of each user. Every other model keys on `cognito_sub` only.
-#}
with source as (
    select * from {{ source('cognito', 'users') }}
),

latest as (
    select *
    from source
    qualify row_number() over (
            partition by
                user_pool_id,
                list_filter(
                    from_json("user" -> '$.Attributes', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
                    a -> a.name = 'sub'
                )[1].value
            order by _gtwh_extracted_at desc, _gtwh_source desc
        ) = 1
),

identities as (
    select
        list_filter(
            from_json("user" -> '$.Attributes', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            a -> a.name = 'sub'
        )[1].value as cognito_sub,
        user_pool_id as cognito_user_pool_id,
        {{ json_text('"user"', '$.Username') }} as username,
        list_filter(
            from_json("user" -> '$.Attributes', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            a -> a.name = 'email'
        )[1].value as email
    from latest
)

select * from identities
