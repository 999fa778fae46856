{#- Ratios used by the labeling-job marts; portable SQL. -#}

{#- numerator / denominator as a double, NULL when the denominator is 0 or NULL. -#}
{% macro ratio_or_null(numerator, denominator) -%}
    cast({{ numerator }} as double precision) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- How much smaller `after` is than `before`, in percent of `before` (negative = larger). -#}
{% macro percent_reduction(before, after) -%}
    100 * (cast({{ before }} as double precision) - {{ after }}) / nullif({{ before }}, 0)
{%- endmacro %}
