-- C4: the title's year equals the stated statistics period's year (1 Jan – 31 Dec).
select
    source_file,
    'report' as scope,
    cast(year as double) as observed,
    cast(period_year as double) as expected,
    year is not null and period_year is not null as assessable,
    case
        when period_year is null then 'not assessable: no statistics period stated'
        else 'title ' || coalesce(year::varchar, '?') || ', period ' || period_year
    end as details
from reports
