-- D2: the 行政事业性收费 amount (万元) is a decimal >= 0 with at most 4 decimals (4 dp of 万元 = 1 元).
with fees as (
    select p.source_file, p.row_key, p.col_key, p.value, p.decimals, p.raw_text
    from proactive_cells as p
    join reports as r using (source_file)
    join dim_proactive_items as d
        on d.template = r.template and d.row_key = p.row_key and d.col_key = p.col_key
    where d.kind = 'amount_10k_yuan'
)
select
    source_file,
    'proactive ' || row_key || ' ' || col_key as scope,
    value as observed,
    round(value, 4) as expected,
    decimals,
    value is not null as assessable,
    case
        when value is null then 'not assessable: blank or absent'
        else 'printed ' || coalesce(raw_text, '') || ' (' || decimals || ' decimals)'
    end as details
from fees
