"""The real PDF (../shared/fixtures/real/szfgs2024.pdf) as PDF-to-text converters leave it: pdftotext in
its layout mode (vertical group labels, wrapped cells), raw mode, and its default mode (a torn table:
several rows' numbers after one label, section 四's cells in column order). Cell by cell against the
hand-read expected file: right or NULL, never a wrong number."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.parse import parse_document
from pipeline.read import read_document
from tests.conftest import require_shared

PDF = ("fixtures", "real", "szfgs2024.pdf")


def _extract(mode: list[str], tmp_path: Path) -> bytes:
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext (poppler-utils, installed by scripts/install-system-deps.sh)")
    out = tmp_path / "out.txt"
    subprocess.run(["pdftotext", *mode, str(require_shared(*PDF)), str(out)], check=True, timeout=60)
    return out.read_bytes()


@pytest.mark.parametrize(
    ("mode", "right", "null_tables"),
    [
        (["-layout"], 200, set()),
        (["-raw"], 200, set()),
        ([], 185, {"review_litigation"}),  # 四's cells in column order: read in order they break H4
    ],
)
def test_pdftotext_modes(mode: list[str], right: int, null_tables: set[str], tmp_path: Path) -> None:
    report = parse_document(read_document(_extract(mode, tmp_path), "text"))
    expected = json.loads(require_shared(*PDF[:-1], PDF[-1] + ".expected.json").read_text(encoding="utf-8"))
    got = {(c.table, c.row_key, c.col_key): c.value for c in report.cells}
    nulls = set()
    for table in ("proactive", "applications", "review_litigation"):
        for row, cols in expected[table].items():
            for col, want in cols.items():
                have = got[(table, row, col)]
                if have is None and want is not None:
                    nulls.add(table)
                else:
                    assert have == want, (table, row, col)
    assert (
        sum(1 for t in ("proactive", "applications", "review_litigation") for r in expected[t].values() for _ in r)
        - sum(1 for k, v in got.items() if v is None and expected[k[0]][k[1]][k[2]] is not None)
        == right
    )
    assert nulls == null_tables
    assert (report.agency, report.year) == ("淮安市人民政府", 2024)
    if not mode:
        codes = {i.code for i in report.issues}
        assert {"read_in_template_order", "unaligned_rows"} <= codes
