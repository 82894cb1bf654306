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
    coalesce(printed, 0) as observed,
    -- a body that may make 规章 may print any figure; any other body is expected to print none
    case when may_make_rules then coalesce(printed, 0) else 0.0 end as expected,
    agency_level is not null as assessable,
    case
        when agency_level is null then 'not assessable: agency level unknown'
        when may_make_rules then 'a ' || agency_level || '-level government may make 规章'
        else agency_level || '-level ' || coalesce(agency_kind, 'body') || ' prints 规章 figures summing to '
            || coalesce(printed, 0)
    end as details
from bodies
