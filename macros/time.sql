{#-
    Time between two timestamps: the project's only two ways, one per concept. Every model uses
    these, never epoch() arithmetic or dbt.datediff directly.
-#}

{#- Seconds from one timestamp column to another, to the millisecond, as an exact decimal.
    Exact, because sums of floats depend on the order a parallel engine adds them in, and the
    marts must come out identical run after run. Pass plain column names: dbt.datediff does not
    parenthesise its arguments. -#}
{% macro seconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('seconds_between')(start_column, end_column)) }}
{%- endmacro %}

{% macro default__seconds_between(start_column, end_column) -%}
    cast({{ dbt.datediff(start_column, end_column, 'millisecond') }} / 1000 as decimal(18, 3))
{%- endmacro %}

{#- Spark: milliseconds since the epoch, subtracted and divided as decimals (dbt-spark's
    datediff divides by 1/1000 as a double, which can be one millisecond off). -#}
{% macro spark__seconds_between(start_column, end_column) -%}
    cast(
        cast(unix_millis({{ end_column }}) - unix_millis({{ start_column }}) as decimal(18, 0)) / 1000
        as decimal(18, 3)
    )
{%- endmacro %}

{#- Whole seconds from one timestamp to another, counted as second boundaries crossed
    (dbt.datediff's 'second'): for the elapsed times the job marts keep in whole seconds (a job's
    elapsed time, the time until auto-labeling began, a batch's length). -#}
{% macro whole_seconds_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('whole_seconds_between')(start_column, end_column)) }}
{%- endmacro %}

{% macro default__whole_seconds_between(start_column, end_column) -%}
    {{ dbt.datediff(start_column, end_column, 'second') }}
{%- endmacro %}

{% macro spark__whole_seconds_between(start_column, end_column) -%}
    (unix_seconds({{ end_column }}) - unix_seconds({{ start_column }}))
{%- endmacro %}
