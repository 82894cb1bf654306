"""DuckDB: schema, label dimensions, per-report atomic loads, quarantine and rule verdicts."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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
from pipeline.rules import HARD, RULES, Rule
from pipeline.settings import parser_version
from pipeline.sniff import SourceFile
from pipeline.sql import load_sql, statements

VIEWS = (
    "v_report_cells", "v_cell_sources", "v_documents", "v_report_scorecard", "v_agency_year_scorecard", "v_agencies",
    "v_request_metrics",
)  # fmt: skip


class WarehouseBusy(Exception):
    """Another process holds the warehouse's write lock (DuckDB allows one writer process)."""


def connect(path: Path, read_only: bool = False, wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to `wait_seconds` for another process's lock to go away."""
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
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


# Bump when sql/create_tables.sql changes shape: an older warehouse is rebuilt from the raw files.
SCHEMA_VERSION = "10"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing and reload the label dimensions from the template catalogue. A
    warehouse of an older schema is dropped and rebuilt: every table derives from the raw files."""
    with transaction(con):
        con.execute("create table if not exists warehouse_meta (key varchar primary key, value varchar)")
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


def load_regions(con: duckdb.DuckDBPyConnection) -> None:
    """dim_regions: the whole division list (3,210 rows, ~380 kB of write-ahead log), written only when
    the table does not hold this package version's list yet. It is loaded after the reports, not with
    the label dimensions: a fresh warehouse's first report loads then do not wait behind it."""
    frame = pl.DataFrame(region_rows())
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


def load_report(con: duckdb.DuckDBPyConnection, source_file: str, frames: dict[str, pl.DataFrame]) -> None:
    """Replace everything one report contributed, in one transaction: all of it lands or none."""
    with transaction(con):
        for stmt in statements("delete_report"):
            con.execute(stmt, {"source_file": source_file})
        for table, frame in frames.items():
            insert(con, table, frame)


def quarantine(con: duckdb.DuckDBPyConnection, source: SourceFile, code: str, reason: str) -> None:
    frame = pl.DataFrame(
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
    load_report(con, source.name, {"quarantine": frame})


def rule_frame(con: duckdb.DuckDBPyConnection, rule: Rule) -> pl.DataFrame:
    """The per-scope quantities of one rule (what GX asserts on and dq_results records)."""
    return con.sql(load_sql(rule.sql_name)).pl()


def refresh_dq_results(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every rule's verdicts (cross-report rules need the whole warehouse), attribute each
    failed hard rule to the source, the extraction or an ambiguity, then count the verdicts per report
    after reviewer verdicts (`report_quality`, which the scorecards read)."""
    load_regions(con)
    with transaction(con):
        con.execute("delete from dq_results")
        for rule in RULES:
            con.execute(
                "insert into dq_results select source_file, $rule_id, $severity, scope, passed, "
                f"observed, expected, details, null from ({load_sql(rule.sql_name)})",
                {"rule_id": rule.id, "severity": rule.severity},
            )
        for rule in RULES:
            if rule.severity == HARD:
                con.execute(load_sql("attribute_failures"), {"rule_id": rule.id, "rule_table": rule.table})
        for stmt in statements("count_report_verdicts"):
            con.execute(stmt)


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


def load_reviews(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    """Replace the reviewer verdicts with the versioned file's contents."""
    with transaction(con):
        con.execute("delete from reviews")
        insert(con, "reviews", frame)
