"""The table schema is declared once, in `sql/create_tables.sql`: every frame the library loads is checked
against it, column by column (name and type), and holds every column the DDL requires."""

from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipeline.collect.provenance import DOCUMENT_SCHEMA, PUBLISHER_SCHEMA
from pipeline.frames import report_frames
from pipeline.parse import parse_document
from pipeline.read import read_document
from pipeline.settings import Settings
from pipeline.sniff import sniff
from pipeline.sql import statements
from pipeline.warehouse import dimension_frames, quarantine_frame
from tests.conftest import SEED_DIR, SEEDS

_TYPES = {
    pl.String: "VARCHAR", pl.Int32: "INTEGER", pl.Int64: "BIGINT", pl.Float64: "DOUBLE", pl.Boolean: "BOOLEAN",
    pl.Date: "DATE", pl.Null: None,
}  # fmt: skip


@pytest.fixture(scope="module")
def ddl() -> dict[str, dict[str, tuple[str, bool]]]:
    """table → column → (DuckDB type, nullable), as the DDL declares them."""
    con = duckdb.connect()
    for stmt in statements("create_tables"):
        con.execute(stmt)
    tables: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, kind, nullable in con.execute(
        "select table_name, column_name, data_type, is_nullable from information_schema.columns"
    ).fetchall():
        tables.setdefault(table, {})[column] = (kind, nullable == "YES")
    return tables


def _duckdb_type(dtype: pl.DataType) -> str | None:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    return _TYPES[type(dtype)] if type(dtype) in _TYPES else _TYPES.get(dtype)  # type: ignore[call-overload]


def _check(table: str, frame: pl.DataFrame, ddl: dict[str, dict[str, tuple[str, bool]]]) -> None:
    declared = ddl[table]
    assert set(frame.columns) <= set(declared), (table, set(frame.columns) - set(declared))
    for column, dtype in frame.schema.items():
        kind = _duckdb_type(dtype)
        # integers load into either integer width (DuckDB casts on insert); any other kind must match
        same = kind == declared[column][0] or {kind, declared[column][0]} <= {"INTEGER", "BIGINT"}
        assert kind is None or same, (table, column, dtype, declared[column])
    required = {c for c, (_, nullable) in declared.items() if not nullable}
    assert required <= set(frame.columns), (table, required - set(frame.columns))


def test_the_frames_of_a_report_fit_the_tables(ddl: dict, tmp_path: Path) -> None:
    source = sniff(SEED_DIR / SEEDS[0], Settings())
    report = parse_document(read_document(source.path.read_bytes(), source.format or ""))
    frames = report_frames(source, report)
    assert set(frames) == {"reports", "parse_issues", "narrative_figures", "report_sections",
                           "proactive_cells", "application_cells", "review_litigation_cells"}  # fmt: skip
    for table, frame in frames.items():
        _check(table, frame, ddl)


def test_the_other_loaded_frames_fit_their_tables(ddl: dict) -> None:
    source = sniff(SEED_DIR / SEEDS[0], Settings())
    _check("quarantine", quarantine_frame(source, "timeout", "a reason"), ddl)
    _check("source_documents", pl.DataFrame(schema=DOCUMENT_SCHEMA), ddl)
    _check("listed_publishers", pl.DataFrame(schema=PUBLISHER_SCHEMA), ddl)
    for table, frame in dimension_frames().items():
        _check(table, frame, ddl)
