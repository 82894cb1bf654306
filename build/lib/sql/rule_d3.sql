-- D3 (2019 template): 本年增/减 is a signed integer.
select
    p.source_file,
    'proactive ' || p.row_key || ' ' || p.col_key as scope,
    p.value as observed,
    round(p.value) as expected,
    p.value - floor(p.value) as fraction,
    p.value is not null as assessable,
    case when p.value is null then 'not assessable: blank or absent' else 'printed ' || coalesce(p.raw_text, '') end
        as details
from proactive_cells as p
join reports as r using (source_file)
join dim_proactive_items as d on d.template = r.template and d.row_key = p.row_key and d.col_key = p.col_key
where d.kind = 'signed'
