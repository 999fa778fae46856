{#-
    Parsing helpers, dispatched per adapter so the models stay portable. DuckDB is the default
    engine; the spark__ versions keep the door open for the scale-out target.
-#}

{#- Worker-log times are parsed when an event is landed (extract/parsing.py, issue 14): the
    lake holds task_accepted_at etc. beside the raw strings. What dbt still needs of the layouts
    is the quarantine rule's "a time in a zone we do not know" (docs/data-quality.md,
    "Worker-log times"), with the zone table both read: var('worker_time_zones') in
    dbt_project.yml. -#}
{% macro worker_time_zones() -%}
    {{ return(var('worker_time_zones')) }}
{%- endmacro %}

{#- The zone of a Java-layout time ("PDT", "GMT"), else ''. -#}
{% macro worker_time_zone(expr) -%}
    regexp_extract({{ expr }}, '^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]{1,2} [0-9:]{8} ([A-Za-z]+)[^ ]* [0-9]{4}$', 1)
{%- endmacro %}

{#- True when a Java-layout time names a zone worker_time_zones() does not hold. -#}
{% macro worker_time_zone_unknown(expr) -%}
    coalesce({{ worker_time_zone(expr) }} not in ('', {% for z in worker_time_zones() %}'{{ z }}'{{ ', ' if not loop.last }}{% endfor %}), false)
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
