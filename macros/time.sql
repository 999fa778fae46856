{#-
    Time between two timestamps: the project's only two ways, one per concept. Every model uses
    these, never epoch() arithmetic or dbt.datediff directly.
-#}

{#- Seconds from one timestamp column to another, to the millisecond, as an exact decimal.
    Exact, because sums of floats depend on the order a parallel engine adds them in, and the
    marts must come out identical run after run. Pass plain column names: dbt.datediff does not
    parenthesise its arguments. -#}
{% macro seconds_between(start_column, end_column) -%}
    cast({{ dbt.datediff(start_column, end_column, 'millisecond') }} / 1000 as decimal(18, 3))
{%- endmacro %}

{#- Whole seconds from one timestamp to another, counted as second boundaries crossed
    (dbt.datediff's 'second'): for the elapsed times the job marts keep in whole seconds (a job's
    elapsed time, the time until auto-labeling began, a batch's length). -#}
{% macro whole_seconds_between(start_column, end_column) -%}
    {{ dbt.datediff(start_column, end_column, 'second') }}
{%- endmacro %}
