-- Rebuild report_quality from dq_results and reviews: rule verdicts counted per report after reviewer
-- verdicts. Runs in refresh_dq_results' transaction, after every rule's verdicts are in.
delete from report_quality;

insert into report_quality by name
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
select * from counts;
