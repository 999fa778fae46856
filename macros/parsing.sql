{#-
    Parsing helpers, dispatched per adapter so the models stay portable. DuckDB is the default
    engine; the spark__ versions keep the door open for the scale-out target.
-#}

{#- A Ground Truth worker-log time: Java Date.toString() ("Wed Aug 14 16:00:59 UTC 2019") or
    ISO-8601 with or without fractional seconds and a trailing Z. Empty or unparsable -> NULL. -#}
{% macro parse_worker_time(expr) -%}
    {{ return(adapter.dispatch('parse_worker_time')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_worker_time(expr) -%}
    try_strptime(nullif({{ expr }}, ''), [
        '%a %b %d %H:%M:%S UTC %Y', '%a %b %d %H:%M:%S GMT %Y',
        '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
        '%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%dT%H:%M:%S.%fZ'
    ])
{%- endmacro %}

{% macro spark__parse_worker_time(expr) -%}
    coalesce(
        to_timestamp(nullif({{ expr }}, ''), 'EEE MMM dd HH:mm:ss zzz yyyy'),
        to_timestamp(nullif({{ expr }}, ''))
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

{% macro spark__json_string_fields(expr, fields) -%}
    from_json({{ expr }}, 'struct<{%- for f in fields -%}`{{ f }}`: string{{ ", " if not loop.last }}{%- endfor -%}>')
{%- endmacro %}

{#- The string at a JSON path ('$.A.B'), or NULL. -#}
{% macro json_text(expr, path) -%}
    {{ return(adapter.dispatch('json_text')(expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(expr, path) -%}
    json_extract_string({{ expr }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_text(expr, path) -%}
    get_json_object({{ expr }}, '{{ path }}')
{%- endmacro %}
