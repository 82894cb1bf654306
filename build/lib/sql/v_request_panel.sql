-- One panel from the first year of the regulation (2008) to today: one row per agency (agency_normalised,
-- else as printed) and statistics year. Where an agency-year has several documents, the one published
-- last stands for it (`documents` says how many there are).
--
-- Each measure comes with its `_source`, what the number rests on:
--   table                   a template cell (2019 format on): section 三's 总计 column, section 四's 总计
--   prose                   a figure the text states (reports before the 2019 format)
--   statistics_table        the report's own 统计表 of indicators (before the 2019 format)
--   prose+statistics_table  both, saying the same
--   conflicting             the report states it with different values: the measure is NULL
-- A template report's prose is not used here: its figures may mean 一 or 一+二 (rule S5), the table says
-- which. Fees are stated only by the older reports. Rates only where both of their parts exist.
create or replace view v_request_panel as
with documents as (
    select
        d.source_file,
        r.agency,
        coalesce(r.agency_normalised, r.agency) as agency_normalised,
        r.year,
        r.template,
        r.published_on
    from v_documents as d
    join reports as r using (source_file)
    where r.year is not null and r.agency is not null
),

chosen as (
    select *, count(*) over (partition by agency_normalised, year) as documents
    from documents
    qualify row_number() over (
        partition by agency_normalised, year order by published_on desc nulls last, source_file desc
    ) = 1
),

request_cells as (
    select
        source_file,
        max(value) filter (where row_key = '1') as requests_received,
        max(value) filter (where row_key = '3.1') as requests_granted,
        max(value) filter (where row_key = '3.2') as requests_partly_granted,
        -- a group sum only when none of its cells is blank or absent
        case when count(*) filter (where row_key like '3.3.%' and value is null) = 0
            then sum(value) filter (where row_key like '3.3.%') end as requests_refused,
        max(value) filter (where row_key = '3.4.1') as requests_not_held
    from application_cells
    where col_key = 'total'
    group by source_file
),

dispute_cells as (
    select
        source_file,
        max(value) filter (where row_key = 'administrative_review') as reviews,
        case when count(*) filter (where row_key like 'litigation_%' and value is null) = 0
            then sum(value) filter (where row_key like 'litigation_%') end as litigations
    from review_litigation_cells
    where col_key = 'total'
    group by source_file
),

table_measures as (
    unpivot (select * from request_cells full join dispute_cells using (source_file))
    on requests_received, requests_granted, requests_partly_granted, requests_refused, requests_not_held,
        reviews, litigations
    into name measure value value
),

stated_measures as (
    select
        f.source_file,
        f.kind as measure,
        case when count(distinct f.value) = 1 then any_value(f.value) end as value,
        case when count(distinct f.value) > 1 then 'conflicting'
            else string_agg(distinct f.origin, '+' order by f.origin) end as source
    from narrative_figures as f
    join reports as r using (source_file)
    where r.template = 'pre-2019'
        and f.kind in ('requests_received', 'requests_granted', 'requests_partly_granted', 'requests_refused',
            'requests_not_held', 'reviews', 'litigations', 'fees_yuan')
    group by f.source_file, f.kind
),

measures as (
    select source_file, measure, value, 'table' as source from table_measures
    union all
    select source_file, measure, value, source from stated_measures
),

panel as (
    select
        c.agency_normalised,
        c.year,
        any_value(c.agency) as agency,
        any_value(c.template) as template,
        any_value(c.source_file) as source_file,
        any_value(c.documents) as documents,
        max(m.value) filter (where m.measure = 'requests_received') as requests_received,
        max(m.source) filter (where m.measure = 'requests_received') as requests_received_source,
        max(m.value) filter (where m.measure = 'requests_granted') as requests_granted,
        max(m.source) filter (where m.measure = 'requests_granted') as requests_granted_source,
        max(m.value) filter (where m.measure = 'requests_partly_granted') as requests_partly_granted,
        max(m.source) filter (where m.measure = 'requests_partly_granted') as requests_partly_granted_source,
        max(m.value) filter (where m.measure = 'requests_refused') as requests_refused,
        max(m.source) filter (where m.measure = 'requests_refused') as requests_refused_source,
        max(m.value) filter (where m.measure = 'requests_not_held') as requests_not_held,
        max(m.source) filter (where m.measure = 'requests_not_held') as requests_not_held_source,
        max(m.value) filter (where m.measure = 'reviews') as reviews,
        max(m.source) filter (where m.measure = 'reviews') as reviews_source,
        max(m.value) filter (where m.measure = 'litigations') as litigations,
        max(m.source) filter (where m.measure = 'litigations') as litigations_source,
        max(m.value) filter (where m.measure = 'fees_yuan') as fees_yuan,
        max(m.source) filter (where m.measure = 'fees_yuan') as fees_yuan_source
    from chosen as c
    left join measures as m using (source_file)
    group by c.agency_normalised, c.year
)

select
    *,
    requests_granted / nullif(requests_received, 0) as grant_rate,
    (requests_granted + requests_partly_granted) / nullif(requests_received, 0) as substantive_grant_rate,
    (reviews + litigations) / nullif(requests_received, 0) * 100 as disputes_per_100_requests
from panel
