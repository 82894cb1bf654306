-- One row per report document: distinct content (SHA-256) among the current files. The same bytes
-- under several names are one document; `source_file` is the first of its names, `file_names` all of
-- them. Aggregates over reports should count documents, not file names (see v_agency_year_scorecard).
create or replace view v_documents as
with current_reports as (
    select source_file, sha256, agency, year, status
    from reports
    where status <> 'retired'
)

select
    min(source_file) as source_file,
    sha256,
    list(source_file order by source_file) as file_names,
    count(*) as names,
    any_value(agency) as agency,
    any_value(year) as year,
    any_value(status) as status
from current_reports
group by sha256
