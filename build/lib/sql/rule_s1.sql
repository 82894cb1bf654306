-- S1 (cross-report): this year's 二 上年结转 equals last year's 四 结转下年度, same agency, per column.
-- The same agency is the same normalised name (pipeline/agency.py): "江苏省淮安市人民政府" one year and
-- "淮安市人民政府" the next, or a name misread by OCR, are one agency.
with reports_by_agency as (
    select source_file, coalesce(agency_normalised, agency) as agency, year
    from reports
    where agency is not null and year is not null and status <> 'retired'
),
pairs as (
    select cur.source_file, prev.source_file as previous_file, cur.year
    from reports_by_agency as cur
    join reports_by_agency as prev on prev.agency = cur.agency and prev.year = cur.year - 1
)
select
    p.source_file,
    'column ' || now.col_key as scope,
    now.value as observed,
    before.value as expected,
    now.value is not null and before.value is not null as assessable,
    '二 上年结转 ' || coalesce(now.value::varchar, 'blank') || ' vs ' || p.previous_file || ' 四 结转下年度 '
        || coalesce(before.value::varchar, 'blank') as details
from pairs as p
join application_cells as now on now.source_file = p.source_file and now.row_key = '2'
join application_cells as before
    on before.source_file = p.previous_file and before.row_key = '4' and before.col_key = now.col_key
