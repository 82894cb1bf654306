"""One file in, one outcome out: parsed frames ready to load, or a specific quarantine reason.

The CLI, the Dagster assets and the benchmarks all call these functions; nothing here knows Dagster.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipeline import warehouse
from pipeline.document import UnreadableDocument
from pipeline.frames import report_frames
from pipeline.parse import ParsedReport, parse_document
from pipeline.read import read_document
from pipeline.settings import Settings, parser_version
from pipeline.sniff import SourceFile


@dataclass
class Outcome:
    source: SourceFile
    report: ParsedReport | None = None
    frames: dict[str, pl.DataFrame] | None = None
    reason_code: str | None = None
    reason: str | None = None


class FileTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abort a read that takes longer than `seconds` (SIGALRM; only possible in the main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process(source: SourceFile, settings: Settings) -> Outcome:
    """Read and parse one file. Never raises for a bad file: the reason is returned instead."""
    if source.format is None:
        return Outcome(source, reason_code=source.reason_code, reason=source.reason)
    try:
        with time_limit(settings.seconds_per_file):
            document = read_document(source.path.read_bytes(), source.format, settings)
            report = parse_document(document)
    except UnreadableDocument as exc:
        return Outcome(source, reason_code=exc.code, reason=f"{source.name}: {exc}")
    except FileTimeout:
        return Outcome(
            source,
            reason_code="timeout",
            reason=f"{source.name}: reading took over {settings.seconds_per_file:g} s (pathological structure?)",
        )
    except Exception as exc:  # a reader or parser bug must not stop the other files
        if "FileTimeout" in str(exc):  # the time limit struck inside a native library (OCR) that wrapped it
            return Outcome(
                source,
                reason_code="timeout",
                reason=f"{source.name}: reading took over {settings.seconds_per_file:g} s (OCR of many pages?)",
            )
        return Outcome(source, reason_code="read_error", reason=f"{source.name}: {type(exc).__name__}: {exc}")
    if not report.is_report:
        return Outcome(
            source,
            report,
            reason_code="no_report_structure",
            reason=f"{source.name}: no section 二/三/四 title found and no title naming a 政府信息公开工作年度报告; "
            "not a 政府信息公开工作年度报告",
        )
    if report.agency is None and report.year is None and not any(c.value is not None for c in report.cells):
        return Outcome(
            source,
            report,
            reason_code="blank_template",
            reason=f"{source.name}: the template's sections are there but no agency, year or figure is filled in",
        )
    return Outcome(source, report, report_frames(source, report))


def current_contents(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(file name, content hash) of every file already loaded or quarantined by this parser version."""
    rows = con.execute(
        "select source_file, sha256 from reports where status <> 'retired' and parser_version = $version"
        " union select source_file, sha256 from quarantine where parser_version = $version",
        {"version": parser_version()},
    ).fetchall()
    return {(name, sha) for name, sha in rows}


def retire_missing(con: duckdb.DuckDBPyConnection, present: list[SourceFile]) -> list[str]:
    """Reports whose file left the raw folder keep their rows, marked retired (never silently lost)."""
    names = [s.name for s in present]
    retired = con.execute(
        "update reports set status = 'retired' where status <> 'retired' and not list_contains($names, source_file)"
        " returning source_file",
        {"names": names},
    ).fetchall()
    con.execute("delete from quarantine where not list_contains($names, source_file)", {"names": names})
    return sorted(r[0] for r in retired)


def record_scan(con: duckdb.DuckDBPyConnection, sources: list[SourceFile]) -> None:
    """Replace the `source_files` listing with this scan (no timestamps: a rescan of the same folder
    leaves the table byte-identical)."""
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
