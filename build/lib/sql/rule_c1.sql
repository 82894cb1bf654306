-- C1: all six sections present, in order, with recognisable titles. Not assessable for a report before
-- the 2019 format (template pre-2019): it had no mandated outline.
with sections as (
    select source_file, section_no, first_line from report_sections where section_no between 1 and 6
),
per_report as (
    select
        r.source_file,
        count(s.section_no) as found,
        coalesce(bool_and(s.first_line > s.previous_line or s.previous_line is null), true) as in_order,
        string_agg(s.section_no::varchar, ',' order by s.first_line) as sequence,
        any_value(r.template) = 'pre-2019' as before_format
    from reports as r
    left join (
        select *, lag(first_line) over (partition by source_file order by section_no) as previous_line
        from sections
    ) as s using (source_file)
    group by r.source_file
)
select
    source_file,
    'report' as scope,
    cast(found as double) as observed,
    cast(6 as double) as expected,
    in_order,
    not before_format as assessable,
    case when before_format then 'not assessable: a report before the 2019 format (no mandated outline)'
        else 'sections found in printed order: ' || coalesce(sequence, 'none') end as details
from per_report
