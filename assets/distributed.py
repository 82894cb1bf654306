"""The same asset graph on a Dask cluster: parse chunks fan out over the workers, the warehouse keeps
one writer.

Every step of `distributed_warehouse_job` is a Dask task. The parse steps (`parse_documents`, one per
chunk of documents) run in parallel on any worker and only write Parquet bundles to shared storage
(`XXGK_PARSED_ROOT`); the steps that write DuckDB (`raw_reports`, `report_cells`, `dq_results`) depend
on each other, so they run one at a time, and the rule checks and Data Docs only read. See
docs/distributed.md for a multi-machine deployment.
"""

import dagster as dg

from assets.collect import OFFLINE_ASSETS
from assets.graph import ALL_ASSETS, ASSET_CHECKS
from assets.plan import RunPlan
from assets.resources import build_resources
from pipeline.settings import Settings


@dg.executor(
    name="dask",
    requirements=dg.multiple_process_executor_requirements(),
    # dagster_dask's schema, checked by its executor when a run starts: {"cluster": {"existing": {...}}}
    config_schema={"cluster": dg.Field(dg.Permissive(), is_required=False)},
)
def dask_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    """dagster_dask's executor, imported when a distributed run starts: importing Dask costs two
    seconds, which every local run (`xxgk run`, the nightly job) would otherwise pay for nothing."""
    from dagster_dask import dask_executor as imported

    return imported.executor_creation_fn(init_context)  # type: ignore[misc]


distributed_warehouse_job = dg.define_asset_job(
    "distributed_warehouse_job",
    selection=OFFLINE_ASSETS,
    executor_def=dask_executor,
    description="warehouse_job on a Dask cluster (run config: execution.config.cluster, e.g. existing.address).",
)


def job_for_workers() -> dg.JobDefinition:
    """The job as workers rebuild it (`dg.reconstructable`): the asset graph with this process's settings."""
    defs = dg.Definitions(
        assets=ALL_ASSETS, asset_checks=ASSET_CHECKS, jobs=[distributed_warehouse_job],
        resources=build_resources(Settings.from_env()),
    )  # fmt: skip
    return defs.resolve_job_def("distributed_warehouse_job")


def run_on_cluster(address: str, instance: dg.DagsterInstance, plan: RunPlan) -> bool:
    """A run plan (`assets.plan.plan_run`, as for `xxgk run` and the nightly schedule) as one run of
    `distributed_warehouse_job` on the Dask scheduler at `address`. The instance must be persistent
    (DAGSTER_HOME) and the workers must see the same XXGK_* settings and storage as this process."""
    with dg.execute_job(
        dg.reconstructable(job_for_workers),
        instance=instance,
        tags=plan.tags or None,
        asset_selection=plan.assets,
        run_config={"execution": {"config": {"cluster": {"existing": {"address": address}}}}},
        raise_on_error=False,
    ) as result:
        return result.success
