{#-
    Small portable helpers for the workforce models. Each dispatches per adapter, like
    parsing.sql; the default__ versions are ANSI SQL that most warehouses accept.
-#}

{#- A double-precision float type. dbt.type_float() renders FLOAT, which is single precision
    on DuckDB, too coarse for summed seconds. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}

{#- A continuous percentile (linear interpolation between the two nearest ranks), NULLs
    ignored. Use inside an aggregate query. -#}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by cast({{ expr }} as {{ type_double() }}))
{%- endmacro %}

{% macro duckdb__percentile_cont(expr, fraction) -%}
    quantile_cont(cast({{ expr }} as {{ type_double() }}), {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- a / b as a double, NULL when b is 0 or NULL. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- True when an array/list column holds the value. -#}
{% macro array_contains(array_expr, value_expr) -%}
    {{ return(adapter.dispatch('array_contains')(array_expr, value_expr)) }}
{%- endmacro %}

{% macro default__array_contains(array_expr, value_expr) -%}
    {{ value_expr }} = any({{ array_expr }})
{%- endmacro %}

{% macro duckdb__array_contains(array_expr, value_expr) -%}
    list_contains({{ array_expr }}, {{ value_expr }})
{%- endmacro %}

{% macro spark__array_contains(array_expr, value_expr) -%}
    array_contains({{ array_expr }}, {{ value_expr }})
{%- endmacro %}
