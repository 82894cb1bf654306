-- Recount report_quality from dq_results and reviews for the reports in the temporary table
-- touched_reports (those whose verdicts or reviews changed): rule verdicts counted per report after
-- reviewer verdicts. Runs in the judging transaction (pipeline/quality.py), after every rule's verdicts.
delete from report_quality where source_file in (select source_file from touched_reports);

insert into report_quality by name
with matched_reviews as (
    -- a verdict applies to its scope, or to every scope of the rule when it names none
    select d.source_file, d.rule_id, d.scope, max(v.verdict) as review
    from dq_results as d
    semi join touched_reports as t on t.source_file = d.source_file
    join reviews as v
        on v.source_file = d.source_file and v.rule_id = d.rule_id and (v.scope is null or v.scope = d.scope)
    group by d.source_file, d.rule_id, d.scope
),
reviewed as (
    select d.*, m.review
    from dq_results as d
    semi join touched_reports as t on t.source_file = d.source_file
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
select * from counts;
