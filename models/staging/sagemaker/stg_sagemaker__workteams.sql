{#- The newest description of each private workteam and its Cognito user groups. -#}
with source as (
    select * from {{ source('sagemaker', 'workteams') }}
),

latest as (
    select *
    from source
    qualify row_number() over (
            partition by lower(workteam_name)
            order by _gtwh_extracted_at desc, _gtwh_source desc
        ) = 1
),

renamed as (
    select
        lower(workteam_name) as workteam_name,
        {{ json_text('response', '$.Workteam.WorkteamArn') }} as workteam_arn,
        {{ json_text('response', '$.Workteam.WorkforceArn') }} as workforce_arn,
        {{ json_text('response', '$.Workteam.Description') }} as description,
        {{ json_text('response', '$.Workteam.MemberDefinitions[0].CognitoMemberDefinition.UserPool') }}
            as cognito_user_pool_id,
        {{ parse_api_time(json_text('response', '$.Workteam.CreateDate')) }} as created_at,
        {{ parse_api_time(json_text('response', '$.Workteam.LastUpdatedDate')) }} as last_updated_at,
        {{ json_text_list('response', '$.Workteam.MemberDefinitions[*].CognitoMemberDefinition.UserGroup') }}
            as cognito_user_groups,
        _gtwh_extracted_at as extracted_at
    from latest
)

select * from renamed
