-- D4: blank, "/" and absent cells are missing, never 0: every cell that is not a printed number has no value.
with cells as (
    select 'proactive' as table_name, source_file, row_key, col_key, value, semantic, raw_text from proactive_cells
    union all
    select 'applications', source_file, row_key, col_key, value, semantic, raw_text from application_cells
    union all
    select 'review_litigation', source_file, row_key, col_key, value, semantic, raw_text from review_litigation_cells
)
select
    source_file,
    table_name || ' ' || row_key || ' ' || col_key as scope,
    value as observed,
    cast(null as double) as expected,
    true as assessable,
    'cell is ' || semantic || coalesce(' (printed ' || raw_text || ')', '') as details
from cells
where semantic not in ('number', 'zero')
