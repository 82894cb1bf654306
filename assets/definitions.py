"""The one code location: assets, rule checks, resources, job and nightly schedule."""

import dagster as dg

from assets.ingest import raw_reports, report_cells
from assets.quality import data_docs, dq_results, rule_checks
from assets.resources import build_resources
from pipeline.settings import Settings

ALL_ASSETS = [raw_reports, report_cells, dq_results, data_docs]

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=dg.AssetSelection.all(),
    description=("Scan the raw folder, parse every report, load the warehouse and validate every rule."),
)
nightly = dg.ScheduleDefinition(job=warehouse_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai")


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=rule_checks,
        jobs=[warehouse_job],
        schedules=[nightly],
        resources=build_resources(settings),
        # DuckDB allows one writer process: every step runs in the launching process.
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
