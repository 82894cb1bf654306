-- Who published what: one row per expected publisher (dim_expected_publishers) × statistics year, from
-- its first expected year to the latest year any report covers. `status`:
--   found        a current report of that agency and year is in the warehouse (parsed or partial)
--   quarantined  a collected file whose title names that agency and year was quarantined (not readable)
--   missing      neither: nothing was published, or nothing was collected
-- "Who has not published for 2025" is `select agency from v_coverage where year = 2025 and status = 'missing'`.
create or replace view v_coverage as
with years as (
    select unnest(range(
        (select min(first_year) from dim_expected_publishers),
        (select max(year) from reports where status <> 'retired') + 1
    )) as year
),

expected as (
    select p.agency, y.year
    from dim_expected_publishers as p
    join years as y on y.year >= coalesce(p.first_year, y.year)
),

found as (
    select coalesce(agency_normalised, agency) as agency, year, list(source_file order by source_file) as files
    from reports
    where status <> 'retired'
    group by all
    union all
    select agency, year, list(source_file order by source_file)
    from reports
    where status <> 'retired' and agency_normalised is not null and agency_normalised <> agency
    group by all
),

quarantined as (
    select d.title_agency as agency, d.title_year as year, list(q.source_file order by q.source_file) as files
    from source_documents as d
    join quarantine as q on q.source_file = d.file_name
    where d.title_agency is not null and d.title_year is not null
    group by all
)

select
    e.agency,
    e.year,
    case when f.files is not null then 'found' when q.files is not null then 'quarantined' else 'missing' end
        as status,
    coalesce(f.files, q.files, []) as files
from expected as e
left join (select agency, year, flatten(list(files)) as files from found group by all) as f
    on f.agency = e.agency and f.year = e.year
left join quarantined as q on q.agency = e.agency and q.year = e.year
