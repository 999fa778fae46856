{#- What the workteams suite validates: every landed DescribeWorkteam response. -#}
{%- set arn = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:workteam/[a-z-]+-crowd/[^/]+' -%}

with source as (
    select * from {{ source('sagemaker', 'workteams') }}
),

teams as (
    select
        _gtwh_run_id as extract_run_id,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index,
        lower(workteam_name) as workteam_name,
        {{ json_text('response', '$.Workteam.WorkteamArn') }} as workteam_arn,
        coalesce(
            {{ json_text('response', '$.Workteam.MemberDefinitions[0].CognitoMemberDefinition.UserPool') }},
            {{ json_text('response', '$.Workteam.MemberDefinitions[0].OidcMemberDefinition.Groups[0]') }}
        ) as member_source
    from source
),

checks as (
    select
        hash(extract_run_id, source_file, workteam_name) as record_key,
        extract_run_id,
        source_file,
        source_record_index,
        cast(null as {{ type_text() }}) as quarantine_reason,
        true as is_checked,
        workteam_name,
        workteam_arn,
        member_source,
        coalesce({{ matches_regex('workteam_arn', arn) }}, false) as is_workteam_arn,
        member_source is not null as has_members
    from teams
)

select * from checks
