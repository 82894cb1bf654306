-- One row per agency (normalised name × region): who reported, where, and for which statistics years.
create or replace view v_agencies as
select
    coalesce(agency_normalised, agency) as agency,
    agency_kind,
    agency_level,
    province,
    city,
    county,
    township,
    division_code,
    list(distinct agency order by agency) as printed_names,
    list(distinct year order by year) filter (where year is not null) as years,
    count(*) as reports,
    bool_or(coalesce(agency_corrected, false)) as corrected
from reports
where status <> 'retired' and agency is not null
group by all
