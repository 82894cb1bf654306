import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.collect import collected_reports
from assets.resources import ReportSource
from pipeline import collect, ingest, parse_pool, store, warehouse
from pipeline.frames import CELL_TABLES
from pipeline.progress import progress
from pipeline.settings import PARSER_VERSION

# One partition per report document, keyed by the SHA-256 of its content: the same bytes under two
# names are one partition; an edited file is a new one. Added by the sensor, the schedule and the CLI.
report_documents = dg.DynamicPartitionsDefinition(name="report_documents")


@dg.asset(group_name="ingest", deps=[collected_reports], kinds={"duckdb"})
def raw_reports(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """Every file in the raw folder, sniffed from its bytes: format, size and SHA-256 content hash.

    Writes `source_files` (one row per file). Files that cannot be reports (empty, JSON, unknown
    binary, too large) are already marked here with a specific reason. Unchanged files (same path,
    size and modification time) are not read again. Also `source_documents` (where collected files
    came from, the collector's ledger) and `listed_publishers` (who `data/sources.yaml` expects).
    """
    settings = report_source.settings()
    sources = store.scan(settings)
    try:
        publishers = collect.publisher_frame(collect.load_sources(settings.sources_file))
    except collect.SourcesFileError as exc:
        context.log.warning(f"{exc}: the expected publishers are left as they were")
        publishers = None
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        ingest.record_scan(con, sources)
        warehouse.load_collection(con, collect.document_frame(settings), publishers)
    formats: dict[str, int] = {}
    for s in sources:
        formats[s.format or "rejected"] = formats.get(s.format or "rejected", 0) + 1
    context.log.info(f"scanned {len(sources)} files: {formats}")
    return dg.MaterializeResult(metadata={"files": len(sources), **{f"format_{k}": v for k, v in formats.items()}})


# Parsing fans out over this many parallel steps, each taking the documents whose hash falls in its
# shard (fixed here: the graph's shape cannot depend on a run's settings). Executors that run steps
# in parallel (Dask, multiprocess) spread them over workers; DuckDB writes stay in later steps.
PARSE_SHARDS = 4


def shard_of(key: str) -> int:
    return int(key[:8], 16) % PARSE_SHARDS


def parse_shard(shard: int) -> dg.OpDefinition:
    @dg.op(name=f"parse_shard_{shard}", ins={"scanned": dg.In(dg.Nothing)})
    def _parse(context: dg.OpExecutionContext, report_source: ReportSource) -> dict:
        """Parse this shard's documents of the run (by content hash) into bundles. Writes files,
        never the warehouse; content already parsed by this parser version is skipped."""
        settings = report_source.settings()
        todo = [k for k in context.partition_keys if shard_of(k) == shard and not store.has_bundle(settings, k)]
        by_hash = {s.sha256: s for s in store.scan(settings)} if todo else {}
        parsed, gone, quarantined = 0, 0, {}
        present = []
        for key in todo:
            if key in by_hash:
                present.append(by_hash[key])
            else:  # the file left the raw folder after the partition was added
                gone += 1
                context.log.warning(f"partition {key[:12]}: no file with this content in {settings.raw_dir}")
        # Worker processes (one per core) read the files; each outcome is stored as a bundle.
        for done in progress(parse_pool.parse_all(present, settings), settings, f"parse {shard + 1}/{PARSE_SHARDS}",
                             total=len(present)):  # fmt: skip
            parsed += 1
            if done.reason_code is not None:
                quarantined[done.source.name] = f"{done.reason_code}: {done.reason}"
        return {"parsed": parsed, "file_gone": gone, "quarantined": quarantined}

    return _parse


PARSE_OPS = [parse_shard(i) for i in range(PARSE_SHARDS)]


@dg.op(out=dg.Out(dg.Nothing))
def parse_summary(context: dg.OpExecutionContext, chunks: list) -> None:
    parse_pool.release()  # every shard is done: the parse workers' memory goes back before loading
    quarantined = {name: reason for chunk in chunks for name, reason in chunk["quarantined"].items()}
    context.add_output_metadata(
        {
            "parsed": sum(c["parsed"] for c in chunks),
            "file_gone": sum(c["file_gone"] for c in chunks),
            "quarantined": dg.MetadataValue.json(quarantined),
            "parser_version": PARSER_VERSION,
        }
    )


@dg.graph_asset(
    group_name="ingest",
    ins={"raw_reports": dg.AssetIn(dagster_type=dg.Nothing)},
    partitions_def=report_documents,
    # A parser change makes every partition stale in the UI; the bundle store is keyed by version too.
    code_version=PARSER_VERSION,
    # A range of partitions runs as one run (the nightly run, the sensor, `xxgk run`): not a run per file.
    backfill_policy=dg.BackfillPolicy.single_run(),
    kinds={"polars", "parquet"},
)
def parsed_reports(raw_reports: None) -> None:
    """Each report document (partition = content hash) read into the neutral document model and
    parsed against the template catalogue into polars frames, stored as Parquet by content hash and
    parser version (`parsed/<version>/…`), or a specific quarantine reason.

    Writes no warehouse table: parsing fans out over PARSE_SHARDS steps (a distributed executor spreads
    them over workers); loading stays a single writer (`report_cells`). Content already parsed by this
    parser version is skipped.
    """
    return parse_summary([parse(scanned=raw_reports) for parse in PARSE_OPS])


@dg.asset(group_name="ingest", deps=[parsed_reports], kinds={"duckdb"})
def report_cells(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """Every cell of sections 二, 三 and 四 of every readable report, with lineage.

    Loads the parsed bundles of the files in the raw folder into `reports`, `proactive_cells`,
    `application_cells`, `review_litigation_cells`, `parse_issues`, `report_sections` and
    `narrative_figures`, in bulk: one transaction per batch of reports, one insert per table (the single
    DuckDB writer); a report's rows land whole or not at all. Unreadable files
    land in `quarantine` with their reason. Files whose content was already loaded by this parser
    version are skipped; files not parsed yet wait for their partition; reports whose file left the
    raw folder are marked `retired` (their rows stay).
    """
    loaded = quarantined = unchanged = cells = 0
    waiting: list[str] = []
    settings = report_source.settings()
    with duckdb.get_connection() as con:
        sources = ingest.scanned(con)
        current = ingest.current_contents(con)
        todo = [s for s in sources if (s.name, s.sha256) not in current]
        unchanged = len(sources) - len(todo)
        for first in range(0, len(todo), settings.load_batch_reports):
            batch = store.load_batch(con, settings, todo[first : first + settings.load_batch_reports])
            waiting += batch.waiting
            loaded += len(batch.loaded)
            quarantined += len(batch.quarantined)
            cells += sum(batch.rows.get(t, 0) for t in CELL_TABLES.values())
            for name, reason in batch.quarantined.items():
                context.log.warning(f"quarantined {name}: {reason}")
        retired = ingest.retire_missing(con, sources)
    if waiting:
        context.log.info(f"{len(waiting)} files wait for their partition to be parsed: {waiting[:5]}")
    return dg.MaterializeResult(
        metadata={
            "reports_loaded": loaded,
            "quarantined": quarantined,
            "unchanged": unchanged,
            "awaiting_parse": dg.MetadataValue.json(waiting),
            "retired": dg.MetadataValue.json(retired),
            "cells": cells,
        }
    )
