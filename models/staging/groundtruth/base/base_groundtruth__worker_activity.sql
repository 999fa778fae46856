{#-
    Every landed worker-activity event, typed, with the reason it cannot be staged (if any).
    stg_groundtruth__worker_activity keeps the rows without a reason; quarantine_worker_activity
    keeps the rest, so raw = staged + quarantined holds by construction.

    One CloudWatch event, however often it is read (docs/data-quality.md, "Re-deliveries"):
    the rows with the same CloudWatch timestamp and message (an occurrence, occurrence_id) are
    the copies of one or more events. Within an occurrence, the distinct events of one view are
    its distinct eventIds (FilterLogEvents rows), or else its distinct (file, line) positions in
    one folder (an export task's stream folder; a page folder for pages without eventIds). An
    occurrence holds as many events as its largest view; the k-th event of every view is the
    same event (event_ordinal k), its first delivery is staged and the others are
    duplicate_delivery. So a page re-read, an overlapping pull (same eventIds), an export file
    landed twice, overlapping exports, and an export of events also read by FilterLogEvents all
    count once, while two events with one message (two declines in the same second) both count.

    Incremental (macros/incremental.sql): only the records extracted since the last build are
    parsed. The rows of the table whose occurrence arrives again are taken back in and their
    ordinals and delivery order recomputed with the new copies (delete+insert by occurrence_id),
    so the table equals a build from scratch.

    Bounded memory: ordinals and delivery order need a window only over occurrences read more
    than once, which a hash aggregate finds (it spills); a window over every row would have to
    hold the whole history at once.
-#}
{%- set fields = [
    'worker_id', 'cognito_user_pool_id', 'cognito_sub_id',
    'task_accepted_time', 'task_submitted_time', 'task_returned_time', 'task_declined_time',
    'workteam_arn', 'labeling_job_arn', 'work_requester_account_id', 'job_reference_code',
    'job_type', 'event_type', 'event_timestamp'
] -%}
{#- an occurrence: a CloudWatch timestamp (ms) and a message -#}
{%- set occurrence_digest = "md5(keyed.message || '|' || coalesce(keyed." ~ adapter.quote('timestamp') ~ "::" ~ type_text() ~ ", ''))" -%}


{{ incremental_model(unique_key='occurrence_id') }}

with source as {{ not_materialized() }} (
    {{ new_lake_rows('worker_activity') }}
),

keyed as {{ not_materialized() }} (
    select
        *,
        {{ hash64(['message', adapter.quote('timestamp')]) }} as message_hash
    from source
),

-- Occurrences (timestamp and message) read more than once, counting the rows already built. Found
-- by a hash aggregate over a 64-bit hash (it spills, and is cheaper than the digest): a collision
-- only sends a row through the window below, where the digest orders it correctly. So only these
-- rows need a window; a window over every row would hold the whole history.
repeated as (
    select message_hash
    from keyed
    where message is not null
    group by message_hash
    having count(*) > 1
    {% if is_incremental() %}
        union
        select keyed.message_hash
        from keyed
        inner join {{ this }} as built on {{ occurrence_digest }} = built.occurrence_id
    {% endif %}
),

-- Not materialized (here and below): each branch reads only its own rows, and the filter on
-- is_repeated reaches the join before anything is parsed; keeping every row would cost more.
parsed as {{ not_materialized() }} (
    select
        keyed.*,
        {{ occurrence_digest }} as occurrence_id,
        repeated.message_hash is not null as is_repeated,
        {{ json_string_fields('keyed.message', fields) }} as r
    from keyed
    left join repeated on keyed.message_hash = repeated.message_hash
),

typed as {{ not_materialized() }} (
    select
        occurrence_id,
        is_repeated,
        message,
        {{ worker_activity_columns('r') }}
    from parsed
),

closed as {{ not_materialized() }} (
    select
        *,
        -- an event of another type (TasksAccepted, ...) is staged, but it closes no task
        event_type in ('TasksSubmitted', 'TasksReturned', 'TasksDeclined') as is_task_outcome,
        case event_type
            when 'TasksSubmitted' then task_submitted_at
            when 'TasksReturned' then task_returned_at
            when 'TasksDeclined' then task_declined_at
        end as closed_at
    from typed
),

reasoned as {{ not_materialized() }} (
    select
        *,
        {{ worker_activity_quarantine_reason() }} as row_reason
    from closed
),

-- an occurrence read once (or no message at all: nothing to compare) is one event, delivered once
delivered_once as (
    select
        * {{ star_exclude() }} (message, is_malformed, is_repeated, row_reason),
        occurrence_id as activity_record_id,
        1 as event_ordinal,
        1 as delivery_number,
        row_reason as quarantine_reason,
        case when row_reason is not null then message end as raw_message
    from reasoned
    where not is_repeated
),

candidates as (
    select * {{ star_exclude() }} (is_malformed, is_repeated) from reasoned
    where is_repeated
    {% if is_incremental() %}
        -- rows already built whose message arrives again: taken back in, order recomputed
        {{ union_all_by_name() }}
        select
            built.* {{ star_exclude() }} (activity_record_id, event_ordinal, delivery_number, quarantine_reason, raw_message),
            cast(null as {{ type_text() }}) as message,
            nullif(built.quarantine_reason, 'duplicate_delivery') as row_reason
        from {{ this }} as built
        where built.occurrence_id in (select reasoned.occurrence_id from reasoned where is_repeated)
    {% endif %}
),

-- the k-th distinct event of its view: by eventId where there is one, else by file and line
ordinals as (
    select
        *,
        dense_rank() over (
            partition by occurrence_id, source_folder
            order by
                {{ keys_nulls_last([
                    'event_id',
                    'case when event_id is null then source_file end',
                    'case when event_id is null then source_record_index end'
                ]) }}
        ) as event_ordinal
    from candidates
),

delivered_again as (
    select
        * {{ star_exclude() }} (message, row_reason),
        case
            when event_ordinal = 1 then occurrence_id
            else md5(occurrence_id || '|' || event_ordinal)
        end as activity_record_id,
        row_number() over (
            partition by occurrence_id, event_ordinal
            order by
                ingested_at nulls last,
                event_at{{ nulls_last() }},
                event_id{{ nulls_last() }},
                source_file,
                source_record_index
        ) as delivery_number,
        row_reason,
        -- rows taken back in carry no message; every copy has the same one
        max(message) over (partition by occurrence_id) as message
    from ordinals
),

final as (
    select * from delivered_once
    {{ union_all_by_name() }}
    select
        {{ worker_activity_again_columns() }},
        coalesce(row_reason, case when delivery_number > 1 then 'duplicate_delivery' end)
            as quarantine_reason,
        case when row_reason is not null or delivery_number > 1 then message end as raw_message
    from delivered_again
)

select * from final
