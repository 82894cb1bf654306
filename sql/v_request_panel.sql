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
-- The template counts are v_request_metrics'. A template report's prose is not used here: its figures may mean 一 or 一+二 (rule S5), the table says
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

table_measures as (
    unpivot (
        select
            source_file,
            received as requests_received,
            granted as requests_granted,
            partly_granted as requests_partly_granted,
            refused as requests_refused,
            not_held as requests_not_held,
            review_total as reviews,
            litigation_total as litigations
        from v_request_metrics
    )
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
