"""The asset graph: every asset and asset check of the code location, in dependency order."""

from assets.collect import collected_reports
from assets.ingest import parsed_reports, raw_reports, report_cells
from assets.quality import coverage_gaps, data_docs, dq_results

ALL_ASSETS = [collected_reports, raw_reports, parsed_reports, report_cells, dq_results, data_docs]
ASSET_CHECKS = [coverage_gaps]  # the rule checks are `dq_results`'s own check specs
