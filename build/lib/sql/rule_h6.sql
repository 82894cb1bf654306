-- H6 (2019 template): 上一年项目数量 + 本年增/减 >= 0 for the items of 第二十条第（五）（六）（八）项.
with items as (
    select
        p.source_file,
        p.row_key,
        max(p.value) filter (where p.col_key = 'previous_year_items') as previous_items,
        max(p.value) filter (where p.col_key = 'change') as change,
        count(*) filter (where p.col_key in ('previous_year_items', 'change') and p.value is null) as missing
    from proactive_cells as p
    join reports as r using (source_file)
    where r.template = '2019'
    group by p.source_file, p.row_key
    having count(*) filter (where p.col_key = 'change') > 0
)
select
    source_file,
    'proactive ' || row_key as scope,
    case when missing > 0 then null else previous_items + change end as observed,
    cast(0 as double) as expected,
    missing = 0 as assessable,
    case
        when missing > 0 then 'not assessable: blank or absent cell'
        else '上一年 ' || previous_items || ' + 增减 ' || change || ' = ' || (previous_items + change)
    end as details
from items
