-- H1 勾稽关系, per applicant column: 一 新收 + 二 上年结转 = 三(七) 总计 + 四 结转下年度.
with cells as (
    select source_file, row_key, col_key, value from application_cells
),
per_column as (
    select
        source_file,
        col_key,
        sum(value) filter (where row_key in ('1', '2')) as received,
        sum(value) filter (where row_key in ('3.7', '4')) as disposed,
        count(*) filter (where row_key in ('1', '2', '3.7', '4') and value is null) as missing
    from cells
    group by source_file, col_key
)
select
    source_file,
    'column ' || col_key as scope,
    received as observed,
    disposed as expected,
    missing = 0 as assessable,
    case
        when missing > 0 then 'not assessable: ' || missing || ' blank or absent cell(s) in rows 一/二/三(七)/四'
        else '一+二 = ' || received || ', 三(七)+四 = ' || disposed
    end as details
from per_column
