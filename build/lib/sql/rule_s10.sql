-- S10: requests closed because a fee notice went unpaid (三(六)2 > 0) imply section 六 reports the
-- 信息处理费. The section-二 行政事业性收费 is a different fee and is not linked to section 六.
with unpaid as (
    select source_file, value from application_cells where row_key = '3.6.2' and col_key = 'total' and value > 0
)
select
    u.source_file,
    'section 六' as scope,
    u.value as observed,
    cast(null as double) as expected,
    coalesce(s.body, '') like '%处理费%' as mentions_fee,
    true as assessable,
    u.value || ' requests closed for an unpaid fee notice; section 六 '
        || case when coalesce(s.body, '') like '%处理费%' then 'reports' else 'does not mention' end
        || ' the 信息处理费' as details
from unpaid as u
left join report_sections as s on s.source_file = u.source_file and s.section_no = 6
