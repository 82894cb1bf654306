-- C2: the template matches the statistics year (2019–2020: 2019 format; 2021 on: 2021 format, 25 rows). A
-- report for 2019 on written in the older format (no mandated tables) fails; one for 2008–2018 is not assessed.
select
    source_file,
    'report' as scope,
    cast(year as double) as observed,
    cast(null as double) as expected,
    template,
    case when year is null then null when year <= 2020 then '2019' else '2021' end as expected_template,
    year is not null and template is not null and not (template = 'pre-2019' and year < 2019) as assessable,
    case
        when year is null then 'not assessable: statistics year unknown'
        when template = 'pre-2019' and year < 2019 then 'not assessable: a report before the 2019 format'
        when template = 'pre-2019' then 'a report for ' || year || ' in the format before 2019 (no mandated tables)'
        when template = '2021-23row' then 'section 三 uses the 23-row layout (三(六) as one row) of the 2019 format'
        else 'template ' || template || ' for year ' || year
    end as details
from reports
