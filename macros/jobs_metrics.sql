{#- Ratios used by the labeling-job marts; portable SQL. -#}

{#- Ratios: safe_ratio (macros/workforce.sql) is the one numerator/denominator helper. -#}

{#- How much smaller `after` is than `before`, in percent of `before` (negative = larger). -#}
{% macro percent_reduction(before, after) -%}
    100 * (cast({{ before }} as double precision) - {{ after }}) / nullif({{ before }}, 0)
{%- endmacro %}
