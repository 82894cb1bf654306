-- S9: outlier ratios. Disputes (复议 + 直接起诉) per 100 handled requests above 50, and a carried-forward
-- share (四 / (一+二)) above 50%, are flagged when at least 10 requests were handled.
with base as (
    select
        a.source_file,
        max(a.value) filter (where a.row_key = '3.7' and a.col_key = 'total') as handled,
        max(a.value) filter (where a.row_key = '4' and a.col_key = 'total') as carried_forward,
        sum(a.value) filter (where a.row_key in ('1', '2') and a.col_key = 'total') as available
    from application_cells as a
    group by a.source_file
),
disputes as (
    select source_file, sum(value) as disputes
    from review_litigation_cells
    where col_key = 'total' and row_key in ('administrative_review', 'litigation_direct')
    group by source_file
),
ratios as (
    select b.source_file, 'disputes per 100 requests' as scope, 100 * d.disputes / b.handled as observed,
        cast(50 as double) as expected, b.handled as base
    from base as b join disputes as d using (source_file)
    union all
    select source_file, 'carried-forward share (%)', 100 * carried_forward / available, cast(50 as double), available
    from base
)
select
    source_file,
    scope,
    round(observed, 2) as observed,
    expected,
    observed is not null and base >= 10 as assessable,
    case when base < 10 or base is null then 'not assessable: fewer than 10 requests'
        else scope || ' = ' || round(observed, 2) || ' (threshold ' || expected || ')' end as details
from ratios
