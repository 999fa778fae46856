{#-
    SQL that differs between DuckDB (the default engine) and Spark (the scale-out target,
    docs/scale-out.md), one dispatched macro per construct. Each default__ version renders
    exactly the SQL the models had before they were made portable (the DuckDB build is
    unchanged); each spark__ version renders its Spark equivalent.
-#}

{#- A CTE DuckDB must inline into each use (`as not materialized (...)`): on DuckDB each use
    then reads only the columns it needs. Spark always inlines CTEs: nothing. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized')()) }}
{%- endmacro %}
{% macro default__not_materialized() -%}not materialized{%- endmacro %}
{% macro spark__not_materialized() -%}{%- endmacro %}

{#- `select * exclude (a, b)`: Spark spells it `* except (a, b)`. -#}
{% macro star_exclude() -%}
    {{ return(adapter.dispatch('star_exclude')()) }}
{%- endmacro %}
{% macro default__star_exclude() -%}exclude{%- endmacro %}
{% macro spark__star_exclude() -%}except{%- endmacro %}

{#- The elements of a list for which a lambda holds. -#}
{% macro list_where(list, lambda) -%}
    {{ return(adapter.dispatch('list_where')(list, lambda)) }}
{%- endmacro %}
{% macro default__list_where(list, lambda) -%}list_filter({{ list }}, {{ lambda }}){%- endmacro %}
{% macro spark__list_where(list, lambda) -%}filter({{ list }}, {{ lambda }}){%- endmacro %}

{#- The strings at a JSON path with one `[*]` ('$.A[*].B'), as a list (NULL if there is no
    array at the path before `[*]`). -#}
{% macro json_text_list(expr, path) -%}
    {{ return(adapter.dispatch('json_text_list')(expr, path)) }}
{%- endmacro %}
{% macro default__json_text_list(expr, path) -%}
    json_extract_string({{ expr }}, '{{ path }}')
{%- endmacro %}
{% macro spark__json_text_list(expr, path) -%}
    {%- set head, tail = path.split('[*]', 1) -%}
    transform(
        from_json(get_json_object({{ expr }}, '{{ head }}'), 'array<string>'),
        e -> {{ 'get_json_object(e, \'$' ~ tail ~ '\')' if tail else 'e' }}
    )
{%- endmacro %}

{#- Each element of a list through a lambda. -#}
{% macro list_map(list, lambda) -%}
    {{ return(adapter.dispatch('list_map')(list, lambda)) }}
{%- endmacro %}
{% macro default__list_map(list, lambda) -%}list_transform({{ list }}, {{ lambda }}){%- endmacro %}
{% macro spark__list_map(list, lambda) -%}transform({{ list }}, {{ lambda }}){%- endmacro %}

{#- A list sorted ascending (no NULL elements in this project's uses). -#}
{% macro list_sorted(list) -%}
    {{ return(adapter.dispatch('list_sorted')(list)) }}
{%- endmacro %}
{% macro default__list_sorted(list) -%}list_sort({{ list }}){%- endmacro %}
{% macro spark__list_sorted(list) -%}array_sort({{ list }}){%- endmacro %}

{#- A list of strings joined by a separator. -#}
{% macro list_join(list, separator) -%}
    {{ return(adapter.dispatch('list_join')(list, separator)) }}
{%- endmacro %}
{% macro default__list_join(list, separator) -%}array_to_string({{ list }}, {{ separator }}){%- endmacro %}
{% macro spark__list_join(list, separator) -%}array_join({{ list }}, {{ separator }}){%- endmacro %}

{#- A list literal of expressions. -#}
{% macro list_of(items) -%}
    {{ return(adapter.dispatch('list_of')(items)) }}
{%- endmacro %}
{% macro default__list_of(items) -%}[{{ items | join(', ') }}]{%- endmacro %}
{% macro spark__list_of(items) -%}array({{ items | join(', ') }}){%- endmacro %}

{#- The first element of a list for which a lambda holds (NULL when none). -#}
{% macro first_where(list, lambda) -%}
    {{ return(adapter.dispatch('first_where')(list, lambda)) }}
{%- endmacro %}
{% macro default__first_where(list, lambda) -%}list_filter({{ list }}, {{ lambda }})[1]{%- endmacro %}
{% macro spark__first_where(list, lambda) -%}try_element_at(filter({{ list }}, {{ lambda }}), 1){%- endmacro %}

{#- AWS's list of {"Name": ..., "Value": ...} objects at a JSON path (Cognito user attributes,
    CloudWatch dimensions), as a list of structs with fields Name and Value. AWS's keys are
    capitalised: Spark's from_json matches field names by case, so the struct's are too (a
    lambda may still read them as d.name: Spark resolves struct fields ignoring case).
    `lenient`: NULL instead of an error when the text is not JSON (Spark's from_json always is). -#}
{% macro aws_name_values(expr, path, lenient=false) -%}
    {{ return(adapter.dispatch('aws_name_values')(expr, path, lenient)) }}
{%- endmacro %}
{% macro default__aws_name_values(expr, path, lenient) -%}
    {%- set parsed = 'from_json(' ~ expr ~ " -> '" ~ path ~ "', '[{\"Name\": \"VARCHAR\", \"Value\": \"VARCHAR\"}]')" -%}
    {{ 'try(' ~ parsed ~ ')' if lenient else parsed }}
{%- endmacro %}
{% macro spark__aws_name_values(expr, path, lenient) -%}
    from_json(get_json_object({{ expr }}, '{{ path }}'), 'array<struct<Name: string, Value: string>>')
{%- endmacro %}

{#- True when a lambda holds for every element of a list (NULL for a NULL list). -#}
{% macro list_all(list, lambda) -%}
    {{ return(adapter.dispatch('list_all')(list, lambda)) }}
{%- endmacro %}
{% macro default__list_all(list, lambda) -%}list_bool_and(list_transform({{ list }}, {{ lambda }})){%- endmacro %}
{% macro spark__list_all(list, lambda) -%}forall({{ list }}, {{ lambda }}){%- endmacro %}

{#- The number of elements of a list (NULL for a NULL list). -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length')(list)) }}
{%- endmacro %}
{% macro default__list_length(list) -%}len({{ list }}){%- endmacro %}
{% macro spark__list_length(list) -%}size({{ list }}){%- endmacro %}

{#- The first element of a list (NULL when it is empty). -#}
{% macro list_first(list) -%}
    {{ return(adapter.dispatch('list_first')(list)) }}
{%- endmacro %}
{% macro default__list_first(list) -%}{{ list }}[1]{%- endmacro %}
{% macro spark__list_first(list) -%}try_element_at({{ list }}, 1){%- endmacro %}

{#- One row per element of a list, with its 1-based position: two select-list items
    `<alias>` and `<position_alias>` (a NULL or empty list gives no row). -#}
{% macro unnest_numbered(list, alias, position_alias) -%}
    {{ return(adapter.dispatch('unnest_numbered')(list, alias, position_alias)) }}
{%- endmacro %}
{% macro default__unnest_numbered(list, alias, position_alias) -%}
    unnest({{ list }}) as {{ alias }},
        unnest(generate_series(1, len({{ list }}))) as {{ position_alias }}
{%- endmacro %}
{% macro spark__unnest_numbered(list, alias, position_alias) -%}
    inline(transform({{ list }}, (x, i) -> named_struct('{{ alias }}', x, '{{ position_alias }}', i + 1)))
{%- endmacro %}

{#- One row per expression, each cast to `type` (a select-list item named `alias`). -#}
{% macro unnest_cast(items, type, alias) -%}
    {{ return(adapter.dispatch('unnest_cast')(items, type, alias)) }}
{%- endmacro %}
{% macro default__unnest_cast(items, type, alias) -%}
    cast(unnest([{{ items | join(', ') }}]) as {{ type }}) as {{ alias }}
{%- endmacro %}
{% macro spark__unnest_cast(items, type, alias) -%}
    explode(array({% for i in items %}cast({{ i }} as {{ type }}){{ ', ' if not loop.last }}{% endfor %})) as {{ alias }}
{%- endmacro %}


{#- A text parsed as a timestamp with the first of several strptime formats that fits; NULL
    when none does. Spark: the same formats as Java patterns (the %-codes this project uses; a
    literal T quoted with chr(39), as string literals are read without escapes there). -#}
{% macro try_parse_time(expr, formats) -%}
    {{ return(adapter.dispatch('try_parse_time')(expr, formats)) }}
{%- endmacro %}
{% macro default__try_parse_time(expr, formats) -%}
    try_strptime({{ expr }}, [{% for f in formats %}'{{ f }}'{{ ', ' if not loop.last }}{% endfor %}])
{%- endmacro %}
{% macro spark__try_parse_time(expr, formats) -%}
    {%- set codes = {'%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss',
                     '%f': 'SSSSSS', 'T': "', chr(39), 'T', chr(39), '"} -%}
    coalesce(
        {%- for f in formats %}
        {%- set ns = namespace(java=f) -%}
        {%- for code, java in codes.items() -%}
            {%- set ns.java = ns.java.replace(code, java) -%}
        {%- endfor %}
        try_to_timestamp({{ expr }}, concat('{{ ns.java }}')){{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{#- The number of distinct non-NULL values of an expression over a window partition. Spark has
    no DISTINCT in window functions: the size of the set of values. -#}
{% macro count_distinct_over(expr, partition_by) -%}
    {{ return(adapter.dispatch('count_distinct_over')(expr, partition_by)) }}
{%- endmacro %}
{% macro default__count_distinct_over(expr, partition_by) -%}
    count(distinct {{ expr }}) over (partition by {{ partition_by }})
{%- endmacro %}
{% macro spark__count_distinct_over(expr, partition_by) -%}
    size(collect_set({{ expr }}) over (partition by {{ partition_by }}))
{%- endmacro %}

{#- After an ascending ORDER BY key that may be NULL: DuckDB sorts NULLs last, Spark first
    unless told. Nothing on DuckDB (its SQL stays as it was), ` nulls last` on Spark. -#}
{% macro nulls_last() -%}
    {{ return(adapter.dispatch('nulls_last')()) }}
{%- endmacro %}
{% macro default__nulls_last() -%}{%- endmacro %}
{% macro spark__nulls_last() -%}{{ ' nulls last' }}{%- endmacro %}

{#- `union all by name`: Spark has only UNION ALL by position, so on Spark the branches must
    list their columns in the same order (the caller sees to it). -#}
{% macro union_all_by_name() -%}
    {{ return(adapter.dispatch('union_all_by_name')()) }}
{%- endmacro %}
{% macro default__union_all_by_name() -%}union all by name{%- endmacro %}
{% macro spark__union_all_by_name() -%}union all{%- endmacro %}

{#- A 64-bit hash of one or more values (equal values, equal hashes; used to group, never kept). -#}
{% macro hash64(exprs) -%}
    {{ return(adapter.dispatch('hash64')(exprs)) }}
{%- endmacro %}
{% macro default__hash64(exprs) -%}hash({{ exprs | join(', ') }}){%- endmacro %}
{% macro spark__hash64(exprs) -%}xxhash64({{ exprs | join(', ') }}){%- endmacro %}

{#- The text type in a cast. -#}
{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text')()) }}
{%- endmacro %}
{% macro default__type_text() -%}varchar{%- endmacro %}
{% macro spark__type_text() -%}string{%- endmacro %}

{#- The values of a group joined by a separator, in a given order. DuckDB: dbt's listagg (as the
    models had it); Spark: LISTAGG ... WITHIN GROUP, as dbt-spark's listagg drops the order. -#}
{% macro ordered_listagg(expr, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg')(expr, separator, order_by)) }}
{%- endmacro %}
{% macro default__ordered_listagg(expr, separator, order_by) -%}
    {{ dbt.listagg(expr, separator, 'order by ' ~ order_by) }}
{%- endmacro %}
{% macro spark__ordered_listagg(expr, separator, order_by) -%}
    listagg({{ expr }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- `string_agg(expr, separator order by ...)`, DuckDB's spelling of an ordered string_agg. -#}
{% macro ordered_string_agg(expr, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expr, separator, order_by)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, separator, order_by) -%}
    listagg({{ expr }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- OVER a named window (`window <name> as (<definition>)` in the query), with a frame of its
    own. Spark cannot extend a named window: the definition is written out there. -#}
{% macro over_window(name, definition, frame) -%}
    {{ return(adapter.dispatch('over_window')(name, definition, frame)) }}
{%- endmacro %}
{% macro default__over_window(name, definition, frame) -%}over ({{ name }} {{ frame }}){%- endmacro %}
{% macro spark__over_window(name, definition, frame) -%}over ({{ definition }} {{ frame }}){%- endmacro %}

{#- The value of `expr` on the row where the keys (compared in order) are largest. -#}
{% macro arg_max_by(expr, keys) -%}
    {{ return(adapter.dispatch('arg_max_by')(expr, keys)) }}
{%- endmacro %}
{% macro default__arg_max_by(expr, keys) -%}arg_max({{ expr }}, row({{ keys | join(', ') }})){%- endmacro %}
{% macro spark__arg_max_by(expr, keys) -%}max_by({{ expr }}, struct({{ keys | join(', ') }})){%- endmacro %}

{#- ORDER BY keys, each followed by nulls_last(). -#}
{% macro keys_nulls_last(keys) -%}
    {%- for k in keys -%}{{ k }}{{ nulls_last() }}{{ ',\n                ' if not loop.last }}{%- endfor -%}
{%- endmacro %}
