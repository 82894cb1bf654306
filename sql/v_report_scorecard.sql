-- One row per report: rule verdicts after reviewer overrides, completeness and a score.
-- score = 100 × (hard scopes passed / hard scopes assessed) × (share of template cells filled);
-- dismissed findings do not count as failures, not-assessable scopes count in neither direction.
create or replace view v_report_scorecard as
with matched_reviews as (
    -- a verdict applies to its scope, or to every scope of the rule when it names none
    select d.source_file, d.rule_id, d.scope, max(v.verdict) as review
    from dq_results as d
    join reviews as v
        on v.source_file = d.source_file and v.rule_id = d.rule_id and (v.scope is null or v.scope = d.scope)
    group by d.source_file, d.rule_id, d.scope
),
reviewed as (
    select d.*, m.review
    from dq_results as d
    left join matched_reviews as m
        on m.source_file = d.source_file and m.rule_id = d.rule_id and m.scope is not distinct from d.scope
),
counts as (
    select
        source_file,
        count(*) filter (where severity = 'hard' and passed) as hard_passed,
        count(*) filter (where severity = 'hard' and not passed and review is distinct from 'dismissed')
            as hard_failed,
        count(*) filter (where severity = 'hard' and passed is null) as hard_not_assessable,
        count(*) filter (where severity = 'hard' and not passed and attribution = 'source') as source_errors,
        count(*) filter (where severity = 'hard' and not passed and attribution <> 'source') as extraction_doubts,
        count(*) filter (where severity = 'compliance' and rule_id <> 'C3' and not passed
            and review is distinct from 'dismissed') as compliance_failed,
        count(*) filter (where severity = 'soft' and not passed and review is distinct from 'dismissed') as warnings,
        count(*) filter (where review = 'confirmed' and not passed) as confirmed,
        count(*) filter (where review = 'dismissed' and not passed) as dismissed,
        count(*) filter (where rule_id = 'C3' and passed) as cells_filled,
        count(*) filter (where rule_id = 'C3') as cells_expected
    from reviewed
    group by source_file
)
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
left join counts as c using (source_file)
