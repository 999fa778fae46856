{#- Publish the build file onto the warehouse readers open (GTWH_WAREHOUSE) at the end of a
    `dbt run`, `dbt build`, `dbt seed` or `dbt snapshot` typed by hand, when nothing failed.
    gtwh_publish() comes from extract/dbt_publish.py; see extract/publish.py. -#}
{% macro publish_warehouse(results) %}
    {%- if execute and target.type == 'duckdb' and flags.WHICH in ('run', 'build', 'seed', 'snapshot')
        and env_var('GTWH_PUBLISH_ON_RUN_END', '1') == '1' and target.path != ':memory:' -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
        {%- set published = env_var('GTWH_WAREHOUSE', 'data/warehouse.duckdb') -%}
        {%- if failed -%}
            {{ log('not published: ' ~ failed | length ~ ' node(s) failed; ' ~ published
                ~ ' is unchanged (fix and run again, or `gtwh publish` to publish this build anyway)', info=true) }}
        {%- else -%}
            {%- do run_query('checkpoint') -%}
            {%- set outcome = run_query("select gtwh_publish('" ~ target.path ~ "', '" ~ published ~ "')") -%}
            {{ log(outcome.columns[0].values()[0], info=true) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
