-- The rates users compute from a report (spec §6), one row per report document (same content under
-- two names counts once). Denominators are explicit columns; a rate is NULL when its denominator is
-- 0 or a cell it needs is blank or absent (never a guess). Counts are the 总计 column of section 三.
create or replace view v_request_metrics as
with documents as (
    select d.source_file, r.agency, r.agency_kind, r.agency_level, r.province, r.city, r.county, r.year
    from v_documents as d
    join reports as r using (source_file)
),

totals as (
    select
        source_file,
        max(value) filter (where row_key = '1' and col_key = 'total') as received,
        max(value) filter (where row_key = '2') as carried_over,
        max(value) filter (where row_key = '3.1') as granted,
        max(value) filter (where row_key = '3.2') as partly_granted,
        sum(value) filter (where row_key like '3.3.%') as refused,
        sum(value) filter (where row_key like '3.4.%') as unable,
        max(value) filter (where row_key = '3.4.1') as not_held,
        sum(value) filter (where row_key like '3.5.%') as not_processed,
        sum(value) filter (where row_key = '3.6' or row_key like '3.6.%') as other_handling,
        max(value) filter (where row_key = '3.7') as handled,
        max(value) filter (where row_key = '4') as carried_forward,
        max(value) filter (where row_key = '1' and col_key = 'natural_person') as received_natural_person,
        -- a group sum is only known when none of its cells is blank or absent
        count(*) filter (where row_key like '3.%' and row_key <> '3.7' and value is null) as blank_results,
        count(*) filter (where row_key like '3.3.%' and value is null) as blank_refused
    from application_cells
    where col_key = 'total' or (row_key = '1' and col_key = 'natural_person')
    group by source_file
),

review as (
    select
        source_file,
        max(value) filter (where row_key = 'administrative_review' and col_key = 'upheld') as review_upheld,
        max(value) filter (where row_key = 'administrative_review' and col_key = 'corrected') as review_corrected,
        max(value) filter (where row_key = 'administrative_review' and col_key = 'other') as review_other,
        max(value) filter (where row_key = 'administrative_review' and col_key = 'total') as review_total,
        sum(value) filter (where row_key like 'litigation_%' and col_key = 'upheld') as litigation_upheld,
        sum(value) filter (where row_key like 'litigation_%' and col_key = 'corrected') as litigation_corrected,
        sum(value) filter (where row_key like 'litigation_%' and col_key = 'other') as litigation_other,
        max(value) filter (where row_key = 'litigation_direct' and col_key = 'total') as litigation_direct_total,
        case when count(*) filter (where row_key like 'litigation_%' and col_key = 'total' and value is null) = 0
            then sum(value) filter (where row_key like 'litigation_%' and col_key = 'total') end as litigation_total
    from review_litigation_cells
    group by source_file
)

select
    d.*,
    t.handled as requests_handled,  -- D, the denominator of the handling rates
    t.received,
    t.carried_over,
    -- the counts of section 三 and 四 (总计 column) the rates rest on; a group sum NULL when a cell of it is blank
    t.granted,
    t.partly_granted,
    case when t.blank_refused = 0 then t.refused end as refused,
    t.not_held,
    r.litigation_total,
    t.granted / nullif(t.handled, 0) as disclosure_rate,
    (t.granted + t.partly_granted) / nullif(t.handled, 0) as substantive_disclosure_rate,
    case when t.blank_results = 0 then t.refused / nullif(t.handled, 0) end as refusal_rate,
    case when t.blank_results = 0 then t.unable / nullif(t.handled, 0) end as unable_rate,
    t.not_held / nullif(t.handled, 0) as not_held_rate,
    case when t.blank_results = 0 then t.not_processed / nullif(t.handled, 0) end as not_processed_rate,
    case when t.blank_results = 0 then t.other_handling / nullif(t.handled, 0) end as other_handling_rate,
    t.carried_forward / nullif(t.received + t.carried_over, 0) as carry_forward_rate,
    1 - t.received_natural_person / nullif(t.received, 0) as organisation_share,
    r.review_total,
    r.review_corrected / nullif(r.review_upheld + r.review_corrected + r.review_other, 0) as review_correction_rate,
    r.review_corrected / nullif(r.review_total, 0) as review_correction_rate_of_total,
    r.litigation_corrected / nullif(r.litigation_upheld + r.litigation_corrected + r.litigation_other, 0)
        as litigation_correction_rate,
    (r.review_total + r.litigation_direct_total) / nullif(t.handled, 0) * 100 as disputes_per_100_requests
from documents as d
left join totals as t using (source_file)
left join review as r using (source_file)
