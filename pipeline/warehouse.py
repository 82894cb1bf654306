"""DuckDB: schema, label dimensions, per-report atomic loads, quarantine and the rules' quantities."""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipeline.agency import region_rows
from pipeline.catalogue import (
    ALL_APPLICATION_ROWS,
    APPLICANT_COLUMNS,
    APPLICATION_GROUPS,
    ORG_COLUMNS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    TEMPLATES,
)
from pipeline.rules import RULES, Rule
from pipeline.settings import parser_version
from pipeline.sniff import SourceFile
from pipeline.sql import load_sql, statements

VIEWS = (
    "v_report_cells", "v_cell_sources", "v_documents", "v_report_scorecard", "v_agency_year_scorecard", "v_agencies",
    "v_request_metrics", "v_request_panel", "dim_expected_publishers", "v_coverage",
)  # fmt: skip


class WarehouseBusy(Exception):
    """Another process holds the warehouse's write lock (DuckDB allows one writer process)."""


# Warehouses this process holds open (`held_open`), by resolved path.
_HELD: dict[Path, duckdb.DuckDBPyConnection] = {}


def connect(path: Path, read_only: bool = False, wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to `wait_seconds` for another process's lock to go away. While
    this process holds it open (`held_open`), a new connection to the database held (a read-only caller
    gets one too: DuckDB opens a file one way per process)."""
    held = _HELD.get(path.resolve()) if _HELD else None
    if held is not None:
        return held.cursor()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {path} is in use by another process (DuckDB allows one writer); "
                    "try again when that run has finished"
                ) from exc
            time.sleep(0.25)


@contextmanager
def held_open(path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse open in this process while the block runs. Opening a DuckDB file starts a
    database (about 16 ms even for an empty file, 25 ms for ours) and the last connection's close
    writes a checkpoint; a run's steps and summary open it six times. Held open, each `connect` is a
    new connection to the database already started, and one checkpoint is written at the end. For a
    process that runs many times (`xxgk watch`); released after the block, so that other processes can
    open the warehouse between runs. (Not for `xxgk run` on a large folder: the database's cache would
    then live through the judging, which needs the memory.)"""
    key = path.resolve()
    if key in _HELD:
        yield
        return
    _HELD[key] = connect(path, wait_seconds=wait_seconds)
    try:
        yield
    finally:
        _HELD.pop(key).close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


# Bump when sql/create_tables.sql changes shape: an older warehouse is rebuilt from the raw files.
SCHEMA_VERSION = "12"


@cache
def schema_fingerprint() -> str:
    """The schema as this package states it: tables, views and the label dimensions' rows (once a
    process: every run's first step asks)."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for name in ("create_tables", *VIEWS):
        digest.update(load_sql(name).encode())
    for name, frame in sorted(dimension_frames().items()):
        digest.update(name.encode())
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing and reload the label dimensions from the template catalogue. A
    warehouse of an older schema is dropped and rebuilt: every table derives from the raw files.
    A warehouse already in this package's schema, every table and view present, is left untouched:
    every run starts here, and recreating two dozen views and reloading the dimensions costs more
    than a small run's loading."""
    fingerprint = schema_fingerprint()
    with transaction(con):
        con.execute("create table if not exists warehouse_meta (key varchar primary key, value varchar)")
        held = con.execute("select value from warehouse_meta where key = 'schema_fingerprint'").fetchall()
        present = con.execute(
            "select (select count(*) from duckdb_tables() where schema_name = 'main' "
            "        and list_contains($tables, table_name))"
            " + (select count(*) from duckdb_views() where schema_name = 'main' and list_contains($views, view_name))",
            {"tables": list(PUBLIC_TABLES), "views": list(VIEWS)},
        ).fetchall()[0][0]
        if held == [(fingerprint,)] and present == len(PUBLIC_TABLES) + len(VIEWS):
            return
        found = con.execute("select value from warehouse_meta where key = 'schema_version'").fetchone()
        if found is None or found[0] != SCHEMA_VERSION:
            for view in VIEWS:
                con.execute(f"drop view if exists {view}")
            for table in PUBLIC_TABLES:  # names come from code, never from input
                con.execute(f"drop table if exists {table}")
            con.execute("insert or replace into warehouse_meta values ('schema_version', $v)", {"v": SCHEMA_VERSION})
        for stmt in statements("create_tables"):
            con.execute(stmt)
        for name, frame in dimension_frames().items():
            con.execute(f"delete from {name}")  # table names come from code, never from input
            insert(con, name, frame)
        for view in VIEWS:
            con.execute(load_sql(view))
        con.execute("insert or replace into warehouse_meta values ('schema_fingerprint', $v)", {"v": fingerprint})


@cache
def _region_frame() -> pl.DataFrame:
    return pl.DataFrame(region_rows())


def load_regions(con: duckdb.DuckDBPyConnection) -> None:
    """dim_regions: the whole division list (3,210 rows, ~380 kB of write-ahead log), written only when
    the table does not hold this package version's list yet. It is loaded after the reports, not with
    the label dimensions: a fresh warehouse's first report loads then do not wait behind it."""
    frame = _region_frame()
    source = frame["source"][0]
    with transaction(con):
        held = con.execute("select count(*), min(source), max(source) from dim_regions").fetchall()
        if held[0] != (frame.height, source, source):
            con.execute("delete from dim_regions")
            insert(con, "dim_regions", frame)


def dimension_frames() -> dict[str, pl.DataFrame]:
    rows = [
        {
            "row_key": r.key,
            "code": r.code,
            "label": r.label,
            "parent_key": r.parent,
            "is_leaf": r.is_leaf,
            "is_data_row": True,
            "sort_order": i,
        }
        for i, r in enumerate(ALL_APPLICATION_ROWS)
    ] + [
        {
            "row_key": r.key,
            "code": r.code,
            "label": r.label,
            "parent_key": r.parent,
            "is_leaf": False,
            "is_data_row": False,
            "sort_order": 100 + i,
        }
        for i, r in enumerate(APPLICATION_GROUPS)
    ]
    proactive = [
        {
            "template": t.name,
            "row_key": p.key,
            "col_key": col,
            "label": p.label,
            "article": p.article,
            "kind": p.column_kind(col),
            "sort_order": i * 10 + j,
        }
        for t in TEMPLATES.values()
        for i, p in enumerate(t.proactive)
        for j, col in enumerate(p.columns)
    ]
    return {
        "dim_application_rows": pl.DataFrame(rows),
        "dim_applicant_columns": pl.DataFrame(
            [
                {"col_key": c.key, "label": c.label, "is_org": c.key in ORG_COLUMNS, "sort_order": i}
                for i, c in enumerate(APPLICANT_COLUMNS)
            ]
        ),
        "dim_proactive_items": pl.DataFrame(proactive),
        "dim_review_cells": pl.DataFrame(
            [
                {
                    "row_key": b.key,
                    "col_key": c.key,
                    "block_label": b.label,
                    "col_label": c.label,
                    "sort_order": i * 10 + j,
                }
                for i, b in enumerate(REVIEW_BLOCKS)
                for j, c in enumerate(REVIEW_COLUMNS)
            ]
        ),
        "dim_rules": pl.DataFrame(
            [{"rule_id": r.id, "severity": r.severity, "title": r.title, "description": r.description} for r in RULES]
        ),
    }


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    con.register("incoming_frame", frame.to_arrow())
    try:
        con.execute(f"insert into {table} by name select * from incoming_frame")
    finally:
        con.unregister("incoming_frame")


def load_parquet_reports(
    con: duckdb.DuckDBPyConnection, names: list[str], parquet: dict[str, list[tuple[str, str]]],
    frames: dict[str, dict[str, pl.DataFrame]],
) -> dict[str, int]:  # fmt: skip
    """Replace everything these reports contributed, in one transaction, from Parquet files DuckDB reads
    itself: `parquet` maps a table to its (file, source file) pairs, one file per report (a file read
    for two names, the same content under both, lands once per name); `frames` holds rows made here (a
    quarantined file's). Returns the rows inserted per table."""
    inserted: dict[str, int] = {}
    with transaction(con):
        _delete_held(con, names)
        for name_frames in frames.values():
            for table, frame in name_frames.items():
                insert(con, table, frame)
        for table, pairs in parquet.items():
            con.register("parquet_names", pl.DataFrame(pairs, schema=["path", "source_file"], orient="row").to_arrow())
            try:
                counted = con.execute(
                    f"insert into {table} by name "  # table names come from the bundle's own list
                    "select p.* exclude (filename, source_file), n.source_file "
                    "from read_parquet($paths, filename = true, union_by_name = true) as p "
                    "join parquet_names as n on n.path = p.filename",
                    {"paths": sorted({path for path, _ in pairs})},
                ).fetchall()
            finally:
                con.unregister("parquet_names")
            inserted[table] = counted[0][0] if counted else 0
    return inserted


def _delete_held(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Delete the rows of the names the warehouse holds. A new file's rows are not looked for (the cell
    tables have no index, so a delete scans them)."""
    held = [
        name
        for (name,) in con.execute(
            "select source_file from reports where list_contains($names, source_file) union "
            "select source_file from quarantine where list_contains($names, source_file)",
            {"names": names},
        ).fetchall()
    ]
    if held:
        for stmt in statements("delete_reports"):
            con.execute(stmt, {"source_files": held})


def quarantine_frame(source: SourceFile, code: str, reason: str) -> pl.DataFrame:
    """The `quarantine` row of a file that is not loaded, with its specific reason."""
    return pl.DataFrame(
        [
            {
                "source_file": source.name,
                "sha256": source.sha256,
                "reason_code": code,
                "reason": reason,
                "parser_version": parser_version(),
                "quarantined_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ]
    )


def rule_frame(con: duckdb.DuckDBPyConnection, rule: Rule) -> pl.DataFrame:
    """The per-scope quantities of one rule over the whole warehouse, with `assessable`: what its GX
    suite judges (pipeline/quality.py stores the verdicts)."""
    return con.sql(load_sql(rule.sql_name)).pl()


PUBLIC_TABLES = (
    "reports",
    "quarantine",
    "source_files",
    "proactive_cells",
    "application_cells",
    "review_litigation_cells",
    "parse_issues",
    "report_sections",
    "narrative_figures",
    "dq_results",
    "report_quality",
    "reviews",
    "dim_application_rows",
    "dim_applicant_columns",
    "dim_proactive_items",
    "dim_review_cells",
    "dim_rules",
    "dim_regions",
    "source_documents",
    "listed_publishers",
)


def table_checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """An MD5 over the sorted rows of every public table: equal checksums mean identical contents."""
    sums = {}
    for table in PUBLIC_TABLES:  # names come from code, never from input
        row = con.execute(
            f"select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)), ''))"
            f" from {table} as t"
        ).fetchone()
        sums[table] = f"{row[0]}:{row[1]}"
    return sums


def load_reviews(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> bool:
    """Replace the reviewer verdicts with the versioned file's contents; True when they changed."""
    columns = "source_file, rule_id, scope, verdict, note"
    held = sorted(con.execute(f"select {columns} from reviews").fetchall(), key=repr)
    if held == sorted(frame.select(columns.split(", ")).rows(), key=repr):
        return False
    with transaction(con):
        con.execute("delete from reviews")
        insert(con, "reviews", frame)
    return True


def load_collection(
    con: duckdb.DuckDBPyConnection, documents: pl.DataFrame, publishers: pl.DataFrame | None
) -> None:
    """Replace `source_documents` (the collector's ledger) and `listed_publishers` (the sources file;
    None leaves them as they are), in one transaction."""
    with transaction(con):
        con.execute("delete from source_documents")
        insert(con, "source_documents", documents)
        if publishers is not None:
            con.execute("delete from listed_publishers")
            insert(con, "listed_publishers", publishers)
