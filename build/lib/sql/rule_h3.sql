-- H3, per applicant column: 三(七) 总计 = the sum of the result leaves (each request counted once).
with cells as (
    select c.source_file, c.row_key, c.col_key, c.value, d.is_leaf
    from application_cells as c
    join dim_application_rows as d using (row_key)
),
per_column as (
    select
        source_file,
        col_key,
        max(value) filter (where row_key = '3.7') as printed_total,
        sum(value) filter (where is_leaf) as leaf_sum,
        count(*) filter (where (is_leaf or row_key = '3.7') and value is null) as missing
    from cells
    group by source_file, col_key
)
select
    source_file,
    'column ' || col_key as scope,
    printed_total as observed,
    leaf_sum as expected,
    missing = 0 as assessable,
    case
        when missing > 0 then 'not assessable: ' || missing || ' blank or absent result cell(s)'
        else '三(七) ' || printed_total || ' vs sum of result rows ' || leaf_sum
    end as details
from per_column
