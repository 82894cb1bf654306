-- Attribution of the hard rules' failures judged in this run ($rule_ids, each reading the cells of the
-- table at the same place in $rule_tables, NULL for rules over every table). `extraction`: the parser
-- recorded an issue on a row the failure involves (a rule-backed repair, a missing column, a row it
-- could not read); `ambiguous`: that issue is an ambiguity it could not resolve; `source`: every cell
-- was read unambiguously, so the published report is inconsistent.
with hard_rules as (
    select unnest($rule_ids) as rule_id, unnest($rule_tables) as rule_table
),
failures as (
    select
        d.source_file, d.rule_id, d.scope, h.rule_table,
        split_part(d.scope, ' ', 1) as scope_kind, split_part(d.scope, ' ', 2) as scope_key
    from dq_results as d
    join hard_rules as h on h.rule_id = d.rule_id
    where d.passed = false and d.attribution is null  -- failures judged in this run
),
involved_issues as (
    select f.source_file, f.rule_id, f.scope, i.issue_code
    from failures as f
    join parse_issues as i
        on i.source_file = f.source_file
        and (i.table_name = coalesce(f.rule_table, f.scope_kind) or i.table_name is null)
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
        f.rule_id,
        f.scope,
        case
            when bool_or(i.issue_code in ('ambiguous_row', 'value_count', 'ambiguous_segmentation')) then 'ambiguous'
            when count(i.issue_code) > 0 then 'extraction'
            else 'source'
        end as attribution
    from failures as f
    left join involved_issues as i using (source_file, rule_id, scope)
    group by f.source_file, f.rule_id, f.scope
)
update dq_results as d
set attribution = v.attribution
from verdicts as v
where d.rule_id = v.rule_id and d.source_file = v.source_file and d.scope = v.scope
