{#- Generic test: every row satisfies a boolean SQL expression (NULL counts as a failure). -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ tested_rows(model) }}
    where not coalesce({{ expression }}, false)
{% endtest %}

{#- Generic test: the given columns together identify a row (the model's grain). -#}
{#- In an incremental build, the new rows' keys against the whole key columns (macros/tests/new_rows.sql). -#}
{% test unique_combination(model, columns) %}
    select
        {% for c in columns %}all_rows.{{ c }}, {% endfor %}
        count(*) as n_rows
    from (select * from {{ model }}) as all_rows
    {%- if tests_new_rows_since(model) is not none %}
        semi join (select distinct {{ columns | join(', ') }} from {{ tested_rows(model) }}) as new_keys
            on {% for c in columns %}all_rows.{{ c }} is not distinct from new_keys.{{ c }}{{ ' and ' if not loop.last }}{% endfor %}
    {%- endif %}
    group by {% for c in columns %}all_rows.{{ c }}{{ ', ' if not loop.last }}{% endfor %}
    having count(*) > 1
{% endtest %}

{#- Generic test: a non-NULL value lies within [min_value, max_value]. -#}
{% test between_values(model, column_name, min_value, max_value) %}
    select *
    from {{ tested_rows(model) }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- Generic test (use with severity warn): the rows a boolean flag marks for review, so the
    warning counts them. The rows stay in the model. -#}
{% test flagged_for_review(model, column_name) %}
    select *
    from {{ tested_rows(model) }}
    where {{ column_name }}
{% endtest %}
