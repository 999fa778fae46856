{#-
    Tests that cost what is new (issue 14). An incremental model records, after each build, its
    watermark (the latest extracted_at it holds) and the one before that build ("tested_from",
    record_incremental_fingerprint in macros/incremental.sql). In an incremental build its data
    tests look at the rows this build brought, those with extracted_at after tested_from (and
    rows without a marker, which are always looked at), instead of every row:

    - row tests (not_null, accepted_values, expression_is_true, every_row_satisfies,
      between_values, closed_not_before_accepted, flagged_for_review) check the new rows: a row
      whose marker did not move was computed from the same records as when it was tested (the
      markers are the latest extraction a row's values depend on);
    - unique and unique_combination compare the new rows' keys with the whole key column (a
      semi-join: one column scan, no full group-by), so a new key equal to an old one fails;
    - relationships check the new child rows against the whole parent.

    A full build (first run, --full-refresh, a changed model or upstream) tests every row, as do
    tests with a `where` config and tests on tables that are not incremental. What a scoped run
    no longer sees is a fault that a build put into rows it did not touch (BENCHMARKS.md, "Tests
    that cost what is new").
-#}

{#- The watermark up to which the model's rows passed every test, or none: test all. -#}
{% macro tests_new_rows_since(model) %}
    {%- if not execute or model.identifier is not defined or adapter.type() != 'duckdb' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- do return(table_state(model).get('tested_to')) -%}
{% endmacro %}

{#- on-run-end: an incremental model built in this run whose every data test ran and passed
    (or warned) is tested up to its watermark; a failed, errored or skipped test, or a
    `dbt run` without tests, leaves its rows to be tested again. -#}
{% macro record_tested_watermarks(results) %}
    {%- if execute and adapter.type() == 'duckdb' -%}
        {%- set status = {} -%}
        {%- for r in results -%}
            {%- do status.update({r.node.unique_id: r.status}) -%}
        {%- endfor -%}
        {%- for r in results if r.node.resource_type == 'model' and r.status == 'success'
                and r.node.config.materialized == 'incremental' -%}
            {%- set tests = graph.nodes.values() | selectattr('resource_type', 'equalto', 'test')
                | selectattr('attached_node', 'equalto', r.node.unique_id) | list -%}
            {%- set ns = namespace(ok=tests | length > 0) -%}
            {%- for t in tests if status.get(t.unique_id) not in ('pass', 'warn') -%}
                {%- set ns.ok = false -%}
            {%- endfor -%}
            {%- if ns.ok -%}
                {%- set relation = api.Relation.create(database=r.node.database, schema=r.node.schema, identifier=r.node.alias) -%}
                {%- set state = table_state(relation) -%}
                {%- if state.get('watermark') -%}
                    {%- do state.update({'tested_to': state['watermark']}) -%}
                    {%- do write_table_state(relation, state) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{#- The rows of `model` a test looks at: the new ones (see above), else every row. -#}
{% macro tested_rows(model) %}
    {%- set since = tests_new_rows_since(model) -%}
    {%- if since is none -%}
        {%- do return(model) -%}
    {%- endif -%}
    {%- do return(
        "(select * from " ~ model ~ " where extracted_at > timestamp '" ~ since
        ~ "' or extracted_at is null)"
    ) -%}
{% endmacro %}

{#- dbt's built-in generic tests, on the tested rows. -#}
{% macro default__test_not_null(model, column_name) %}
    select {{ column_name }}
    from {{ tested_rows(model) }}
    where {{ column_name }} is null
{% endmacro %}

{% macro default__test_accepted_values(model, column_name, values, quote=True) %}
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ tested_rows(model) }}
    where {{ column_name }} not in (
        {%- for value in values -%}
            {{ "'" ~ value ~ "'" if quote else value }}{{ ", " if not loop.last }}
        {%- endfor -%}
    )
    group by {{ column_name }}
{% endmacro %}

{% macro default__test_relationships(model, column_name, to, field) %}
    select child.{{ column_name }} as from_field
    from (select * from {{ tested_rows(model) }}) as child
    left join {{ to }} as parent on child.{{ column_name }} = parent.{{ field }}
    where child.{{ column_name }} is not null and parent.{{ field }} is null
{% endmacro %}

{#- New keys against the whole key column: a key that occurs twice anywhere, if it is new. -#}
{% macro default__test_unique(model, column_name) %}
    select
        {{ column_name }} as unique_field,
        count(*) as n_records
    from {{ model }}
    where {{ column_name }} is not null
    {%- if tests_new_rows_since(model) is not none %}
        and {{ column_name }} in (select {{ column_name }} from {{ tested_rows(model) }})
    {%- endif %}
    group by {{ column_name }}
    having count(*) > 1
{% endmacro %}
