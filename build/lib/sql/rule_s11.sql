-- S11 (cross-report): boilerplate. Section 五 of a report that, years and figures aside, is the same text
-- as another agency's or another year's report (内容雷同, named in the template's accountability clause).
-- Before the 2019 format, the report's first section on its problems (topic 'problems') stands for 五.
with fifth as (
    select
        s.source_file,
        r.agency,
        r.year,
        case when r.template = 'pre-2019' then 'problems section' else 'section 五' end as label,
        regexp_replace(s.body, '[\s\p{P}0-9０-９年月日]', '', 'g') as content
    from report_sections as s
    join reports as r using (source_file)
    where r.status <> 'retired'
        and s.section_no = case when r.template = 'pre-2019' then (
            select min(p.section_no) from report_sections as p
            where p.source_file = s.source_file and p.topic = 'problems'
        ) else 5 end
),
copies as (
    select a.source_file, string_agg(b.source_file, ', ' order by b.source_file) as duplicate_of
    from fifth as a
    join fifth as b
        on a.content = b.content and a.source_file <> b.source_file
        and (a.agency is distinct from b.agency or a.year is distinct from b.year)
    where length(a.content) >= 30
    group by a.source_file
)
select
    f.source_file,
    f.label as scope,
    cast(length(f.content) as double) as observed,
    cast(null as double) as expected,
    c.duplicate_of,
    true as assessable,
    case when c.duplicate_of is null then 'no other report has this ' || f.label
        else f.label || ' repeats ' || c.duplicate_of end as details
from fifth as f
left join copies as c using (source_file)
where length(f.content) >= 30
