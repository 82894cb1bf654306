-- S5: applications received as stated in the prose equal 一 (or 一+二, or 三(七)) of the 总计 column.
with stated as (
    select source_file, arg_min(value, section_no * 1000000 + char_start) as value
    from narrative_figures
    where kind = 'requests_received'
    group by source_file
),
table_totals as (
    select
        source_file,
        max(value) filter (where row_key = '1') as received,
        sum(value) filter (where row_key in ('1', '2')) as received_and_carried,
        max(value) filter (where row_key = '3.7') as handled
    from application_cells
    where col_key = 'total'
    group by source_file
)
select
    s.source_file,
    'applications received' as scope,
    s.value as observed,
    case
        when s.value = t.received then t.received
        when s.value = t.received_and_carried then t.received_and_carried
        when s.value = t.handled then t.handled
        else t.received
    end as expected,
    -- assessable when the prose figure can be compared with every candidate (no candidate blank that might match)
    t.received is not null and (s.value in (t.received, t.received_and_carried, t.handled)) is not null
        as assessable,
    'prose ' || s.value || '; table 一 ' || coalesce(t.received::varchar, 'blank') || ', 一+二 '
        || coalesce(t.received_and_carried::varchar, 'blank') || ', 三(七) ' || coalesce(t.handled::varchar, 'blank')
        as details
from stated as s
join table_totals as t using (source_file)
