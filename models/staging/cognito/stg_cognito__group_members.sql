{#- Group membership as of the newest extraction of each group. -#}
with source as (
    select * from {{ source('cognito', 'group_members') }}
),

latest_run as (
    select *
    from source
    qualify _gtwh_run_id = max(_gtwh_run_id) over (partition by user_pool_id, group_name)
),

renamed as (
    select distinct
        user_pool_id as cognito_user_pool_id,
        group_name as cognito_group_name,
        list_filter(
            from_json("user" -> '$.Attributes', '[{"Name": "VARCHAR", "Value": "VARCHAR"}]'),
            a -> a.name = 'sub'
        )[1].value as cognito_sub
    from latest_run
)

select * from renamed
