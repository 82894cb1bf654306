-- D1: every count (section 三, section 四, and the count cells of section 二) is an integer >= 0.
with reports as (
    select source_file, template from reports
),
counts as (
    select 'applications' as table_name, source_file, row_key, col_key, value, raw_text
    from application_cells
    union all
    select 'review_litigation', source_file, row_key, col_key, value, raw_text
    from review_litigation_cells
    union all
    select 'proactive', p.source_file, p.row_key, p.col_key, p.value, p.raw_text
    from proactive_cells as p
    join reports as r using (source_file)
    join dim_proactive_items as d
        on d.template = r.template and d.row_key = p.row_key and d.col_key = p.col_key
    where d.kind = 'count'
)
select
    source_file,
    table_name || ' ' || row_key || ' ' || col_key as scope,
    value as observed,
    greatest(round(value), 0) as expected,
    value - floor(value) as fraction,
    value is not null as assessable,
    case
        when value is null then 'not assessable: blank or absent'
        else 'printed ' || coalesce(raw_text, '')
    end as details
from counts
