"""When things run: the jobs, the file sensor and the nightly schedules (what a run does is planned in
`assets/plan.py`, the same for `xxgk run`).

- The sensor (every minute) hashes new or changed files in the raw folder (unchanged files come from
  the scan cache), adds one `report_documents` partition per new content hash and requests one run of
  `warehouse_job` for exactly those partitions.
- The nightly collection (01:30 Asia/Shanghai) collects the portal columns of `data/sources.yaml` into
  the raw folder (`collect_job`); the sensor then sees the new files.
- The nightly schedule (02:00 Asia/Shanghai) materialises whatever is new or stale: partitions not
  parsed by the current parser version, and the warehouse tables when the folder changed (removed files
  are retired). A night with nothing new is skipped with a reason, without starting a run.
"""

import dagster as dg

from assets.collect import OFFLINE_ASSETS, collected_reports
from assets.ingest import report_documents
from assets.plan import new_keys, partitions_tags, plan_run
from assets.resources import ReportSource
from pipeline import store

warehouse_job = dg.define_asset_job(
    "warehouse_job",
    selection=OFFLINE_ASSETS,
    description="Scan the raw folder, parse the report documents, load the warehouse and validate every rule.",
)
collect_job = dg.define_asset_job(
    "collect_job",
    selection=dg.AssetSelection.assets(collected_reports),
    description="Collect the reports of the portal columns in data/sources.yaml into the raw folder.",
)


@dg.sensor(job=warehouse_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_report_files(context: dg.SensorEvaluationContext, report_source: ReportSource) -> dg.SensorResult:
    """New or changed report files in the raw folder: one partition per new content hash and one run
    of `warehouse_job` for exactly those partitions."""
    settings = report_source.settings()
    sources = store.scan(settings)
    new = new_keys(context.instance, sources)
    if not new:
        return dg.SensorResult(skip_reason=f"no new content among {len(sources)} files")
    names = sorted(s.name for s in sources if s.sha256 in set(new))
    context.log.info(f"{len(new)} new report documents: {names[:10]}")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"{new[0]}..{new[-1]}", tags=partitions_tags(new))],
        dynamic_partitions_requests=[report_documents.build_add_request(new)],
    )


@dg.schedule(
    job=warehouse_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly(context: dg.ScheduleEvaluationContext, report_source: ReportSource) -> dg.RunRequest | dg.SkipReason:
    """Every night at 02:00 (Asia/Shanghai): the plan of a run now (`assets.plan.plan_run`): parse what
    is new or stale, reload the warehouse and re-run every rule, including the cross-report ones.
    Nothing new: skipped with the reason, no run."""
    plan = plan_run(report_source.settings(), context.instance)
    if plan.empty:
        return dg.SkipReason(plan.reason)
    return dg.RunRequest(tags=plan.tags, asset_selection=plan.assets)


@dg.schedule(
    job=collect_job,
    cron_schedule="30 1 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def nightly_collection(
    context: dg.ScheduleEvaluationContext, report_source: ReportSource
) -> dg.RunRequest | dg.SkipReason:
    """Every night at 01:30 (Asia/Shanghai), before the nightly materialisation: collect the sources of
    `data/sources.yaml`. No source listed: skipped, no run."""
    from pipeline.collect import SourcesFileError, load_sources

    settings = report_source.settings()
    try:
        sources = load_sources(settings.sources_file)
    except SourcesFileError as exc:
        return dg.SkipReason(str(exc))
    if not sources:
        return dg.SkipReason(f"no source listed in {settings.sources_file}")
    return dg.RunRequest()
