"""Every cell of every seed report, parsed from text, against its hand-read expected JSON."""

import pytest

from pipeline.parse import parse_document
from pipeline.read import read_document
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells


@pytest.mark.parametrize("name", SEEDS)
def test_every_cell_of_seed(name: str) -> None:
    exp = expected(name)
    report = parse_document(read_document((SEED_DIR / name).read_bytes(), "text"))
    got = {(c.table, c.row_key, c.col_key): c.value for c in report.cells}
    want = expected_cells(exp)
    assert len(want) == 200
    assert got == want
    assert (report.agency, report.year, report.template) == (exp["agency"], exp["year"], exp["template"])


def test_seed_002_review_block_read_by_its_merged_header() -> None:
    report = parse_document(read_document((SEED_DIR / "002_06f53fae4bd534e1.txt").read_bytes(), "text"))
    issues = [(i.code, i.row_key) for i in report.issues]
    assert ("merged_header", "administrative_review") in issues
    corrected = next(c for c in report.cells if (c.row_key, c.col_key) == ("administrative_review", "corrected"))
    assert (corrected.value, corrected.note) == (0.0, "inferred")


def test_seed_003_missing_column_is_null_and_recorded() -> None:
    report = parse_document(read_document((SEED_DIR / "003_226aef2534b3d20a.txt").read_bytes(), "text"))
    other = [c for c in report.cells if c.table == "applications" and c.col_key == "other"]
    assert len(other) == 25
    assert all(c.value is None and c.semantic == "absent" for c in other)
    assert sum(i.code == "column_missing" for i in report.issues) == 25


def test_seed_000_radicals_and_lineage_point_into_the_text() -> None:
    raw = (SEED_DIR / "000_2a55ae499e2e47bc.txt").read_bytes()
    text = raw.decode("utf-8")
    report = parse_document(read_document(raw, "text"))
    fee = next(c for c in report.cells if c.row_key == "administrative_fees")
    assert text[fee.lineage.char_start : fee.lineage.char_end] == "17452.83"
    licensing = next(c for c in report.cells if c.row_key == "administrative_licensing")
    assert text[licensing.lineage.char_start : licensing.lineage.char_end] == "229506"
    assert report.agency == "周口市公安局"
