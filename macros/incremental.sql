{#-
    Incremental models that stay equal to a rebuild from scratch.

    Each incremental model recomputes only what new data can change and replaces those rows
    (see the model's header). Two rules keep that exact:

    1. Change markers. Every row of an incremental model carries `extracted_at`: the latest
       extraction among the records its values depend on. A model reads its own watermark,
       max(extracted_at), and treats upstream rows with a later `extracted_at` as changed.

    2. Fingerprint. An incremental model is rebuilt in full (not incrementally) whenever
       anything it is computed from may have changed since it was built: its SQL or an upstream
       model's or seed's, the project's macros (through GTWH_PROJECT_FINGERPRINT, which `gtwh`
       sets to a hash of the whole dbt project), or a var. The fingerprint is kept in the
       table's comment, written by a post-hook after each build.

    3. Input digests, for inputs without change markers (the S3 labeling output, whose staging
       models carry no extraction time): a model partitioned by job keeps, in its comment too,
       a digest per job of those inputs, and recomputes the jobs whose digest changed.
-#}

{#- dbt's own rule (the model's full_refresh config, else --full-refresh), plus rule 2 above
    for incremental models. Overrides dbt's global macro of the same name. -#}
{% macro should_full_refresh() %}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}
        {%- set configured = flags.FULL_REFRESH -%}
    {%- endif -%}
    {%- if not configured and execute and config.get('materialized') == 'incremental' -%}
        {%- do return(stored_fingerprint() != incremental_fingerprint()) -%}
    {%- endif -%}
    {%- do return(configured) -%}
{% endmacro %}

{#- What this model's rows are computed from: the checksums of the model and of every model and
    seed upstream of it, the project fingerprint from the environment, and the vars. -#}
{% macro incremental_fingerprint() %}
    {%- if not execute -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set ns = namespace(todo=[model.unique_id], seen=[], parts=[]) -%}
    {%- for _ in range(100) if ns.todo -%}
        {%- set next = [] -%}
        {%- for uid in ns.todo if uid not in ns.seen -%}
            {%- do ns.seen.append(uid) -%}
            {%- set node = graph.nodes.get(uid) -%}
            {%- if node is not none -%}
                {%- do ns.parts.append(uid ~ '=' ~ node.checksum.checksum) -%}
                {%- do next.extend(node.depends_on.nodes) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set ns.todo = next -%}
    {%- endfor -%}
    {#- the project's vars (add any new var that changes what a model computes) -#}
    {%- do ns.parts.append('idle_threshold_seconds=' ~ var('idle_threshold_seconds')) -%}
    {%- do ns.parts.append('fast_task_ratio=' ~ var('fast_task_ratio')) -%}
    {%- do ns.parts.append('project=' ~ env_var('GTWH_PROJECT_FINGERPRINT', '')) -%}
    {%- do return(local_md5(ns.parts | sort | join('\n'))) -%}
{% endmacro %}

{#- What the last build recorded in the table's comment: {"fingerprint": ..., "digests": ...}. -#}
{% macro stored_state() %}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.identifier) -%}
    {%- if relation is none -%}
        {%- do return({}) -%}
    {%- endif -%}
    {%- do return(table_state(this)) -%}
{% endmacro %}

{#- The JSON state in a table's comment ({} if none). -#}
{% macro table_state(relation) %}
    {%- set found = run_query(
        "select comment from duckdb_tables() where database_name = '" ~ relation.database
        ~ "' and schema_name = '" ~ relation.schema ~ "' and table_name = '" ~ relation.identifier ~ "'"
    ) -%}
    {%- set comment = found.rows[0][0] if found.rows else none -%}
    {%- if not comment or not comment.startswith('{') -%}
        {%- do return({}) -%}
    {%- endif -%}
    {%- do return(fromjson(comment)) -%}
{% endmacro %}

{% macro write_table_state(relation, state) %}
    {%- do run_query("comment on table " ~ relation ~ " is '" ~ (tojson(state) | replace("'", "''")) ~ "'") -%}
{% endmacro %}

{% macro stored_fingerprint() %}
    {%- do return(stored_state().get('fingerprint')) -%}
{% endmacro %}

{#- Digest per job of inputs without change markers: `query` yields (labeling_job_name, digest). -#}
{% macro job_input_digests(query) %}
    {%- set out = {} -%}
    {%- if execute and query -%}
        {%- for row in run_query(query).rows -%}
            {%- do out.update({row[0]: row[1] | string}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(out) -%}
{% endmacro %}

{#- The jobs whose digest differs from the one recorded at the last build, as a SQL list. -#}
{% macro jobs_with_changed_inputs(query) %}
    {%- set before = stored_state().get('digests', {}) -%}
    {%- set changed = [] -%}
    {%- for job, digest in job_input_digests(query).items() if before.get(job) != digest -%}
        {%- do changed.append("'" ~ (job | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do return('(' ~ (changed | join(', ') if changed else 'null') ~ ')') -%}
{% endmacro %}

{#- Post-hook of every incremental model: its fingerprint and, for models partitioned by job,
    the digests of the inputs it was built from. -#}
{% macro record_incremental_fingerprint(digest_query=none) %}
    {%- set state = {'fingerprint': incremental_fingerprint(),
                     'digests': job_input_digests(digest_query)} -%}
    {#- The watermark after this build, and the one its rows were last tested to (kept by an
        incremental build, dropped by a full one; moved by record_tested_watermarks when the
        model's tests pass: macros/tests/new_rows.sql). -#}
    {%- if execute -%}
        {%- set now = run_query('select max(extracted_at)::varchar from ' ~ this).rows[0][0] -%}
        {%- do state.update({'watermark': now,
                             'tested_to': stored_state().get('tested_to') if is_incremental() else none}) -%}
    {%- endif -%}
    comment on table {{ this }} is '{{ tojson(state) | replace("'", "''") }}'
{% endmacro %}

{#- The watermark: the latest extraction this model has already taken into account. -#}
{% macro incremental_watermark() -%}
    (select coalesce(max(extracted_at), timestamp '1900-01-01') from {{ this }})
{%- endmacro %}

{#- The rows of a lake table (source 'groundtruth') this model has not taken in yet: all of them
    in a full build, those of later extractions in an incremental one. -#}
{% macro new_lake_rows(table) -%}
    select * from {{ source('groundtruth', table) }}
    {% if is_incremental() %}
        where _gtwh_extracted_at > {{ incremental_watermark() }}
    {% endif %}
{%- endmacro %}

{#- The jobs of `relation` (a CTE or model with labeling_job_name and extracted_at) that have
    rows changed since this model's last build, as a subquery for `labeling_job_name in ...`. -#}
{% macro changed_jobs(relation) -%}
    (select labeling_job_name from {{ relation }} where extracted_at > {{ incremental_watermark() }})
{%- endmacro %}

{#- The rows of `relation` (a CTE with labeling_job_name and extracted_at) a model partitioned
    by job recomputes: all of them in a full build, the changed jobs' rows in an incremental one.
    Use as a CTE's body, the CTE reading every row as `relation`. -#}
{% macro rows_of_changed_jobs(relation) -%}
    select * from {{ relation }}
    {% if is_incremental() %}
        where labeling_job_name in {{ changed_jobs(relation) }}
    {% endif %}
{%- endmacro %}

{#-
    Custom incremental strategy "replace_from": for each value of `partition_key` in the new
    rows, delete the target's rows of that partition from the smallest `replace_from` value in
    the new rows onward, then insert the new rows. For tables where new data can also remove
    rows at the end of a partition (sessions that merge).
-#}
{% macro get_incremental_replace_from_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set key = config.require('partition_key') -%}
    {%- set from_column = config.require('replace_from') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} as existing
    using (
        select {{ key }}, min({{ from_column }}) as replace_from
        from {{ source }}
        group by {{ key }}
    ) as changed
    where existing.{{ key }} = changed.{{ key }}
      and existing.{{ from_column }} >= changed.replace_from;

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{% endmacro %}

{#- Input digests of the job-cost models (rule 3): what int_job_task_cost_events reads besides
    int_task_working_time (which has change markers): the job's description exists and its
    iterations' ends; and what fct_labeling_job_cost_lines reads besides the task lines: the
    per-object cost events of the job. -#}
{% macro task_cost_input_digests() -%}
    select
        jobs.labeling_job_name,
        coalesce(sum(hash(iterations.iteration, iterations.ended_at))::varchar, 'none') as digest
    from {{ ref('stg_sagemaker__labeling_jobs') }} as jobs
    left join {{ ref('int_job_iterations') }} as iterations
        on jobs.labeling_job_name = iterations.labeling_job_name
    group by jobs.labeling_job_name
{%- endmacro %}

{% macro object_cost_input_digests() -%}
    select
        labeling_job_name,
        sum(hash(
            cost_line_id, iteration, workteam_name, cost_component, cost_side, source_kind,
            source_id, priced_at, quantity, quantity_unit, job_unit_price_usd
        ))::varchar as digest
    from {{ ref('int_job_object_cost_events') }}
    group by labeling_job_name
{%- endmacro %}

{#- The config of every incremental model, in one place: the strategy and its keys, schema
    changes fail (a changed column list is a full refresh, rule 2), and the post-hook records
    the fingerprint (and the input digests of ``digests``, a macro name, rule 3). Call it at the
    top of the model instead of config(). -#}
{% macro incremental_model(strategy='delete+insert', unique_key=none, digests=none) -%}
    {{ return(adapter.dispatch('incremental_model')(strategy, unique_key, digests, **kwargs)) }}
{%- endmacro %}

{% macro default__incremental_model(strategy, unique_key, digests) -%}
    {%- set hook = '{{ record_incremental_fingerprint(' ~ (digests ~ '()' if digests else '') ~ ') }}' -%}
    {{ config(
        materialized='incremental',
        incremental_strategy=strategy,
        unique_key=unique_key,
        on_schema_change='fail',
        post_hook=hook,
        **kwargs
    ) }}
{%- endmacro %}

{#- Spark (plain Parquet tables: no Delta or Iceberg, so no delete, update or merge): these
    models are rebuilt whole on every run, as tables, from the same SQL with is_incremental()
    false; the fingerprint and digests (table comments) are not kept. docs/scale-out.md. -#}
{% macro spark__incremental_model(strategy, unique_key, digests) -%}
    {#- the strategy's own keys (partition_key, replace_from) do not apply here -#}
    {%- do kwargs.clear() -%}
    {{ config(materialized='table', file_format='parquet') }}
{%- endmacro %}
