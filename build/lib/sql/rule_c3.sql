-- C3 completeness: every template cell of sections 二, 三 and 四 is filled ("/" counts as filled).
with cells as (
    select 'proactive' as table_name, source_file, row_key, col_key, value, semantic from proactive_cells
    union all
    select 'applications', source_file, row_key, col_key, value, semantic from application_cells
    union all
    select 'review_litigation', source_file, row_key, col_key, value, semantic from review_litigation_cells
)
select
    source_file,
    table_name || ' ' || row_key || ' ' || col_key as scope,
    value as observed,
    cast(null as double) as expected,
    semantic,
    true as assessable,
    'cell is ' || semantic as details
from cells
