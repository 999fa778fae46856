{#-
    Every landed ListUsersInGroup row, typed. A group lands as a whole snapshot (all pages of one
    answer) in one extraction run; an answer that lists nobody lands one placeholder row
    (`is_placeholder`: no user), so that an emptied group is seen as empty instead of keeping its
    last members. A snapshot is (user pool, group, extraction run), timed by its extraction.
-#}
with source as (
    select * from {{ source('cognito', 'group_members') }}
),

typed as (
    select
        user_pool_id as cognito_user_pool_id,
        group_name as cognito_group_name,
        {{ adapter.quote('user') }} is null as is_placeholder,
        nullif({{ first_where(aws_name_values(adapter.quote('user'), '$.Attributes', lenient=true), "a -> a.name = 'sub'") }}.value, '') as cognito_sub,
        _gtwh_run_id as extract_run_id,
        _gtwh_extracted_at as extracted_at,
        _gtwh_source as source_file,
        _gtwh_record_index as source_record_index
    from source
)

select * from typed
