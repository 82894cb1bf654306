-- Five typical analytic queries on the warehouse: what the users of these reports compute (spec §6,
-- "Metrics computed by these users"), on the public views. Each query starts with a `-- Qn. title`
-- line and ends with a semicolon; bench/warehouse_100k.py times them on a synthetic 100k-report
-- warehouse. Run one with `xxgk sql "$(sed -n '/-- Q1\./,/;$/p' bench/queries.sql)"`.
--
-- Rates are pooled, never averaged: Σ numerator / Σ denominator over the reports of a group, so a
-- report with 5,000 requests weighs a thousand times one with 5. The denominator D = 三(七) (requests
-- handled) is shown beside every handling rate. v_request_metrics has one row per report document
-- (identical content under two file names counts once) and leaves a rate NULL when its denominator
-- is 0 or a cell it needs is blank or absent; such reports drop out of that rate's sums only.


-- Q1. 予以公开率 and 不予公开率 by agency and year
select
    agency,
    year,
    count(*) as documents,
    sum(requests_handled) as requests_handled,
    round(sum(disclosure_rate * requests_handled)
        / nullif(sum(requests_handled) filter (where disclosure_rate is not null), 0), 4) as disclosure_rate,
    round(sum(substantive_disclosure_rate * requests_handled)
        / nullif(sum(requests_handled) filter (where substantive_disclosure_rate is not null), 0), 4)
        as substantive_disclosure_rate,
    round(sum(refusal_rate * requests_handled)
        / nullif(sum(requests_handled) filter (where refusal_rate is not null), 0), 4) as refusal_rate
from v_request_metrics
group by agency, year
order by requests_handled desc nulls last, agency, year;


-- Q2. Red flags per province and year: 实质公开率 < 40% or 复议纠错率 > 15%, rated only from N ≥ 30
-- (the thresholds of the public dashboard cited in spec §6), with the agencies and requests behind them
with agency_year as (
    select
        province,
        agency,
        year,
        sum(requests_handled) as handled,
        sum(substantive_disclosure_rate * requests_handled)
            / nullif(sum(requests_handled) filter (where substantive_disclosure_rate is not null), 0)
            as substantive_disclosure_rate,
        sum(review_correction_rate * review_total) / nullif(sum(review_total) filter (
            where review_correction_rate is not null), 0) as review_correction_rate
    from v_request_metrics
    group by province, agency, year
)

select
    coalesce(province, '(unknown)') as province,
    year,
    count(*) as agencies,
    count(*) filter (where handled >= 30) as agencies_rated,
    count(*) filter (where handled >= 30 and substantive_disclosure_rate < 0.40) as low_disclosure,
    count(*) filter (where handled >= 30 and review_correction_rate > 0.15) as high_review_correction,
    sum(handled) as requests_handled
from agency_year
group by all
order by province, year;


-- Q3. Why requests were refused: the eight 不予公开 grounds of 三(三) per year, from the long-form cells
select
    r.year,
    d.code,
    d.label,
    sum(c.value) as requests,
    round(sum(c.value) / sum(sum(c.value)) over (partition by r.year), 4) as share_of_refusals
from v_report_cells as c
join v_documents as r using (source_file)  -- one row per document: duplicates under two names count once
join dim_application_rows as d using (row_key)
where c.table_name = 'applications' and c.col_key = 'total' and c.row_key like '3.3.%'
group by r.year, d.code, d.label, d.sort_order
order by r.year, d.sort_order;


-- Q4. Data quality by agency and year: agency-years whose reports break the template's arithmetic
-- (hard rules, after reviewer verdicts), worst first, with completeness and score
select
    agency,
    year,
    reports,
    hard_failed,
    source_errors,
    extraction_doubts,
    completeness,
    score
from v_agency_year_scorecard
where hard_failed > 0
order by hard_failed desc, score, agency, year;


-- Q5. Failing hard rules per province: how many of the province's reports break each hard rule
-- (only the failing verdicts are read: dq_results holds a row per cell for D1 and C3)
with current_reports as (
    select source_file, coalesce(province, '(unknown)') as province
    from reports
    where status <> 'retired'
),

province_reports as (
    select province, count(*) as reports from current_reports group by province
),

failing as (
    select source_file, rule_id, count(*) as scopes_failing
    from dq_results
    where not passed and severity = 'hard'
    group by source_file, rule_id
)

select
    p.province,
    f.rule_id,
    p.reports,
    count(*) as reports_failing,
    round(count(*) / p.reports, 4) as failing_share,
    sum(f.scopes_failing) as scopes_failing
from failing as f
join current_reports as r using (source_file)
join province_reports as p using (province)
group by p.province, f.rule_id, p.reports
order by p.province, f.rule_id;
