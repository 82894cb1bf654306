"""Template and script variants: the 2019 format, traditional characters and mirror-site pages."""

import json
from pathlib import Path

import opencc
import pytest

from pipeline.parse import ParsedReport, parse_document
from pipeline.read import read_document
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells
from tests.support import render

FIXTURE_2019 = Path(__file__).parent / "fixtures" / "2019" / "2019format_shijiqu_2020.txt"


def cells_of(report: ParsedReport) -> dict:
    return {(c.table, c.row_key, c.col_key): c.value for c in report.cells}


def numbers_2019() -> dict:
    return json.loads(FIXTURE_2019.with_name(FIXTURE_2019.name + ".expected.json").read_text(encoding="utf-8"))


def test_2019_format_text_report_has_all_198_cells() -> None:
    exp = numbers_2019()
    report = parse_document(read_document(FIXTURE_2019.read_bytes(), "text"))
    assert report.template == "2019"
    want = expected_cells(exp)
    assert len(want) == 22 + 161 + 15
    assert cells_of(report) == want
    by_key = {(c.row_key, c.col_key): c for c in report.cells if c.table == "proactive"}
    assert (
        by_key[("administrative_licensing", "change")].raw,
        by_key[("other_external_services", "change")].value,
    ) == (
        "+2",
        -1,
    )
    assert by_key[("regulations", "new_made")].semantic == "na"
    assert by_key[("government_procurement", "amount")].raw == "251000元"
    assert (report.agency, report.year) == (exp["agency"], exp["year"])


def test_2019_format_html_with_blank_totals_like_shanghai_2019() -> None:
    numbers = numbers_2019()
    for key in ("3.3.1", "3.3.3", "3.5.5"):
        numbers["applications"][key]["total"] = None
    report = parse_document(read_document(render.render_html(numbers), "html"))
    assert report.template == "2019"
    assert cells_of(report) == expected_cells(numbers)
    blank = next(c for c in report.cells if (c.row_key, c.col_key) == ("3.3.1", "total"))
    assert (blank.value, blank.semantic) == (None, "blank")


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2twp", "s2hk"])
@pytest.mark.parametrize("name", SEEDS)
def test_traditional_character_versions_of_the_seeds(name: str, config: str) -> None:
    text = opencc.OpenCC(config).convert((SEED_DIR / name).read_text(encoding="utf-8"))
    report = parse_document(read_document(text.encode("utf-8"), "text"))
    exp = expected(name)
    assert cells_of(report) == expected_cells(exp)
    assert (report.agency, report.year) == (exp["agency"], exp["year"])


def test_big5_encoded_traditional_page() -> None:
    exp = expected(SEEDS[1])
    page = opencc.OpenCC("s2tw").convert(render.render_html(exp).decode("utf-8"))
    page = page.replace('<meta charset="utf-8">', '<meta charset="big5">')
    report = parse_document(read_document(page.encode("big5", errors="replace"), "html"))
    assert cells_of(report) == expected_cells(exp)


def test_spam_mirror_pinyin_glosses_are_stripped() -> None:
    text = (SEED_DIR / SEEDS[2]).read_text(encoding="utf-8")
    glossed = (
        text.replace("政府信息", "政(zhèng)府信息").replace("行政复议", "行政复(fù)议").replace("公开", "公开(gong)")
    )
    report = parse_document(read_document(glossed.encode("utf-8"), "text"))
    assert cells_of(report) == expected_cells(expected(SEEDS[2]))


def test_a_blank_cell_dropped_from_a_text_row_is_ambiguous_not_guessed() -> None:
    text = (SEED_DIR / SEEDS[1]).read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "本机关不掌握相关政府信息" in ln)
    broken = line.replace("\t22\t0\t0\t0\t0\t0\t22", "\t22\t0\t0\t0\t0\t22")
    report = parse_document(read_document(text.replace(line, broken).encode("utf-8"), "text"))
    row = {c.col_key: c for c in report.cells if c.row_key == "3.4.1"}
    assert {(c.value, c.semantic) for c in row.values()} == {(None, "unreadable")}
    assert [i.code for i in report.issues if i.row_key == "3.4.1"] == ["ambiguous_row"]
    other = next(c for c in report.cells if (c.row_key, c.col_key) == ("3.4.2", "other"))
    assert (other.value, other.semantic) == (0, "zero")  # the other rows keep all 7 columns
