"""Broken and hostile files: each lands in quarantine with a specific reason; the run goes on."""

import os
import random
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.settings import Settings
from pipeline.sniff import discover, sniff
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells
from tests.hostile import docx_from_lines, image_only_pdf, minimal_pdf, zip_bomb
from tests.support import render

SEED = SEEDS[1]


def outcome_of(tmp_path: Path, name: str, data: bytes, settings: Settings | None = None) -> ingest.Outcome:
    path = tmp_path / name
    path.write_bytes(data)
    settings = settings or Settings()
    return ingest.process(sniff(path, settings), settings)


def assert_quarantined(outcome: ingest.Outcome, code: str, words: str) -> None:
    assert outcome.frames is None
    assert outcome.reason_code == code
    assert words in (outcome.reason or ""), outcome.reason


def assert_seed_cells(outcome: ingest.Outcome, name: str = SEED) -> None:
    assert outcome.report is not None and outcome.frames is not None, outcome.reason
    got = {(c.table, c.row_key, c.col_key): c.value for c in outcome.report.cells}
    assert got == expected_cells(expected(name))


def test_zero_byte_file(tmp_path: Path) -> None:
    assert_quarantined(outcome_of(tmp_path, "a.pdf", b""), "empty_file", "is empty")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = minimal_pdf(["hello"])
    assert_quarantined(outcome_of(tmp_path, "t.pdf", data[: len(data) // 3]), "broken_pdf", "cannot be opened")


def test_password_protected_pdf(tmp_path: Path) -> None:
    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it with apt-get")
    import subprocess

    source = tmp_path / "r.txt"
    source.write_bytes((SEED_DIR / SEED).read_bytes())
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"x"}}'
    export = f"pdf:writer_pdf_Export:{options}"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", export,
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    outcome = outcome_of(tmp_path, "locked.pdf", (tmp_path / "r.pdf").read_bytes())
    assert_quarantined(outcome, "encrypted_pdf", "password")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    assert_quarantined(outcome_of(tmp_path, "scan.pdf", image_only_pdf()), "no_text_layer", "OCR")


def test_pdf_that_is_not_a_report(tmp_path: Path) -> None:
    outcome = outcome_of(tmp_path, "invoice.pdf", minimal_pdf(["Invoice 2023 total 100"]))
    assert_quarantined(outcome, "no_report_structure", "not a")


def test_text_that_is_not_a_report(tmp_path: Path) -> None:
    outcome = outcome_of(tmp_path, "notes.txt", "会议纪要\n一、会议情况\n2023年共开会 12 次。\n".encode())
    assert_quarantined(outcome, "no_report_structure", "not a")


def test_extension_lies_pdf_named_txt(tmp_path: Path) -> None:
    outcome = outcome_of(tmp_path, "scan.txt", image_only_pdf())
    assert outcome.source.format == "pdf"
    assert_quarantined(outcome, "no_text_layer", "OCR")


def test_extension_lies_docx_named_pdf(tmp_path: Path) -> None:
    lines = (SEED_DIR / SEED).read_text(encoding="utf-8").splitlines()
    outcome = outcome_of(tmp_path, "report.pdf", docx_from_lines(lines))
    assert outcome.source.format == "docx"
    assert_seed_cells(outcome)


def test_corrupt_docx(tmp_path: Path) -> None:
    data = docx_from_lines(["一、总体情况"])
    outcome = outcome_of(tmp_path, "broken.docx", data[:-200])
    assert_quarantined(outcome, "broken_docx", "Word file")


def test_docx_zip_bomb(tmp_path: Path) -> None:
    settings = replace(Settings(), max_inflated_bytes=8 << 20)
    outcome = outcome_of(tmp_path, "bomb.docx", zip_bomb(16 << 20), settings)
    assert_quarantined(outcome, "zip_bomb", "inflates to")


def test_html_without_a_report(tmp_path: Path) -> None:
    page = "<html><body><h1>首页</h1><table><tr><td>1</td><td>2</td></tr></table></body></html>"
    assert_quarantined(outcome_of(tmp_path, "index.html", page.encode()), "no_report_structure", "not a")


def test_random_binary(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(4096)
    assert_quarantined(outcome_of(tmp_path, "blob.bin", data), "unknown_format", "")


def test_json_file(tmp_path: Path) -> None:
    assert_quarantined(outcome_of(tmp_path, "meta.json", b'{"a": 1}'), "not_a_report", "JSON")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    settings = replace(Settings(), max_file_bytes=1000)
    outcome = outcome_of(tmp_path, "big.txt", (SEED_DIR / SEED).read_bytes(), settings)
    assert_quarantined(outcome, "too_large", "1000-byte limit")


def test_pdf_with_too_many_pages(tmp_path: Path) -> None:
    settings = replace(Settings(), max_pdf_pages=50)
    outcome = outcome_of(tmp_path, "huge.pdf", minimal_pdf([f"page {i}" for i in range(60)]), settings)
    assert_quarantined(outcome, "too_many_pages", "60 pages")


def test_pathological_file_hits_the_time_limit(tmp_path: Path) -> None:
    settings = replace(Settings(), seconds_per_file=0.001)
    text = (SEED_DIR / SEED).read_text(encoding="utf-8") * 200  # slow enough to exceed 1 ms
    outcome = outcome_of(tmp_path, "slow.txt", text.encode(), settings)
    assert_quarantined(outcome, "timeout", "over 0.001 s")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "gbk", "gb18030"])
def test_undeclared_encodings_parse(tmp_path: Path, encoding: str) -> None:
    text = (SEED_DIR / SEED).read_text(encoding="utf-8")
    outcome = outcome_of(tmp_path, "r.txt", text.encode(encoding))
    assert outcome.source.format == "text"
    assert_seed_cells(outcome)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_bom_less_utf16_heavy_in_ideographic_spaces(tmp_path: Path, encoding: str) -> None:
    """一 (U+4E00) and the ideographic space (U+3000) put their NUL byte on the other side from ASCII's:
    the NUL counts alone do not tell the byte order (found by the benchmark corpus, fuzz seed 8008)."""
    text = (SEED_DIR / SEED).read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    text = title + "\n" + "　" * 600 + "\n" + rest.replace(" ", "　")
    data = text.encode(encoding)
    sample = data[:4096]
    ascii_side, other_side = (sample[1::2], sample[0::2]) if encoding == "utf-16-le" else (sample[0::2], sample[1::2])
    assert other_side.count(0) > ascii_side.count(0)  # the NUL pattern points to the wrong byte order
    outcome = outcome_of(tmp_path, "r.txt", data)
    assert outcome.source.format == "text"
    assert_seed_cells(outcome)


def test_report_missing_sections_loads_as_partial(tmp_path: Path) -> None:
    text = (SEED_DIR / SEED).read_text(encoding="utf-8")
    cut = text[: text.index("四、政府信息公开行政复议")]
    outcome = outcome_of(tmp_path, "short.txt", cut.encode())
    assert outcome.frames is not None
    assert outcome.frames["reports"]["status"].to_list() == ["partial"]
    review = outcome.frames["review_litigation_cells"]
    assert review.height == 15 and review["value"].null_count() == 15
    assert set(review["semantic"].to_list()) == {"absent"}


def test_symlinks_out_of_the_raw_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.txt").write_bytes((SEED_DIR / SEED).read_bytes())
    os.symlink(outside, raw / "link.txt")
    os.symlink(tmp_path, raw / "up")
    assert [p.name for p in discover(raw)] == ["report.txt"]
