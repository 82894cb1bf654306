-- Every cell with a readable pointer to where it was printed: page and box (PDF), table/row/column
-- (DOCX, HTML, PDF grids) or character span (text), next to the file's content hash.
create or replace view v_cell_sources as
with cells as (
    select 'proactive' as table_name, * from proactive_cells
    union all
    select 'applications', * from application_cells
    union all
    select 'review_litigation', * from review_litigation_cells
)
select
    c.source_file,
    r.sha256,
    r.format,
    c.table_name,
    c.row_key,
    c.col_key,
    c.value,
    c.semantic,
    c.raw_text,
    c.read_as,
    c.ocr_confidence,
    case when c.raw_text is null and c.value is not null then 'not printed: inferred by the rules (see parse_issues)'
    else concat_ws(
        ', ',
        'OCR (confidence ' || round(c.ocr_confidence, 3) || ')',
        'page ' || c.page,
        'table ' || c.table_index,
        'row ' || c.row_index,
        'column ' || c.col_index,
        'chars ' || c.char_start || '-' || c.char_end,
        'box (' || round(c.x0, 1) || ', ' || round(c.top, 1) || ', ' || round(c.x1, 1) || ', ' || round(c.bottom, 1) || ')'
    ) end as location
from cells as c
join reports as r using (source_file)
