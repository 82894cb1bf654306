-- S8: the years agree: the title's statistics year is the year the overview (一 总体情况) talks about most.
with mentions as (
    select s.source_file, cast(unnest(regexp_extract_all(s.body, '((?:19|20)\d{2})\s*年', 1)) as integer) as year
    from report_sections as s
    where s.section_no in (0, 1)
),
most as (
    select source_file, arg_max(year, n) as year, max(n) as n
    from (select source_file, year, count(*) as n from mentions group by all)
    group by source_file
)
select
    r.source_file,
    'report' as scope,
    cast(r.year as double) as observed,
    cast(m.year as double) as expected,
    r.year is not null and m.year is not null as assessable,
    'title ' || coalesce(r.year::varchar, '?') || '; the overview mentions ' || coalesce(m.year::varchar, 'no year')
        || coalesce(' most (' || m.n || ' times)', '') as details
from reports as r
left join most as m using (source_file)
