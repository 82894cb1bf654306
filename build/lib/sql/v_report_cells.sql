-- The public long-form view of every cell of sections 二, 三 and 四 (the evaluation contract).
create or replace view v_report_cells as
with proactive as (
    select source_file, 'proactive' as table_name, row_key, col_key, value from proactive_cells
),
applications as (
    select source_file, 'applications' as table_name, row_key, col_key, value from application_cells
),
review_litigation as (
    select source_file, 'review_litigation' as table_name, row_key, col_key, value
    from review_litigation_cells
)
select * from proactive
union all
select * from applications
union all
select * from review_litigation;
