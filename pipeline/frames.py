"""A parsed report as polars frames, one per warehouse table (the tidy shape that gets loaded)."""

from datetime import UTC, datetime

import polars as pl

from pipeline.agency import AgencyInfo
from pipeline.issue_codes import PARTIAL_CODES
from pipeline.parse import APPLICATIONS, PROACTIVE, REVIEW_LITIGATION, ParsedReport
from pipeline.settings import parser_version
from pipeline.sniff import SourceFile

CELL_SCHEMA = {
    "source_file": pl.String,
    "row_key": pl.String,
    "col_key": pl.String,
    "value": pl.Float64,
    "semantic": pl.String,
    "raw_text": pl.String,
    "note": pl.String,
    "decimals": pl.Int32,
    "page": pl.Int32,
    "table_index": pl.Int32,
    "row_index": pl.Int32,
    "col_index": pl.Int32,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "repaired": pl.Boolean,
    "printed_value": pl.Float64,
    "read_as": pl.String,
    "ocr_confidence": pl.Float64,
    "x0": pl.Float64,
    "top": pl.Float64,
    "x1": pl.Float64,
    "bottom": pl.Float64,
}
CELL_TABLES = {
    PROACTIVE: "proactive_cells",
    APPLICATIONS: "application_cells",
    REVIEW_LITIGATION: "review_litigation_cells",
}


def report_frames(source: SourceFile, report: ParsedReport) -> dict[str, pl.DataFrame]:
    status = "partial" if any(i.code in PARTIAL_CODES for i in report.issues) else "parsed"
    frames: dict[str, pl.DataFrame] = {
        "reports": pl.DataFrame(
            [
                {
                    "source_file": source.name,
                    "sha256": source.sha256,
                    "format": source.format,
                    # agency as printed, then its kind, level, region and division code
                    **(report.agency_info or AgencyInfo(report.agency)).columns(),
                    "year": report.year,
                    "title": report.title,
                    "template": report.template,
                    "status": status,
                    "issue_count": len(report.issues),
                    "period_year": report.period_year,
                    "stated_parts": report.stated_parts,
                    "published_on": report.published_on,
                    "parser_version": parser_version(),
                    "ingested_at": datetime.now(UTC).replace(tzinfo=None),
                }
            ]
        ),
        "parse_issues": pl.DataFrame(
            [
                {
                    "source_file": source.name,
                    "table_name": i.table,
                    "row_key": i.row_key,
                    "issue_code": i.code,
                    "detail": i.detail,
                }
                for i in report.issues
            ],
            schema={
                "source_file": pl.String,
                "table_name": pl.String,
                "row_key": pl.String,
                "issue_code": pl.String,
                "detail": pl.String,
            },
        ),
        "narrative_figures": pl.DataFrame(
            [
                {
                    "source_file": source.name,
                    "kind": f.kind,
                    "value": f.value,
                    "section_no": f.section_no,
                    "char_start": f.char_start,
                    "char_end": f.char_end,
                    "clause": f.clause,
                    "sentence": f.sentence,
                    "origin": f.origin,
                    "conflicting": f.conflicting,
                }
                for f in report.figures
            ],
            schema={
                "source_file": pl.String,
                "kind": pl.String,
                "value": pl.Float64,
                "section_no": pl.Int32,
                "char_start": pl.Int32,
                "char_end": pl.Int32,
                "clause": pl.String,
                "sentence": pl.String,
                "origin": pl.String,
                "conflicting": pl.Boolean,
            },
        ),
        "report_sections": pl.DataFrame(
            [
                {
                    "source_file": source.name,
                    "section_no": s.number,
                    "title": s.title,
                    "topic": s.topic,
                    "first_line": s.first_line,
                    "body": s.text,
                }
                for s in report.sections.values()
            ],
            schema={
                "source_file": pl.String,
                "section_no": pl.Int32,
                "title": pl.String,
                "topic": pl.String,
                "first_line": pl.Int32,
                "body": pl.String,
            },
        ),
    }
    for table, target in CELL_TABLES.items():
        rows = []
        for c in report.cells:
            if c.table != table:
                continue
            lin = c.lineage
            bbox = lin.bbox if lin and lin.bbox else (None, None, None, None)
            rows.append(
                {
                    "source_file": source.name,
                    "row_key": c.row_key,
                    "col_key": c.col_key,
                    "value": c.value,
                    "semantic": c.semantic,
                    "raw_text": c.raw,
                    "note": c.note,
                    "decimals": c.decimals,
                    "page": lin.page if lin else None,
                    "table_index": lin.table if lin else None,
                    "row_index": lin.row if lin else None,
                    "col_index": lin.col if lin else None,
                    "char_start": lin.char_start if lin else None,
                    "char_end": lin.char_end if lin else None,
                    "repaired": c.repaired,
                    "printed_value": c.printed_value,
                    "read_as": c.read_as,
                    "ocr_confidence": lin.ocr_confidence if lin else None,
                    "x0": bbox[0],
                    "top": bbox[1],
                    "x1": bbox[2],
                    "bottom": bbox[3],
                }
            )
        frames[target] = pl.DataFrame(rows, schema=CELL_SCHEMA)
    return frames
