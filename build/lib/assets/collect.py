import dagster as dg

from assets.resources import ReportSource
from pipeline.collect import collect, load_sources


@dg.asset(group_name="collect", kinds={"http"})
def collected_reports(context: dg.AssetExecutionContext, report_source: ReportSource) -> dg.MaterializeResult:
    """Reports collected from the portal columns of `data/sources.yaml` into the raw folder.

    Walks each source's list pages, opens its report items (年度报告, 年报, a 函 carrying one) and keeps
    the report page and its attachments, politely (robots.txt, one request at a time per host, retries
    with backoff, conditional GETs: a second run downloads only what changed). Every fetch lands in the
    collector's ledger (`collect/ledger.sqlite` beside the warehouse), which `raw_reports` loads into
    `source_documents`. A failing source is recorded and the others go on. Writes no warehouse table.
    """
    settings = report_source.settings()
    sources = load_sources(settings.sources_file)
    if not sources:
        return dg.MaterializeResult(metadata={"sources": 0, "note": f"no source in {settings.sources_file}"})
    runs = collect(settings, sources, progress=context.log.debug)
    for run in runs:
        for error in run.errors[:20]:
            context.log.warning(f"{run.source}: {error}")
        if run.failure:
            context.log.error(f"{run.source}: not collected: {run.failure}")
    return dg.MaterializeResult(
        metadata={
            "sources": len(runs),
            "failed_sources": dg.MetadataValue.json({r.source: r.failure for r in runs if r.failure}),
            "files_written": sum(len(r.files_written) for r in runs),
            "unchanged": sum(r.unchanged for r in runs),
            "errors": sum(len(r.errors) for r in runs),
            "per_source": dg.MetadataValue.json({r.source: r.counts() for r in runs}),
        }
    )


# Every asset but the collection, the only step that goes out to the network: the runs over the raw
# folder (sensor, nightly materialisation, `xxgk run`, the Dask job) never start it.
OFFLINE_ASSETS = dg.AssetSelection.all() - dg.AssetSelection.assets(collected_reports)
