{#- Generic tests for the labeling-job marts. -#}

{#- Every row satisfies a boolean SQL expression (NULL counts as false). -#}
{% test every_row_satisfies(model, expression) %}
    select *
    from {{ tested_rows(model) }}
    where not coalesce(({{ expression }}), false)
{% endtest %}

{#- No two prices of one component and scope (team or every team) are in effect on the same day. -#}
{% test price_ranges_do_not_overlap(model) %}
    select a.price_id, b.price_id as overlapping_price_id
    from {{ model }} as a
    inner join {{ model }} as b
        on
            a.cost_component = b.cost_component
            and coalesce(a.workteam_name, '') = coalesce(b.workteam_name, '')
            and a.price_id < b.price_id
            and a.effective_from < coalesce(b.effective_to, date '9999-12-31')
            and b.effective_from < coalesce(a.effective_to, date '9999-12-31')
{% endtest %}

{#- Per key, sum(column) in the model equals sum(to_column) in another model (within 1e-6;
    a key missing on one side counts as 0 there). -#}
{% test sums_match(model, column_name, to, to_column, key) %}
    with here as (
        select {{ key }} as k, sum({{ column_name }}) as total
        from {{ model }}
        group by {{ key }}
    ),

    there as (
        select {{ key }} as k, sum({{ to_column }}) as total
        from {{ to }}
        group by {{ key }}
    )

    select coalesce(here.k, there.k) as k, here.total as model_total, there.total as other_total
    from here
    full outer join there on here.k = there.k
    where abs(coalesce(here.total, 0) - coalesce(there.total, 0)) > 0.000001
{% endtest %}
