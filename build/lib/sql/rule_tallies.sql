-- Every rule's stored verdicts over the whole warehouse, one row per rule: what its asset check and its
-- Data Docs summary show. failing_digest changes whenever a failing scope or its details change.
select
    rule_id,
    count(*) filter (where passed) as passed,
    count(*) filter (where not passed) as failed,
    count(*) filter (where passed is null) as not_assessable,
    list(distinct source_file order by source_file) filter (where not passed) as failing_reports,
    md5(coalesce(
        string_agg(source_file || chr(31) || scope || chr(31) || coalesce(details, ''), chr(30)
            order by source_file, scope) filter (where not passed),
        ''
    )) as failing_digest
from dq_results
group by rule_id
order by rule_id
