{#-
    Parsing helpers, dispatched per adapter so the models stay portable. DuckDB is the default
    engine; the spark__ versions keep the door open for the scale-out target.
-#}

{#- A Ground Truth worker-log time, as a UTC timestamp (NULL when empty, NULL or unparsable).

    Layouts (docs/data-quality.md, "Worker-log times"):
    - Java Date.toString(), "Wed Aug 14 16:00:59 UTC 2019" (AWS docs, workteam-private-tracking),
      in any zone of worker_time_zones() below, or "GMT+05:30" / "GMT-0700";
    - ISO-8601 "2019-08-14T16:01:04", with or without seconds, with 1-9 fraction digits (kept to
      the microsecond), with no zone (UTC), "Z", "+00:00", "+0000" or "+00" (public code parses
      ISO: SonerAbay/AWS-SageMaker-Groundtruth-Tracker-Slack-Bot).
    The common layouts go through one strptime; only the rest through the regular expressions. -#}
{% macro parse_worker_time(expr) -%}
    {{ return(adapter.dispatch('parse_worker_time')(expr)) }}
{%- endmacro %}

{#- Zone abbreviations a Java Date.toString() may end with, and their UTC offsets in minutes.
    Abbreviations are ambiguous (CST is US Central and China; IST is India, Israel and Ireland;
    BST is British Summer and Bangladesh): the table holds the US zones as Java prints them
    (America/New_York, Chicago, Denver, Los_Angeles, Anchorage, Honolulu) and the European,
    Japanese and Australian-eastern ones, which no other Java zone prints. CST is US Central
    (as java.time.ZoneId.SHORT_IDS reads it). A time in any other zone is quarantined as
    unknown_time_zone, never guessed. -#}
{% macro worker_time_zones() -%}
    {{ return({
        'UTC': 0, 'GMT': 0, 'UT': 0, 'Z': 0,
        'EST': -300, 'EDT': -240, 'CST': -360, 'CDT': -300, 'MST': -420, 'MDT': -360,
        'PST': -480, 'PDT': -420, 'AKST': -540, 'AKDT': -480, 'HST': -600,
        'WET': 0, 'WEST': 60, 'CET': 60, 'CEST': 120, 'EET': 120, 'EEST': 180,
        'JST': 540, 'AEST': 600, 'AEDT': 660
    }) }}
{%- endmacro %}

{% macro _java_re() -%}{{ return('^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +([0-9]{1,2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}) ([A-Za-z]+)([+-][0-9]{1,2}(:?[0-9]{2})?)? ([0-9]{4})$') }}{%- endmacro %}
{% macro _iso_re() -%}{{ return('^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2})(:([0-9]{2})([.]([0-9]{1,9}))?)?(Z|([+-])([0-9]{2}):?([0-9]{2})?)?$') }}{%- endmacro %}

{#- The zone of a Java-layout time ("PDT", "GMT"), else ''. -#}
{% macro worker_time_zone(expr) -%}
    regexp_extract({{ expr }}, '^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]{1,2} [0-9:]{8} ([A-Za-z]+)[^ ]* [0-9]{4}$', 1)
{%- endmacro %}

{#- True when a Java-layout time names a zone worker_time_zones() does not hold. -#}
{% macro worker_time_zone_unknown(expr) -%}
    coalesce({{ worker_time_zone(expr) }} not in ('', {% for z in worker_time_zones() %}'{{ z }}'{{ ', ' if not loop.last }}{% endfor %}), false)
{%- endmacro %}

{#- Minutes east of UTC of a Java-layout zone name plus optional "+hh[:mm]" (NULL if unknown). -#}
{% macro _java_offset_minutes(zone, sign_part) -%}
    (case {{ zone }}
        {%- for z, m in worker_time_zones().items() %} when '{{ z }}' then {{ m }}{% endfor %}
    end + case
        when {{ sign_part }} = '' then 0
        when {{ zone }} not in ('GMT', 'UTC') then null
        else (case when left({{ sign_part }}, 1) = '-' then -1 else 1 end) * (
            cast(regexp_extract({{ sign_part }}, '^[+-]([0-9]{1,2})', 1) as int) * 60
            + coalesce(cast(nullif(regexp_extract({{ sign_part }}, '([0-9]{2})$', 1), '') as int), 0)
              * (case when length({{ sign_part }}) > 3 then 1 else 0 end)
        )
    end)
{%- endmacro %}

{% macro duckdb__parse_worker_time(expr) -%}
    {%- set x = 'nullif(' ~ expr ~ ", '')" -%}
    {%- set j = 'regexp_extract(' ~ x ~ ", '" ~ _java_re() ~ "', ['mon', 'day', 'hms', 'zone', 'off', 'offm', 'year'])" -%}
    {%- set i = 'regexp_extract(' ~ x ~ ", '" ~ _iso_re() ~ "', ['d', 'hm', 'ss', 's', 'fs', 'f', 'z', 'sign', 'oh', 'om'])" -%}
    {%- set fast -%}
        try_strptime({{ x }}, [
            '%a %b %d %H:%M:%S UTC %Y', '%a %b %d %H:%M:%S GMT %Y',
            '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
            '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'
        ])
    {%- endset -%}
    {#- A CASE, not one coalesce: coalesce evaluated the regular expressions for every row; the
        ELSE branch runs only for the times the common layouts do not read. -#}
    case when {{ fast }} is not null or {{ x }} is null then {{ fast }} else coalesce(
        try_strptime(
            {{ j }}.mon || ' ' || {{ j }}.day || ' ' || {{ j }}.year || ' ' || {{ j }}.hms,
            '%b %d %Y %H:%M:%S'
        ) - to_minutes({{ _java_offset_minutes(j ~ '.zone', j ~ '.off') }}),
        try_cast(
            {{ i }}.d || ' ' || {{ i }}.hm || ':' || coalesce(nullif({{ i }}.s, ''), '00')
            || case when {{ i }}.f != '' then '.' || left({{ i }}.f, 6) else '' end
            as timestamp
        ) - to_minutes(case
            when {{ i }}.d = '' then null
            when {{ i }}.sign = '' then 0
            else (case when {{ i }}.sign = '-' then -1 else 1 end)
                * (cast({{ i }}.oh as int) * 60 + coalesce(cast(nullif({{ i }}.om, '') as int), 0))
        end)
    ) end
{%- endmacro %}

{#- Spark: the same layouts; the session time zone must be UTC (spark.sql.session.timeZone). -#}
{% macro spark__parse_worker_time(expr) -%}
    {%- set x = 'nullif(' ~ expr ~ ", '')" -%}
    coalesce(
        timestamp_seconds(
            unix_timestamp(
                concat_ws(' ',
                    regexp_extract({{ x }}, '{{ _java_re() }}', 1), regexp_extract({{ x }}, '{{ _java_re() }}', 2),
                    regexp_extract({{ x }}, '{{ _java_re() }}', 7), regexp_extract({{ x }}, '{{ _java_re() }}', 3)),
                'MMM d yyyy HH:mm:ss')
            - 60 * {{ _java_offset_minutes("regexp_extract(" ~ x ~ ", '" ~ _java_re() ~ "', 4)",
                                           "regexp_extract(" ~ x ~ ", '" ~ _java_re() ~ "', 5)") }}
        ),
        case when {{ x }} rlike '{{ _iso_re() }}' then to_timestamp(
            case when {{ x }} rlike 'T[0-9]{2}:[0-9]{2}(Z|[+-]|$)'
                then regexp_replace({{ x }}, '(T[0-9]{2}:[0-9]{2})', '$1:00') else {{ x }} end
        ) end
    )
{%- endmacro %}

{#- A time as the AWS CLI prints it from an API response: ISO-8601 with an offset (CLI v2) or
    epoch seconds as a number (CLI v1). Returned as a UTC timestamp without zone. -#}
{% macro parse_api_time(expr) -%}
    {{ return(adapter.dispatch('parse_api_time')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_api_time(expr) -%}
    coalesce(
        try_cast({{ expr }} as timestamptz),
        to_timestamp(try_cast({{ expr }} as double))
    )::timestamptz at time zone 'UTC'
{%- endmacro %}

{% macro spark__parse_api_time(expr) -%}
    coalesce(to_timestamp({{ expr }}), timestamp_seconds(cast({{ expr }} as double)))
{%- endmacro %}

{#- Epoch milliseconds -> UTC timestamp. -#}
{% macro epoch_ms_to_timestamp(expr) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp')(expr)) }}
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(expr) -%}
    make_timestamp({{ expr }}::bigint * 1000)
{%- endmacro %}

{% macro spark__epoch_ms_to_timestamp(expr) -%}
    timestamp_millis({{ expr }})
{%- endmacro %}

{#- Parse a JSON object string into a struct of string fields; NULL if it is not valid JSON. -#}
{% macro json_string_fields(expr, fields) -%}
    {{ return(adapter.dispatch('json_string_fields')(expr, fields)) }}
{%- endmacro %}

{% macro duckdb__json_string_fields(expr, fields) -%}
    try(from_json({{ expr }}, '{ {%- for f in fields -%} "{{ f }}": "VARCHAR"{{ ", " if not loop.last }}{%- endfor -%} }'))
{%- endmacro %}

{#- Spark's from_json gives a struct of NULLs for text that is not JSON (a truncated event);
    DuckDB's try(from_json) gives NULL, which is what marks a record malformed. -#}
{% macro spark__json_string_fields(expr, fields) -%}
    case
        when get_json_object({{ expr }}, '$') is not null
            then from_json({{ expr }}, 'struct<{%- for f in fields -%}`{{ f }}`: string{{ ", " if not loop.last }}{%- endfor -%}>')
    end
{%- endmacro %}

{#- The string at a JSON path ('$.A.B'), or NULL. -#}
{% macro json_text(expr, path) -%}
    {{ return(adapter.dispatch('json_text')(expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(expr, path) -%}
    json_extract_string({{ expr }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(expr, path) -%}
    {{ spark_json_at(expr, path) }}
{%- endmacro %}

{#- The JSON (text) at a path, or NULL. -#}
{% macro json_value(expr, path) -%}
    {{ return(adapter.dispatch('json_value')(expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_value(expr, path) -%}
    json_extract({{ expr }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_value(expr, path) -%}
    {{ spark_json_at(expr, path) }}
{%- endmacro %}

{#- Spark's reading of a JSON path: a top-level quoted key ($."source-ref", for keys with a
    hyphen) through a map of the object's values as JSON text, else get_json_object. -#}
{% macro spark_json_at(expr, path) -%}
    {%- set quoted = modules.re.match('^\\$\\."([^"]+)"$', path) -%}
    {%- if quoted -%}
        from_json({{ expr }}, 'map<string, string>')['{{ quoted.group(1) }}']
    {%- else -%}
        get_json_object({{ expr }}, '{{ path }}')
    {%- endif -%}
{%- endmacro %}
