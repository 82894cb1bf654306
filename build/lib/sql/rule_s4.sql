-- S4: the 行政事业性收费 amount (万元) against fee items listed in 元 in the prose (not 信息处理费, a
-- different fee: S10). A table value equal to the 元 sum is a unit error; any other gap is a mismatch.
with fee as (
    select source_file, value as amount
    from proactive_cells
    where row_key = 'administrative_fees' and col_key = 'amount_10k_yuan'
),
listed as (
    select source_file, sum(value) as yuan, count(*) as items
    from narrative_figures
    where kind = 'fee_item_yuan'
    group by source_file
)
select
    f.source_file,
    'proactive administrative_fees' as scope,
    round(l.yuan / 10000, 4) as observed,
    round(f.amount, 4) as expected,
    f.amount is not null and l.yuan is not null as assessable,
    case
        when f.amount is null then 'not assessable: fee cell blank'
        when round(l.yuan, 4) = round(f.amount, 4) then 'table amount equals the 元 sum: printed in 元, not 万元?'
        else l.items || ' fee items in the prose sum to ' || l.yuan || ' 元 = ' || round(l.yuan / 10000, 4)
            || ' 万元; the table says ' || f.amount
    end as details
from fee as f
join listed as l using (source_file)
