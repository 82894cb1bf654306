-- S12: the number of parts the report says it has ("共五个部分") matches the sections present (before the
-- 2019 format, every numbered section of its own outline, its statistics table included).
with found as (
    select s.source_file, count(*) as sections
    from report_sections as s
    join reports as r using (source_file)
    where s.section_no between 1 and 6 or (r.template = 'pre-2019' and s.section_no > 0)
    group by all
)
select
    r.source_file,
    'report' as scope,
    cast(r.stated_parts as double) as observed,
    cast(coalesce(f.sections, 0) as double) as expected,
    r.stated_parts is not null as assessable,
    case when r.stated_parts is null then 'not assessable: the report does not state its number of parts'
        else 'says ' || r.stated_parts || ' parts, has ' || coalesce(f.sections, 0) || ' sections' end as details
from reports as r
left join found as f using (source_file)
