-- S13 (cross-report, hierarchy): a province or city government's report counts at least as many
-- requests received (一 总计) as the reports of the lower-level bodies inside its region, same year,
-- add up to. A region-wide report that counts fewer either covers only its own office or undercounts:
-- a warning. Regions come from pipeline/agency.py; the same content under two names counts once.
with documents as (
    select r.source_file, r.agency_kind, r.agency_level, r.province, r.city, r.year
    from reports as r
    join v_documents as d using (source_file)
    where r.year is not null and r.province is not null
),

received as (
    select source_file, value
    from application_cells
    where row_key = '1' and col_key = 'total'
),

parents as (
    select *
    from documents
    where agency_kind = '人民政府' and agency_level in ('province', 'city')
),

children as (
    select
        p.source_file,
        count(*) as bodies,
        sum(c_received.value) as received_sum,
        count(*) filter (where c_received.value is null) as blank,
        string_agg(c.source_file, ', ' order by c.source_file) as child_files
    from parents as p
    join documents as c
        on c.year = p.year and c.source_file <> p.source_file and c.province = p.province
        and (
            (p.agency_level = 'province' and c.agency_level in ('city', 'county', 'township'))
            or (p.agency_level = 'city' and c.city = p.city and c.agency_level in ('county', 'township'))
        )
    left join received as c_received on c_received.source_file = c.source_file
    group by p.source_file
)

select
    ch.source_file,
    'row 1 total' as scope,
    own.value as observed,
    case when ch.blank = 0 then ch.received_sum end as expected,
    own.value is not null and ch.blank = 0 as assessable,
    '一 总计 ' || coalesce(own.value::varchar, 'blank') || ' vs ' || ch.bodies || ' bodies in the region: '
        || coalesce(ch.received_sum::varchar, 'blank') || ' (' || ch.child_files || ')' as details
from children as ch
left join received as own using (source_file)
