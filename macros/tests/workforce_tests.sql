{#- Generic test: every row satisfies a boolean SQL expression (NULL counts as a failure). -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}

{#- Generic test: the given columns together identify a row (the model's grain). -#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Generic test: a non-NULL value lies within [min_value, max_value]. -#}
{% test between_values(model, column_name, min_value, max_value) %}
    select *
    from {{ model }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- Generic test (use with severity warn): the rows a boolean flag marks for review, so the
    warning counts them. The rows stay in the model. -#}
{% test flagged_for_review(model, column_name) %}
    select *
    from {{ model }}
    where {{ column_name }}
{% endtest %}
