{#- Generic test: no row closes before it was accepted. -#}
{% test closed_not_before_accepted(model, accepted='task_accepted_at', closed='closed_at') %}
    select *
    from {{ tested_rows(model) }}
    where {{ closed }} < {{ accepted }}
{% endtest %}
