-- H2, per row of section 三: 总计 = 自然人 + the five organisation columns.
with cells as (
    select c.source_file, c.row_key, c.col_key, c.value
    from application_cells as c
),
per_row as (
    select
        source_file,
        row_key,
        max(value) filter (where col_key = 'total') as printed_total,
        sum(value) filter (where col_key <> 'total') as applicant_sum,
        count(*) filter (where value is null) as missing
    from cells
    group by source_file, row_key
)
select
    p.source_file,
    'row ' || p.row_key as scope,
    p.printed_total as observed,
    p.applicant_sum as expected,
    p.missing = 0 as assessable,
    case
        when p.missing > 0 then 'not assessable: ' || p.missing || ' blank or absent cell(s) in ' || d.code
        else d.code || ' 总计 ' || p.printed_total || ' vs sum of applicants ' || p.applicant_sum
    end as details
from per_row as p
join dim_application_rows as d using (row_key)
