"""The one code location: assets, rule checks, resources, job, sensor and nightly schedule."""

import dagster as dg

from assets.automation import collect_job, new_report_files, nightly, nightly_collection, warehouse_job
from assets.distributed import distributed_warehouse_job
from assets.graph import ALL_ASSETS, ASSET_CHECKS
from assets.resources import build_resources
from pipeline.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=[warehouse_job, collect_job, distributed_warehouse_job],
        schedules=[nightly_collection, nightly],
        sensors=[new_report_files],
        resources=build_resources(settings),
        # DuckDB allows one writer process: by default every step runs in the launching process
        # (distributed_warehouse_job brings its own executor).
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
