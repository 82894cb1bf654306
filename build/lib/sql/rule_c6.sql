-- C6: section 五 (problems and improvements) is present and says more than "无". Not assessable for a
-- report before the 2019 format (no mandated outline).
with fifth as (
    select
        r.source_file,
        r.template = 'pre-2019' as before_format,
        regexp_replace(coalesce(s.body, ''), '[\s\p{P}]', '', 'g') as content
    from reports as r
    left join report_sections as s on s.source_file = r.source_file and s.section_no = 5
)
select
    source_file,
    'section 五' as scope,
    cast(length(content) as double) as observed,
    cast(3 as double) as expected,
    before_format is not true as assessable,
    case when before_format then 'not assessable: a report before the 2019 format'
        when length(content) = 0 then 'section 五 is missing or empty'
        else 'section 五 has ' || length(content) || ' characters' end as details
from fifth
