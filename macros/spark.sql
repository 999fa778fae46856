{#- The Spark target (profiles.yml `spark`, docs/scale-out.md).

    register_lake() runs at the start of every run (on-run-start): on Spark it registers each
    source's lake folder (the Parquet files extract/lake.py writes) as an external table of the
    source's schema, `<source>.<table>`, which is what source() renders to there. Nothing is
    copied: the table is the folder. Its columns are the lake's declared ones (lake_columns()
    below), so Spark never infers a schema from a sample of files and an empty folder (only
    `_schema.parquet`, which Spark skips like every file whose name starts with "_") registers
    too. The table is dropped and created afresh each run (dropping an external table leaves
    its files), so the part files a run added are seen.
    On DuckDB it renders nothing: sources read the Parquet directly (dbt_project.yml). -#}
{% macro register_lake() -%}
    {{ return(adapter.dispatch('register_lake')()) }}
{%- endmacro %}

{% macro default__register_lake() -%}{%- endmacro %}

{% macro spark__register_lake() -%}
    {%- if execute -%}
        {%- set lake = env_var('GTWH_LAKE_DIR', 'data/lake') -%}
        {#- Spark resolves a relative LOCATION against its warehouse folder, not the working
            folder, so a by-hand `dbt build --target spark` with the default data/lake would
            register empty tables: a relative lake is taken from the project folder. -#}
        {%- if not (lake.startswith('/') or ':' in lake) -%}
            {%- set lake = invocation_args_dict.get('project_dir') ~ '/' ~ lake -%}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ node.schema) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- set folder = lake ~ '/' ~ node.name -%}
            {%- set declared = lake_columns().get(node.name) -%}
            {%- if declared is none -%}
                {%- do exceptions.raise_compiler_error('source ' ~ node.name ~ ' is not in lake_columns() (macros/spark.sql)') -%}
            {%- endif -%}
            {%- set columns = [] -%}
            {%- for name, type in declared.items() -%}
                {%- do columns.append('`' ~ name ~ '` ' ~ spark_lake_type(type)) -%}
            {%- endfor -%}
            {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
            {%- do run_query(
                'create table ' ~ node.schema ~ '.' ~ node.identifier ~ ' (' ~ columns | join(', ')
                ~ ") using parquet location '" ~ folder ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The lake's columns per resource, as extract/resources.py declares them (Resource.all_columns;
    tests/test_resources_declared.py checks the two are the same). -#}
{% macro lake_columns() -%}
    {{ return({
        'worker_activity': {
            'eventId': 'VARCHAR',
            'logStreamName': 'VARCHAR',
            'timestamp': 'BIGINT',
            'ingestionTime': 'BIGINT',
            'message': 'VARCHAR',
            'event_extra': 'VARCHAR',
            'export_line_prefix': 'VARCHAR',
            'source_format': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'users': {
            'user_pool_id': 'VARCHAR',
            'user': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'group_members': {
            'user_pool_id': 'VARCHAR',
            'group_name': 'VARCHAR',
            'user': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'workteams': {
            'workteam_name': 'VARCHAR',
            'response': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'labeling_jobs': {
            'labeling_job_name': 'VARCHAR',
            'response': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'metric_data': {
            'query_id': 'VARCHAR',
            'query': 'VARCHAR',
            'label': 'VARCHAR',
            'status_code': 'VARCHAR',
            'point_timestamp': 'VARCHAR',
            'point_value': 'DOUBLE',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'output_manifests': {
            'bucket': 'VARCHAR',
            'key': 'VARCHAR',
            'line': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'consolidation_responses': {
            'bucket': 'VARCHAR',
            'key': 'VARCHAR',
            'element': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'auto_annotations': {
            'bucket': 'VARCHAR',
            'key': 'VARCHAR',
            'line': 'VARCHAR',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        },
        'rejected_files': {
            'resource': 'VARCHAR',
            'reason': 'VARCHAR',
            'detail': 'VARCHAR',
            'size_bytes': 'BIGINT',
            '_gtwh_run_id': 'VARCHAR',
            '_gtwh_extracted_at': 'TIMESTAMP',
            '_gtwh_source': 'VARCHAR',
            '_gtwh_record_index': 'BIGINT'
        }
    }) }}
{%- endmacro %}

{#- A lake column's DuckDB type as Spark reads it from the Parquet files: DuckDB writes TIMESTAMP
    without a zone (isAdjustedToUTC=false), which is Spark's timestamp_ntz, and TIMESTAMP WITH
    TIME ZONE as an instant, Spark's timestamp; lists and structs (one level, as the lake has)
    element by element. -#}
{% macro spark_lake_type(duckdb_type) -%}
    {%- set simple = {'VARCHAR': 'string', 'BIGINT': 'bigint', 'INTEGER': 'int', 'DOUBLE': 'double',
                      'BOOLEAN': 'boolean', 'TIMESTAMP': 'timestamp_ntz',
                      'TIMESTAMP WITH TIME ZONE': 'timestamp', 'DATE': 'date'} -%}
    {%- if duckdb_type in simple -%}
        {{- return(simple[duckdb_type]) -}}
    {%- elif duckdb_type.endswith('[]') -%}
        {{- return('array<' ~ spark_lake_type(duckdb_type[:-2]) ~ '>') -}}
    {%- elif duckdb_type.startswith('STRUCT(') and duckdb_type.endswith(')') -%}
        {%- set fields = [] -%}
        {%- for field in duckdb_type[7:-1].split(', ') -%}
            {%- set name, type = field.split(' ', 1) -%}
            {%- do fields.append('`' ~ name ~ '`: ' ~ spark_lake_type(type)) -%}
        {%- endfor -%}
        {{- return('struct<' ~ fields | join(', ') ~ '>') -}}
    {%- endif -%}
    {%- do exceptions.raise_compiler_error('no Spark type for the lake type ' ~ duckdb_type ~ ' (macros/spark.sql)') -%}
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's own seed insert puts each value into the SQL as '<value>', so an
    empty cell arrives as the text 'None' (price_book's open workteam_name would name a team
    "None") and a quote ends the literal (price_book's "team's"). Here an empty cell is NULL and
    every other value is written as its UTF-8 bytes in hex, which no quote, backslash or
    spark.sql.parser.escapedStringLiterals setting can change; it is then cast to the column's
    type as before. DuckDB loads seeds with its own macro (dbt-duckdb). -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ types[loop.index0] }})
                    {%- else -%}
                        cast(cast(unhex('{{ (value | string).encode('utf-8').hex() }}') as string) as {{ types[loop.index0] }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{- return(statements[0] if statements else '') -}}
{%- endmacro %}
