-- Everything some reports contributed, so a reload replaces each whole. Parameter: source_files (a list).
delete from reports where list_contains($source_files, source_file);
delete from quarantine where list_contains($source_files, source_file);
delete from proactive_cells where list_contains($source_files, source_file);
delete from application_cells where list_contains($source_files, source_file);
delete from review_litigation_cells where list_contains($source_files, source_file);
delete from parse_issues where list_contains($source_files, source_file);
delete from report_sections where list_contains($source_files, source_file);
delete from narrative_figures where list_contains($source_files, source_file);
delete from dq_results where list_contains($source_files, source_file);
delete from report_quality where list_contains($source_files, source_file);
