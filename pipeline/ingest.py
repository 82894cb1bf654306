"""One file in, one outcome out: parsed frames ready to load, or a specific quarantine reason.

The CLI, the Dagster assets and the benchmarks all call these functions; nothing here knows Dagster.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipeline import warehouse
from pipeline.document import UnreadableDocument
from pipeline.frames import report_frames
from pipeline.parse import ParsedReport, parse_document
from pipeline.read import read_document
from pipeline.settings import Settings
from pipeline.sniff import SourceFile, discover, sniff


@dataclass
class Outcome:
    source: SourceFile
    report: ParsedReport | None = None
    frames: dict[str, pl.DataFrame] | None = None
    reason_code: str | None = None
    reason: str | None = None


def scan(settings: Settings) -> list[SourceFile]:
    if not settings.raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {settings.raw_dir} does not exist")
    return [sniff(p, settings) for p in discover(settings.raw_dir)]


def process(source: SourceFile) -> Outcome:
    """Read and parse one file. Never raises for a bad file: the reason is returned instead."""
    if source.format is None:
        return Outcome(source, reason_code=source.reason_code, reason=source.reason)
    try:
        document = read_document(source.path.read_bytes(), source.format)
        report = parse_document(document)
    except UnreadableDocument as exc:
        return Outcome(source, reason_code=exc.code, reason=f"{source.name}: {exc}")
    except Exception as exc:  # a reader or parser bug must not stop the other files
        return Outcome(source, reason_code="read_error", reason=f"{source.name}: {type(exc).__name__}: {exc}")
    if not report.readable:
        return Outcome(
            source,
            report,
            reason_code="no_report_structure",
            reason=f"{source.name}: no section 二/三/四 title found; not a 政府信息公开工作年度报告",
        )
    if report.agency is None and report.year is None and not any(c.value is not None for c in report.cells):
        return Outcome(
            source,
            report,
            reason_code="blank_template",
            reason=f"{source.name}: the template's sections are there but no agency, year or figure is filled in",
        )
    return Outcome(source, report, report_frames(source, report))


def store(con: duckdb.DuckDBPyConnection, outcome: Outcome) -> None:
    if outcome.frames is not None:
        warehouse.load_report(con, outcome.source.name, outcome.frames)
    else:
        warehouse.quarantine(con, outcome.source, outcome.reason_code or "unknown", outcome.reason or "")


def record_scan(con: duckdb.DuckDBPyConnection, sources: list[SourceFile]) -> None:
    """Replace the `source_files` listing with this scan."""
    now = datetime.now(UTC).replace(tzinfo=None)
    frame = pl.DataFrame(
        [
            {
                "source_file": s.name,
                "path": str(s.path),
                "sha256": s.sha256,
                "size_bytes": s.size,
                "format": s.format,
                "reason_code": s.reason_code,
                "reason": s.reason,
                "scanned_at": now,
            }
            for s in sources
        ],
        schema={
            "source_file": pl.String,
            "path": pl.String,
            "sha256": pl.String,
            "size_bytes": pl.Int64,
            "format": pl.String,
            "reason_code": pl.String,
            "reason": pl.String,
            "scanned_at": pl.Datetime,
        },
    )
    with warehouse.transaction(con):
        con.execute("delete from source_files")
        warehouse.insert(con, "source_files", frame)


def scanned(con: duckdb.DuckDBPyConnection) -> list[SourceFile]:
    rows = con.execute(
        "select path, sha256, size_bytes, format, reason_code, reason from source_files order by source_file"
    ).fetchall()
    return [SourceFile(Path(p), h, n, f, c, r) for p, h, n, f, c, r in rows]
