-- Everything one report contributed, so a reload replaces it whole. Parameter: source_file.
delete from reports where source_file = $source_file;
delete from quarantine where source_file = $source_file;
delete from proactive_cells where source_file = $source_file;
delete from application_cells where source_file = $source_file;
delete from review_litigation_cells where source_file = $source_file;
delete from parse_issues where source_file = $source_file;
delete from report_sections where source_file = $source_file;
delete from narrative_figures where source_file = $source_file;
delete from dq_results where source_file = $source_file;
delete from report_quality where source_file = $source_file;
