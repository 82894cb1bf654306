-- S2: 现行有效件数 >= 本年制发件数 for 规章 and 行政规范性文件 (documents can lapse: a warning only).
with items as (
    select
        source_file,
        row_key,
        max(value) filter (where col_key = 'issued') as issued,
        max(value) filter (where col_key = 'in_force') as in_force
    from proactive_cells
    where row_key in ('regulations', 'normative_documents')
    group by source_file, row_key
    having count(*) filter (where col_key = 'in_force') > 0
)
select
    source_file,
    'proactive ' || row_key as scope,
    in_force as observed,
    issued as expected,
    issued is not null and in_force is not null as assessable,
    '现行有效 ' || coalesce(in_force::varchar, 'blank') || ' vs 本年制发 ' || coalesce(issued::varchar, 'blank')
        as details
from items
