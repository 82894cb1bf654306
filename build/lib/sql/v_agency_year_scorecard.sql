-- One row per agency × statistics year (several documents of one agency and year are summed; the same
-- content under two file names counts once).
create or replace view v_agency_year_scorecard as
select
    agency,
    year,
    count(*) as reports,
    sum(hard_failed) as hard_failed,
    sum(source_errors) as source_errors,
    sum(extraction_doubts) as extraction_doubts,
    sum(compliance_failed) as compliance_failed,
    sum(warnings) as warnings,
    round(avg(completeness), 4) as completeness,
    round(avg(score), 1) as score
from v_report_scorecard
where status <> 'retired' and source_file in (select source_file from v_documents)
group by agency, year
