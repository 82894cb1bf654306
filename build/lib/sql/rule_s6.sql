-- S6: "予以公开X件" in the prose matches 三(一) or 三(一)+三(二), in the 总计 or the 自然人 column.
with stated as (
    select source_file, arg_min(value, section_no * 1000000 + char_start) as value
    from narrative_figures
    where kind = 'requests_granted'
    group by source_file
),
granted as (
    select
        source_file,
        max(value) filter (where row_key = '3.1' and col_key = 'total') as full_total,
        sum(value) filter (where row_key in ('3.1', '3.2') and col_key = 'total') as with_partial_total,
        max(value) filter (where row_key = '3.1' and col_key = 'natural_person') as full_persons,
        sum(value) filter (where row_key in ('3.1', '3.2') and col_key = 'natural_person') as with_partial_persons
    from application_cells
    group by source_file
)
select
    s.source_file,
    'granted' as scope,
    s.value as observed,
    case
        when s.value in (g.full_total, g.with_partial_total, g.full_persons, g.with_partial_persons) then s.value
        else coalesce(g.full_total, g.full_persons)
    end as expected,
    not (g.full_total is null and g.full_persons is null)
        and (s.value in (g.full_total, g.with_partial_total, g.full_persons, g.with_partial_persons)) is not null
        as assessable,
    'prose ' || s.value || '; table 三(一) ' || coalesce(g.full_total::varchar, 'blank') || ', 三(一)+(二) '
        || coalesce(g.with_partial_total::varchar, 'blank') as details
from stated as s
join granted as g using (source_file)
