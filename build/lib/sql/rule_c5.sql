-- C5: published by 31 Jan (departments) or 31 Mar (government-level reports) of the following year
-- (Art. 49). Assessable only where the page states its publication date, and not for a report before the
-- 2019 format (the 2008 regulation set other deadlines).
with dated as (
    select
        source_file,
        year,
        published_on,
        template,
        -- A government's own report: its kind (pipeline/agency.py) is a government body, or the name is a
        -- region and nothing else (平潭综合实验区, "XX区2023年…年度报告").
        coalesce(agency_kind, agency, '') similar to '.*(人民政府|人民政府办公室|人民政府办公厅|管理委员会|管委会)'
            or (agency_kind is null and (division_code is not null or province is not null)) as government_level
    from reports
),
deadlines as (
    select
        *,
        case when year is null then null
            when government_level then make_date(year + 1, 3, 31) else make_date(year + 1, 1, 31) end as deadline
    from dated
)
select
    source_file,
    'report' as scope,
    cast(date_diff('day', make_date(year + 1, 1, 1), published_on) as double) as observed,
    cast(date_diff('day', make_date(year + 1, 1, 1), deadline) as double) as expected,
    published_on is not null and deadline is not null and template is distinct from 'pre-2019' as assessable,
    case
        when published_on is null then 'not assessable: no publication date stated'
        when template = 'pre-2019' then 'not assessable: a report before the 2019 format (the 2008 regulation)'
        else 'published ' || published_on || ', deadline ' || deadline
            || case when government_level then ' (government-level report)' else ' (department)' end
    end as details
from deadlines
