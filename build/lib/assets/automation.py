"""When things run: the file sensor, the nightly schedule, and the plan both share with `xxgk run`.

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
from dagster._core.storage.defs_state.base import set_defs_state_storage  # no public form (1.13)

from assets.collect import OFFLINE_ASSETS, collected_reports
from assets.ingest import report_documents
from assets.resources import ReportSource
from pipeline import store, warehouse
from pipeline.settings import Settings, parser_version
from pipeline.sniff import SourceFile

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"

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


def content_keys(sources: list[SourceFile]) -> list[str]:
    """Partition keys of the files, in file-name order, each content once."""
    return list(dict.fromkeys(s.sha256 for s in sorted(sources, key=lambda s: s.name)))


def new_keys(instance: dg.DagsterInstance, sources: list[SourceFile]) -> list[str]:
    """Content hashes of the files that have no partition yet, in order."""
    known = set(instance.get_dynamic_partitions(report_documents.name))
    return [k for k in content_keys(sources) if k not in known]


def add_partitions(instance: dg.DagsterInstance, sources: list[SourceFile]) -> list[str]:
    """Add a partition for every content hash not yet known; returns the new keys (in order)."""
    new = new_keys(instance, sources)
    if new:
        instance.add_dynamic_partitions(report_documents.name, new)
    return new


def partitions_tags(keys: list[str]) -> dict[str, str]:
    """Run tags selecting the partitions from keys[0] to keys[-1] (in the order they were added)."""
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}


def unparsed_span(instance: dg.DagsterInstance, settings: Settings, sources: list[SourceFile]) -> list[str]:
    """The partition range covering every present content not yet parsed by this parser version
    (contiguous in practice: new content is added at the end, a parser bump makes all of it stale)."""
    present = {s.sha256 for s in sources}
    keys = instance.get_dynamic_partitions(report_documents.name)
    todo = [i for i, k in enumerate(keys) if k in present and not store.has_bundle(settings, k)]
    return keys[todo[0] : todo[-1] + 1] if todo else []


def warehouse_lag(settings: Settings, sources: list[SourceFile]) -> str | None:
    """Why the warehouse does not reflect the folder yet, or None when it does: it lists exactly these
    files, loaded by this parser version, every report has its rule verdicts, and the reviews are those
    of the reviews file."""
    from pipeline.reviews import ReviewFileError, load_reviews

    if not settings.warehouse.exists():
        return "no warehouse yet"
    try:
        reviews = sorted(load_reviews(settings.reviews_file).rows(), key=repr)
    except ReviewFileError as exc:
        return f"the reviews file needs a run to report it ({exc})"
    try:
        con = warehouse.connect(settings.warehouse, read_only=True)
    except warehouse.WarehouseBusy:
        return None  # a run is writing right now; the next evaluation looks again
    try:
        listed = set(con.execute("select source_file, sha256 from source_files").fetchall())
        versions = {
            v
            for (v,) in con.execute(
                "select parser_version from reports where status <> 'retired'"
                " union select parser_version from quarantine"
            ).fetchall()
        }
        unvalidated = con.execute(
            "select count(*) from reports r where status <> 'retired'"
            " and not exists (select 1 from report_quality q where q.source_file = r.source_file)"
        ).fetchall()[0][0]
        loaded_reviews = sorted(
            con.execute("select source_file, rule_id, scope, verdict, note from reviews").fetchall(), key=repr
        )
    except Exception as exc:  # an older schema or a damaged file: rebuild rather than trust it
        return f"warehouse unreadable ({type(exc).__name__})"
    finally:
        con.close()
    if listed != {(s.name, s.sha256) for s in sources}:
        return "the raw folder changed"
    if versions - {parser_version()}:
        return f"rows from parser versions {sorted(versions - {parser_version()})}"
    if unvalidated:
        return f"{unvalidated} reports without rule verdicts"
    if reviews != loaded_reviews:
        return "the reviews file changed"
    return None


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
    """Every night at 02:00 (Asia/Shanghai): parse what is new or stale, reload the warehouse and
    re-run every rule, including the cross-report ones. Nothing new: skipped, no run."""
    settings = report_source.settings()
    sources = store.scan(settings)
    add_partitions(context.instance, sources)
    span = unparsed_span(context.instance, settings, sources)
    if span:
        return dg.RunRequest(tags=partitions_tags(span))
    lag = warehouse_lag(settings, sources)
    if lag is None:
        return dg.SkipReason(f"nothing new: {len(sources)} files, all parsed by {parser_version()} and loaded")
    # Nothing to parse but the warehouse lags (files removed or renamed): the unpartitioned steps.
    return dg.RunRequest(asset_selection=[dg.AssetKey(k) for k in ("raw_reports", "report_cells", "dq_results",
                                                                     "data_docs")])  # fmt: skip


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


def collect_reports(
    settings: Settings, instance: dg.DagsterInstance, verbose: bool = False
) -> dg.ExecuteInProcessResult:
    """In this process, the collection alone (`xxgk collect`): the same asset the nightly run materialises."""
    from assets.resources import build_resources

    with set_defs_state_storage(None):
        return dg.materialize(
            [collected_reports],
            resources=build_resources(settings),
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}},
        )


def materialize_all(
    settings: Settings, instance: dg.DagsterInstance, verbose: bool = False, validate: bool = True
) -> dg.ExecuteInProcessResult:
    """In this process, everything new or stale (the nightly plan): partitions for new content,
    parsing of what this parser version has not parsed, then loading and every rule check.
    `validate=False` leaves out the Data Docs site (quick runs in tests)."""
    from assets.definitions import ALL_ASSETS
    from assets.ingest import parsed_reports
    from assets.quality import coverage_gaps, data_docs
    from assets.resources import build_resources

    sources = store.scan(settings)
    add_partitions(instance, sources)
    span = unparsed_span(instance, settings, sources)
    assets = ALL_ASSETS if validate else [a for a in ALL_ASSETS if a is not data_docs]
    # Dagster looks its definitions-state storage up in a context variable that an instance sets when
    # entered; one entered and never left (and since collected) leaves a dead weak reference there, and
    # loading the definitions then fails ("undefined DagsterInstance weakref"), even with this run's own
    # declared (seen under load: its storage's instance reference died too). These definitions keep no
    # state (no state-backed components): declare none, so nothing can point at a collected instance.
    with set_defs_state_storage(None):
        return dg.materialize(
            [*assets, coverage_gaps],
            resources=build_resources(settings),
            instance=instance,
            # never the collection: a run over the raw folder does not go out to the network
            selection=[a.key for a in assets if a is not collected_reports and (span or a is not parsed_reports)],
            tags=partitions_tags(span) if span else None,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}},
        )
