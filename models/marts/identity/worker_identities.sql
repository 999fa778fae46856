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
                {{ first_where(aws_name_values(adapter.quote('user'), '$.Attributes'), "a -> a.name = 'sub'") }}.value
            order by _gtwh_extracted_at desc, _gtwh_source desc
        ) = 1
),

identities as (
    select
        {{ first_where(aws_name_values(adapter.quote('user'), '$.Attributes'), "a -> a.name = 'sub'") }}.value as cognito_sub,
        user_pool_id as cognito_user_pool_id,
        {{ json_text(adapter.quote('user'), '$.Username') }} as username,
        {{ first_where(aws_name_values(adapter.quote('user'), '$.Attributes'), "a -> a.name = 'email'") }}.value as email
    from latest
)

select * from identities
