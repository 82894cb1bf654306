-- H5, per applicant column: 四 结转下年度 <= 一 + 二 and 三(七) 总计 <= 一 + 二 (localises H1 failures).
with cells as (
    select source_file, row_key, col_key, value from application_cells
),
per_column as (
    select
        source_file,
        col_key,
        sum(value) filter (where row_key in ('1', '2')) as available,
        max(value) filter (where row_key = '4') as carried_forward,
        max(value) filter (where row_key = '3.7') as handled,
        count(*) filter (where row_key in ('1', '2', '3.7', '4') and value is null) as missing
    from cells
    group by source_file, col_key
)
select
    source_file,
    'column ' || col_key as scope,
    case when missing > 0 then null else greatest(carried_forward, handled) end as observed,
    case when missing > 0 then null else available end as expected,
    missing = 0 as assessable,
    case
        when missing > 0 then 'not assessable: ' || missing || ' blank or absent cell(s)'
        else '一+二 = ' || available || '; 三(七) = ' || handled || ', 四 = ' || carried_forward
    end as details
from per_column
