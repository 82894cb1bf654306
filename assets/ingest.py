import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.resources import ReportSource
from pipeline import ingest, warehouse
from pipeline.frames import CELL_TABLES


@dg.asset(group_name="ingest", kinds={"duckdb"})
def raw_reports(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """Every file in the raw folder, sniffed from its bytes: format, size and SHA-256 content hash.

    Writes `source_files` (one row per file). Files that cannot be reports (empty, JSON, unknown
    binary, too large) are already marked here with a specific reason.
    """
    sources = ingest.scan(report_source.settings())
    with duckdb.get_connection() as con:
        warehouse.ensure_schema(con)
        ingest.record_scan(con, sources)
    formats: dict[str, int] = {}
    for s in sources:
        formats[s.format or "rejected"] = formats.get(s.format or "rejected", 0) + 1
    context.log.info(f"scanned {len(sources)} files: {formats}")
    return dg.MaterializeResult(metadata={"files": len(sources), **{f"format_{k}": v for k, v in formats.items()}})


@dg.asset(group_name="ingest", deps=[raw_reports], kinds={"duckdb", "polars"})
def report_cells(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """Every cell of sections 二, 三 and 四 of every readable report, with lineage.

    Each file is read into the neutral document model, parsed against the template catalogue into
    polars frames and loaded into `reports`, `proactive_cells`, `application_cells`,
    `review_litigation_cells`, `parse_issues` and `report_sections` in one transaction per report.
    Unreadable files land in `quarantine` with their reason; the run carries on. Files whose content
    (SHA-256) was already loaded by this parser version are skipped; reports whose file left the raw
    folder are marked `retired` (their rows stay).
    """
    loaded = quarantined = unchanged = cells = 0
    settings = report_source.settings()
    with duckdb.get_connection() as con:
        sources = ingest.scanned(con)
        for source in sources:
            if ingest.is_current(con, source):
                unchanged += 1
                continue
            outcome = ingest.process(source, settings)
            ingest.store(con, outcome)
            if outcome.frames is None:
                quarantined += 1
                context.log.warning(f"quarantined {source.name}: {outcome.reason}")
            else:
                loaded += 1
                cells += sum(outcome.frames[t].height for t in CELL_TABLES.values())
        retired = ingest.retire_missing(con, sources)
    return dg.MaterializeResult(
        metadata={
            "reports_loaded": loaded,
            "quarantined": quarantined,
            "unchanged": unchanged,
            "retired": dg.MetadataValue.json(retired),
            "cells": cells,
        }
    )
