-- H4, per block of section 四: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
with cells as (
    select source_file, row_key, col_key, value from review_litigation_cells
),
per_block as (
    select
        source_file,
        row_key,
        max(value) filter (where col_key = 'total') as printed_total,
        sum(value) filter (where col_key <> 'total') as outcome_sum,
        count(*) filter (where value is null) as missing
    from cells
    group by source_file, row_key
)
select
    source_file,
    'block ' || row_key as scope,
    printed_total as observed,
    outcome_sum as expected,
    missing = 0 as assessable,
    case
        when missing > 0 then 'not assessable: ' || missing || ' blank or absent cell(s)'
        else '总计 ' || printed_total || ' vs 维持+纠正+其他+尚未审结 ' || outcome_sum
    end as details
from per_block
