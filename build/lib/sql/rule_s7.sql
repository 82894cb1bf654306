-- S7: the prose on reviews and lawsuits against section 四: "未发生…行政复议、行政诉讼" means every 总计
-- is 0; "行政复议N件" is the review 总计; "行政诉讼M件" is the sum of the two litigation 总计.
with totals as (
    select
        source_file,
        max(value) filter (where row_key = 'administrative_review') as reviews,
        sum(value) filter (where row_key <> 'administrative_review') as lawsuits,
        count(*) filter (where value is null) as missing
    from review_litigation_cells
    where col_key = 'total'
    group by source_file
),
stated as (
    select source_file, kind, arg_min(value, section_no * 1000000 + char_start) as value
    from narrative_figures
    where kind in ('reviews', 'litigations', 'no_review_litigation')
    group by source_file, kind
)
select
    s.source_file,
    s.kind as scope,
    s.value as observed,
    case s.kind when 'reviews' then t.reviews when 'litigations' then t.lawsuits else t.reviews + t.lawsuits end
        as expected,
    t.missing = 0 and expected is not null as assessable,
    'prose ' || s.kind || ' ' || s.value || '; section 四 复议 总计 ' || coalesce(t.reviews::varchar, 'blank')
        || ', 诉讼 总计 ' || coalesce(t.lawsuits::varchar, 'blank') as details
from stated as s
join totals as t using (source_file)
