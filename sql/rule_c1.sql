-- C1: all six sections present, in order, with recognisable titles.
with sections as (
    select source_file, section_no, first_line from report_sections where section_no between 1 and 6
),
per_report as (
    select
        r.source_file,
        count(s.section_no) as found,
        coalesce(bool_and(s.first_line > s.previous_line or s.previous_line is null), true) as in_order,
        string_agg(s.section_no::varchar, ',' order by s.first_line) as sequence
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
    true as assessable,
    'sections found in printed order: ' || coalesce(sequence, 'none') as details
from per_report
