-- The bodies expected to publish a report every year: those data/sources.yaml lists, and every agency
-- the warehouse has seen. One row per agency, from the first year it is expected (the year the sources
-- file gives, else the first year seen).
create or replace view dim_expected_publishers as
with listed as (
    select agency, source, first_year from listed_publishers
),

seen as (
    select coalesce(agency_normalised, agency) as agency, 'reports' as source, min(year) as first_year
    from reports
    where status <> 'retired' and agency is not null and year is not null
    group by 1
)

select
    agency,
    list(distinct source order by source) as sources,
    min(first_year) as first_year
from (select * from listed union all select * from seen)
group by agency
