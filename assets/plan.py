"""The one run planner: what a run over the raw folder does, decided in one place for every way a run
starts (`xxgk run`, the nightly schedule, the Dask job), and the in-process runs.

A plan is the partitions (content hashes) not parsed by this parser version, and the assets to
materialise: everything but the collection when there is something to parse; the unpartitioned steps
when only the warehouse lags the folder (files removed or renamed, a new reviews file, verdicts
missing); nothing, with the reason, when the warehouse reflects the folder.
"""

from dataclasses import dataclass, field

import dagster as dg
from dagster._core.storage.defs_state.base import set_defs_state_storage  # no public form (1.13)

from assets.collect import collected_reports
from assets.graph import ALL_ASSETS, ASSET_CHECKS
from assets.ingest import parsed_reports, report_documents
from assets.quality import data_docs
from assets.resources import build_resources
from pipeline import store, warehouse
from pipeline.settings import Settings, parser_version
from pipeline.sniff import SourceFile

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


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


@dataclass(frozen=True)
class RunPlan:
    """What one run does: parse these partitions (a contiguous range of `report_documents`), materialise
    these assets; or nothing, and why."""

    partitions: list[str] = field(default_factory=list)
    assets: list[dg.AssetKey] = field(default_factory=list)
    reason: str = ""  # why the run is needed, or why nothing is

    @property
    def empty(self) -> bool:
        return not self.assets

    @property
    def tags(self) -> dict[str, str]:
        return partitions_tags(self.partitions) if self.partitions else {}


def plan_run(settings: Settings, instance: dg.DagsterInstance, force: bool = False, validate: bool = True) -> RunPlan:
    """The plan of a run over the raw folder now (new content gets its partition on the way).
    `force`: the unpartitioned steps even when nothing is new; `validate=False` leaves out Data Docs."""
    sources = store.scan(settings)
    add_partitions(instance, sources)
    span = unparsed_span(instance, settings, sources)
    offline = [a.key for a in ALL_ASSETS if a is not collected_reports and (validate or a is not data_docs)]
    if span:
        return RunPlan(span, offline, f"{len(span)} report document{'' if len(span) == 1 else 's'} to parse")
    lag = warehouse_lag(settings, sources)
    if lag is None and not force:
        return RunPlan(reason=f"nothing new: {len(sources)} files, all parsed by {parser_version()} and loaded")
    return RunPlan([], [k for k in offline if k != parsed_reports.key], lag or "forced")


def materialize_all(
    settings: Settings, instance: dg.DagsterInstance, verbose: bool = False, validate: bool = True
) -> dg.ExecuteInProcessResult:
    """In this process, the plan of a run now (`plan_run`, forced: the unpartitioned steps run even when
    nothing is new): partitions for new content, parsing of what this parser version has not parsed,
    then loading and every rule check. `validate=False` leaves out the Data Docs site (quick runs)."""
    return materialize_plan(settings, instance, plan_run(settings, instance, True, validate), verbose)


def materialize_plan(
    settings: Settings, instance: dg.DagsterInstance, plan: RunPlan, verbose: bool = False
) -> dg.ExecuteInProcessResult:
    """Run a plan in this process."""
    # Dagster looks its definitions-state storage up in a context variable that an instance sets when
    # entered; one entered and never left (and since collected) leaves a dead weak reference there, and
    # loading the definitions then fails ("undefined DagsterInstance weakref"), even with this run's own
    # declared (seen under load: its storage's instance reference died too). These definitions keep no
    # state (no state-backed components): declare none, so nothing can point at a collected instance.
    with set_defs_state_storage(None):
        return dg.materialize(
            [*ALL_ASSETS, *ASSET_CHECKS],
            resources=build_resources(settings),
            instance=instance,
            selection=plan.assets,  # never the collection: a run over the raw folder stays off the network
            tags=plan.tags or None,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}},
        )


def prepare_process(settings: Settings) -> None:
    """Load now what a run otherwise loads on first use, for a process that runs many times (`xxgk
    watch`): the judge (GX's import, its context, the run suite registered), jieba's dictionaries,
    and the judge of an existing Data Docs site (every rule's suite registered)."""
    from expectations.suites import docs_judge, run_judge
    from pipeline.narrative.segmenter import tokenizer

    run_judge().prepare()
    tokenizer().initialize()
    if settings.data_docs_index.exists():
        docs_judge(settings.gx_root).prepare()
