-- C6: section 五 (problems and improvements) is present and says more than "无".
with fifth as (
    select
        r.source_file,
        regexp_replace(coalesce(s.body, ''), '[\s\p{P}]', '', 'g') as content
    from reports as r
    left join report_sections as s on s.source_file = r.source_file and s.section_no = 5
)
select
    source_file,
    'section 五' as scope,
    cast(length(content) as double) as observed,
    cast(3 as double) as expected,
    true as assessable,
    case when length(content) = 0 then 'section 五 is missing or empty'
        else 'section 五 has ' || length(content) || ' characters' end as details
from fifth
