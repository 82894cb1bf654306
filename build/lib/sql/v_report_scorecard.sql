-- One row per report: rule verdicts after reviewer overrides (counted in report_quality when dq_results
-- is rebuilt), completeness and a score.
-- score = 100 × (hard scopes passed / hard scopes assessed) × (share of template cells filled);
-- dismissed findings do not count as failures, not-assessable scopes count in neither direction.
create or replace view v_report_scorecard as
select
    r.source_file,
    r.agency,
    r.year,
    r.template,
    r.status,
    c.hard_passed,
    c.hard_failed,
    c.hard_not_assessable,
    c.source_errors,
    c.extraction_doubts,
    c.compliance_failed,
    c.warnings,
    c.confirmed,
    c.dismissed,
    round(c.cells_filled / nullif(c.cells_expected, 0), 4) as completeness,
    round(
        100.0 * c.hard_passed / nullif(c.hard_passed + c.hard_failed, 0) * c.cells_filled / nullif(c.cells_expected, 0),
        1
    ) as score
from reports as r
left join report_quality as c using (source_file)
