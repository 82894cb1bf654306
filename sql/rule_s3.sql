-- S3: only bodies with rule-making power (State Council departments, provincial governments, governments
-- of 设区的市) issue 规章; county and township bodies and local departments should show 0 or "/".
with regulations as (
    select source_file, sum(value) as printed, count(value) as filled
    from proactive_cells
    where row_key = 'regulations'
    group by source_file
),
bodies as (
    select
        r.source_file,
        r.agency_level,
        r.agency_kind,
        g.printed,
        g.filled,
        r.agency_level in ('province', 'city') and r.agency_kind like '%人民政府%' as may_make_rules
    from reports as r
    join regulations as g using (source_file)
)
select
    source_file,
    'proactive regulations' as scope,
    case when may_make_rules then null else coalesce(printed, 0) end as observed,
    0.0 as expected,
    case when agency_level is null then null when may_make_rules then true else coalesce(printed, 0) = 0 end as passed,
    case
        when agency_level is null then 'not assessable: agency level unknown'
        when may_make_rules then 'a ' || agency_level || '-level government may make 规章'
        else agency_level || '-level ' || coalesce(agency_kind, 'body') || ' prints 规章 figures summing to '
            || coalesce(printed, 0)
    end as details
from bodies
