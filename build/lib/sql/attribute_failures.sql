-- Attribution of one hard rule's failures ($rule_id, reading cells of $rule_table, NULL for rules over
-- every table). `extraction`: the parser recorded an issue on a row the failure involves (a rule-backed
-- repair, a missing column, a row it could not read); `ambiguous`: that issue is an ambiguity it could
-- not resolve; `source`: every cell was read unambiguously, so the published report is inconsistent.
with failures as (
    select source_file, rule_id, scope, split_part(scope, ' ', 1) as scope_kind, split_part(scope, ' ', 2) as scope_key
    from dq_results
    where rule_id = $rule_id and passed = false and attribution is null  -- failures judged in this run
),
involved_issues as (
    select f.source_file, f.scope, i.issue_code
    from failures as f
    join parse_issues as i
        on i.source_file = f.source_file
        and (i.table_name = coalesce($rule_table, f.scope_kind) or i.table_name is null)
        and (
            i.row_key is null
            or f.scope_kind in ('column', 'report')
            or i.row_key = f.scope_key
            or (f.scope_kind in ('proactive', 'applications', 'review_litigation') and i.row_key = f.scope_key)
        )
    where i.issue_code not in ('section_missing', 'row_out_of_order')
),
verdicts as (
    select
        f.source_file,
        f.scope,
        case
            when bool_or(i.issue_code in ('ambiguous_row', 'value_count', 'ambiguous_segmentation')) then 'ambiguous'
            when count(i.issue_code) > 0 then 'extraction'
            else 'source'
        end as attribution
    from failures as f
    left join involved_issues as i using (source_file, scope)
    group by f.source_file, f.scope
)
update dq_results as d
set attribution = v.attribution
from verdicts as v
where d.rule_id = $rule_id and d.source_file = v.source_file and d.scope = v.scope
