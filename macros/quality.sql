{#-
    Helpers for quarantine routing and the data-quality check views, dispatched per adapter like
    macros/parsing.sql. "Typed" means: the value has the JSON type the AWS API documents.
-#}

{#- True when the string is a JSON object; false for anything else (arrays, scalars, broken JSON, NULL). -#}
{% macro json_is_object(expr) -%}
    {{ return(adapter.dispatch('json_is_object')(expr)) }}
{%- endmacro %}

{% macro duckdb__json_is_object(expr) -%}
    coalesce(try(json_type({{ expr }})) = 'OBJECT', false)
{%- endmacro %}

{% macro spark__json_is_object(expr) -%}
    coalesce(substr(ltrim({{ expr }}), 1, 1) = '{' and get_json_object({{ expr }}, '$') is not null, false)
{%- endmacro %}

{#- The JSON type at a path of a valid JSON document: BIGINT/UBIGINT, DOUBLE, VARCHAR, BOOLEAN,
    OBJECT, ARRAY, NULL (an explicit null) or SQL NULL (no such key). -#}
{% macro json_type_at(expr, path) -%}
    {{ return(adapter.dispatch('json_type_at')(expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_type_at(expr, path) -%}
    json_type({{ expr }}, '{{ path }}')
{%- endmacro %}

{#- Spark: the type of the value at the path of the document parsed as a VARIANT, in DuckDB's
    names (a JSON integer beyond 64 bits is a DECIMAL there, not DuckDB's UBIGINT or DOUBLE). -#}
{% macro spark__json_type_at(expr, path) -%}
    {%- set t = "schema_of_variant(variant_get(try_parse_json(" ~ expr ~ "), '" ~ path ~ "'))" -%}
    case
        when {{ t }} in ('BIGINT', 'INT', 'SMALLINT', 'TINYINT') then 'BIGINT'
        when {{ t }} = 'STRING' then 'VARCHAR'
        when {{ t }} = 'BOOLEAN' then 'BOOLEAN'
        when {{ t }} = 'VOID' then 'NULL'
        when {{ t }} like 'OBJECT%' then 'OBJECT'
        when {{ t }} like 'ARRAY%' then 'ARRAY'
        when {{ t }} is not null then 'DOUBLE'
    end
{%- endmacro %}

{#- The integer at a path, or NULL when absent or not a JSON integer ("12", 1.5 and "" are not). -#}
{% macro json_integer(expr, path) -%}
    case
        when {{ json_type_at(expr, path) }} in ('BIGINT', 'UBIGINT')
            then cast({{ json_text(expr, path) }} as bigint)
    end
{%- endmacro %}

{#- True when the path holds a value (not absent, not null) that is not a JSON integer. -#}
{% macro json_not_integer(expr, path) -%}
    coalesce({{ json_type_at(expr, path) }} not in ('BIGINT', 'UBIGINT', 'NULL'), false)
{%- endmacro %}

{#- Full-string regular-expression match. -#}
{% macro matches_regex(expr, pattern) -%}
    {{ return(adapter.dispatch('matches_regex')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_regex(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

