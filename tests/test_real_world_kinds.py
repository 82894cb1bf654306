"""One test per kind of real-world mess (issue 13): flattened crawl text, vertical group labels, digit
runs cut by count or by the rules, reports that are reports although their tables cannot be read.
The texts are made up in the shape the wild files show; the real files are asserted in test_wild."""

import re

from pipeline.catalogue import TEMPLATES
from pipeline.parse import parse_document
from pipeline.parse.digits import Group, segmentations, values_of
from pipeline.read import read_document
from tests.support.render import application_label_cells
from tests.test_parse_quirks import report_text

ZEROS = "0 0 0 0 0 0 0"


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_document(read_document(text.encode("utf-8"), "text"))


def values(report, table: str, row: str) -> list[float | None]:  # type: ignore[no-untyped-def]
    cols = [c.key for c in TEMPLATES["2021"].application_columns]
    if table == "review_litigation":
        return [
            c.value
            for b in ("administrative_review", "litigation_direct", "litigation_after_review")
            for c in report.cells
            if c.table == table and c.row_key == b
        ]
    got = {c.col_key: c for c in report.cells if c.table == table and c.row_key == row}
    return [got[c].value for c in cols if c in got] if table == "applications" else [v.value for v in got.values()]


def flattened(rows: dict[str, str] | None = None, review: str = "0 " * 14 + "0", spaced: bool = False) -> str:
    """A crawler's dump of a report page: a header block, then the whole body on one line with the
    cells of each row run together ('1000001'), sub-row numbers glued to the digits before them."""
    text = report_text(rows, review=review)
    printed = {row.label: "".join(cells) for row, cells in application_label_cells("2021")}
    body = []
    for line in text.splitlines():
        line = line.strip()
        label = line.rsplit(" ", 7)[0]
        if label in printed:  # numbered as the template prints them: '（三）不予公开1.属于国家秘密'
            line = printed[label] + line[len(label) :]
        # a row's cells lose their separators (unless `spaced`: then one space survives here and there)
        cells = re.fullmatch(r"(.*?[^\d ]|)((?: ?[\d/]+)+)", line)
        if cells and not re.match(r"[二三四]、[^本上结]", line):
            digits = cells[2].split()
            run = "".join(d + (" " if spaced and i % 3 == 1 else "") for i, d in enumerate(digits))
            line = cells[1].replace(" ", "") + run.strip()
        body.append(line)
    header = "标题: 某某县人民政府办公室2023年政府信息公开工作年度报告\n发布时间: 2024-01-20 10:26\n"
    return header + "==================== 正文 ====================\n" + "。".join(body[1:2]) + "".join(body[2:]) + "\n"


def test_flattened_crawl_is_read_whole() -> None:
    text = flattened({"1": "5 1 0 0 0 0 6", "3.1": "4 1 0 0 0 0 5", "3.4.1": "1 0 0 0 0 0 1", "3.7": "5 1 0 0 0 0 6"})
    assert len(text.splitlines()) == 4  # the body is one line
    assert "数量5100006二、上年结转" in text and "0000000" + "2.其他法律" in text
    report = parse(text)
    assert (report.agency, report.year) == ("某某县人民政府办公室", 2023)
    assert sorted(report.sections) == [0, 1, 2, 3, 4, 5, 6]
    assert values(report, "applications", "1") == [5, 1, 0, 0, 0, 0, 6]
    assert values(report, "applications", "3.4.1") == [1, 0, 0, 0, 0, 0, 1]
    assert values(report, "applications", "3.7") == [5, 1, 0, 0, 0, 0, 6]
    assert all(c.value is not None for c in report.cells if c.table == "applications")
    assert {c.read_as for c in report.cells if c.table == "applications"} == {"split_by_count"}
    assert values(report, "review_litigation", "") == [0.0] * 15


def test_sub_row_number_glued_to_the_digits_before_it() -> None:
    """'00000002.其他法律…': the 2 numbers the next row, it is not a digit of this one."""
    report = parse(
        flattened({"3.3.1": "1 0 0 0 0 0 1", "3.1": "0 0 0 0 0 0 0", "1": "1 0 0 0 0 0 1"} | {"3.7": "1 0 0 0 0 0 1"})
    )
    assert values(report, "applications", "3.3.1") == [1, 0, 0, 0, 0, 0, 1]
    assert values(report, "applications", "3.3.2") == [0] * 7


def test_two_digit_cells_cut_by_the_row_total() -> None:
    """'21710000218' is 217 1 0 0 0 0 218: eleven digits, one cut where 总计 is the sum (H2)."""
    rows = {"1": "217 1 0 0 0 0 218", "3.1": "217 1 0 0 0 0 218", "3.7": "217 1 0 0 0 0 218"}
    report = parse(flattened(rows))
    assert values(report, "applications", "1") == [217, 1, 0, 0, 0, 0, 218]
    cells = [c for c in report.cells if c.table == "applications" and c.row_key == "1"]
    assert {c.read_as for c in cells} == {"split_by_rule"}
    assert [c.raw for c in cells] == ["217", "1", "0", "0", "0", "0", "218"]


def test_spaces_a_crawl_kept_are_cell_boundaries() -> None:
    """'10 0 0 0 01' (nbsp padding in the page's cells) is 1 0 0 0 0 0 1: '01' can only be 0 | 1."""
    report = parse(flattened({"1": "1 0 0 0 0 0 1", "3.1": "1 0 0 0 0 0 1", "3.7": "1 0 0 0 0 0 1"}, spaced=True))
    assert values(report, "applications", "1") == [1, 0, 0, 0, 0, 0, 1]


def test_columns_decide_a_row_the_row_total_cannot() -> None:
    """'10100000101' under 三(一) is 101 0 0 0 0 0 101 or 1 0 100 0 0 0 101 by H2; H3 (三(七) = the sum of
    the result rows) in each column leaves only the second."""
    rows = {
        "1": "3 0 100 0 0 0 103",
        "3.1": "1 0 100 0 0 0 101",
        "3.2": "2 0 0 0 0 0 2",
        "3.7": "3 0 100 0 0 0 103",
    }
    report = parse(flattened(rows))
    assert values(report, "applications", "3.1") == [1, 0, 100, 0, 0, 0, 101]
    issue = next(i for i in report.issues if i.row_key == "3.1")
    assert issue.code == "split_by_rule"
    assert issue.detail == "三(一): '10100000101' cut as [1, 0, 100, 0, 0, 0, 101] (H2 and H1/H3 down the columns)"


def test_a_run_the_rules_cannot_decide_stays_null() -> None:
    """一, 三(一) and 三(七) as '10100000101' each: read all three the one way or all three the other, H1
    and H3 hold in every column alike."""
    rows = {"1": "101 0 0 0 0 0 101", "3.1": "101 0 0 0 0 0 101", "3.7": "101 0 0 0 0 0 101"}
    report = parse(flattened(rows))
    assert values(report, "applications", "1") == [None] * 7
    assert values(report, "applications", "3.7") == [None] * 7
    assert any(i.code == "ambiguous_segmentation" and i.row_key == "1" for i in report.issues)


def test_section_two_run_cut_only_with_outside_evidence() -> None:
    """'行政规范性文件1027' is 1 | 0 | 27 or 10 | 2 | 7; only the first has 现行有效 >= 本年制发.
    '行政规范性文件1234' stays NULL: 1 | 2 | 34, 1 | 23 | 4 and 12 | 3 | 4 ... two keep the evidence."""
    text = flattened().replace("行政规范性文件3120", "行政规范性文件1027")
    report = parse(text)
    assert values(report, "proactive", "normative_documents") == [1, 0, 27]
    text = flattened().replace("行政规范性文件3120", "行政规范性文件1234")
    report = parse(text)
    assert values(report, "proactive", "normative_documents") == [None, None, None]
    issue = next(i for i in report.issues if i.row_key == "normative_documents")
    assert issue.code == "ambiguous_segmentation"


def test_review_run_cut_by_h4_or_left_null() -> None:
    report = parse(flattened(review="2 1 0 0 3 0 0 0 0 0 12 0 0 0 12"))  # '2100300000120001 2'
    assert values(report, "review_litigation", "") == [2, 1, 0, 0, 3, 0, 0, 0, 0, 0, 12, 0, 0, 0, 12]
    # A report whose printed 总计 breaks H4 has no cut where every block adds up: NULL, never a guess.
    report = parse(flattened(review="0 0 2 0 2 0 0 0 0 0 13 2 4 0 15"))
    assert values(report, "review_litigation", "") == [None] * 15
    assert any(i.code == "ambiguous_segmentation" for i in report.issues if i.table == "review_litigation")


def test_misprinted_section_title_inline() -> None:
    text = flattened().replace("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政法复议、行政诉讼情况")
    report = parse(text)
    assert 4 in report.sections
    assert values(report, "review_litigation", "") == [0.0] * 15


def test_vertical_group_label_debris_in_row_labels() -> None:
    """A merged 三、本年度办理结果 / （三）不予公开 cell printed a character or two a line leaves its characters
    in the neighbouring rows' labels."""
    text = report_text({"1": "3 0 0 0 0 0 3", "3.1": "2 0 0 0 0 0 2", "3.3.1": "1 0 0 0 0 0 1", "3.7": "3 0 0 0 0 0 3"})
    text = (
        text.replace("予以公开 2", "（一）予以公开三、 2")
        .replace(
            "部分公开（区分处理的，只计这一情形，不计其他情形） 0",
            "部分公开（区分处理的，只计这一情形，不计其他情形）本年度 0",
        )
        .replace("属于国家秘密 1", "属于国家秘密办理 1")
        .replace("其他法律行政法规禁止公开 0", "其他法律行政法规禁止公开结果 0")
    )
    assert "属于国家秘密办理 1" in text
    report = parse(text)
    assert values(report, "applications", "3.1") == [2, 0, 0, 0, 0, 0, 2]
    assert values(report, "applications", "3.3.1") == [1, 0, 0, 0, 0, 0, 1]
    assert values(report, "applications", "3.3.2") == [0] * 7
    assert all(c.value is not None for c in report.cells if c.table == "applications")


def test_a_report_whose_tables_cannot_be_read_is_partial() -> None:
    text = "某某县财政局2022年度政府信息公开工作年度报告\n一、总体情况\n本年度未收到申请。\n"
    report = parse(text)
    assert report.is_report and not report.readable
    assert [i.code for i in report.issues if i.table is None] == ["tables_not_found"]
    assert report.template == "2021" and all(c.value is None and c.semantic == "absent" for c in report.cells)
    older = parse("某某县卫生局2013年度政府信息公开情况总结\n一、基本情况\n共受理政府信息公开申请3件。\n")
    assert older.is_report and older.template == "pre-2019" and not older.cells  # read in its own format
    assert [i.code for i in older.issues if i.table is None] == []
    assert [(s.number, s.topic) for s in older.sections.values()] == [(0, "preamble"), (1, "overview")]
    assert [(f.kind, f.value) for f in older.figures] == [("requests_received", 3.0)]
    # For 2019 on, no mandated tables but the older outline: read in that format (rule C2 then fails it).
    late = parse(
        "某某县卫生局2020年度政府信息公开工作年度报告\n一、概述\n二、依申请公开政府信息情况\n本年度未收到政府信息公开申请。\n"
    )
    assert late.template == "pre-2019" and [(f.kind, f.value) for f in late.figures] == [("requests_received", 0.0)]
    untitled = parse("某某县卫生局2013年度政府信息公开情况总结\n共受理政府信息公开申请3件。\n")
    assert [i.code for i in untitled.issues if i.table is None] == ["sections_not_found"]
    assert untitled.template == "pre-2019" and [(f.kind, f.value) for f in untitled.figures] == [
        ("requests_received", 3.0)
    ]
    assert not parse("会议纪要\n今天开会讨论了三件事。\n").is_report


def test_cutting_is_polynomial() -> None:
    """Every set of cuts of 40 digits into 7 cells is C(39, 6) = 3.3 million; the memoised walk visits a
    few thousand states (measured in bench, asserted here by the answer only)."""
    run = "1" * 33 + "0" * 6 + "1"
    assert segmentations((run,), (Group(7, summed=True),)) == []
    digits = ("1" * 9, "0" * 5, "1" * 9)
    found = segmentations(digits, (Group(7, summed=True),))
    assert [values_of(digits, f) for f in found] == [[111111111, 0, 0, 0, 0, 0, 111111111]]


def test_unclosed_bracket_hides_no_value() -> None:
    """'（二）部分公开（区分处理的，只计这一情   0': the label wrapped, its bracket closes on the next line; the
    0 after it is a cell, not label text (brackets hide numbers only when they close in the same cell)."""
    text = report_text().replace(
        "部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0",
        "部分公开（区分处理的，只计这一情 0 0 0 0 0 0 0\n形，不计其他情形）",
    )
    assert "只计这一情 0" in text
    assert values(parse(text), "applications", "3.2") == [0] * 7


def test_values_spread_over_lines_are_read_only_when_h2_holds() -> None:
    """pdftotext -layout centres each cell of a wrapped row: 总计 lands on the first line, the other six
    on the next. In printed order '5 | 5 0 0 0 0 0' breaks H2: NULL. All zeros read the same in any order."""
    rows = {"1": "5 0 0 0 0 0 5", "3.2": "5 0 0 0 0 0 5", "3.7": "5 0 0 0 0 0 5"}
    text = report_text(rows).replace(
        "部分公开（区分处理的，只计这一情形，不计其他情形） 5 0 0 0 0 0 5",
        "部分公开（区分处理的，只计这一情 5\n5 0 0 0 0 0\n形，不计其他情形）",
    )
    report = parse(text)
    assert values(report, "applications", "3.2") == [None] * 7
    assert [i.code for i in report.issues if i.row_key == "3.2"] == ["unaligned_rows"]
    text = report_text().replace(
        "部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0",
        "部分公开（区分处理的，只计这一情 0\n0 0 0 0 0 0\n形，不计其他情形）",
    )
    assert values(parse(text), "applications", "3.2") == [0] * 7


def test_row_wrapped_onto_a_second_label_line() -> None:
    """'（六）其 1.申请人无正当理由逾期不补正、  0' / '他处理 行政机关不再处理其政府信息公开 0 0 0 0 0 0': the
    second line continues the row's label and completes its seven values."""
    text = report_text().replace(
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0",
        "（六）其 1.申请人无正当理由逾期不补正、 0\n他处理 行政机关不再处理其政府信息公开 0 0 0 0 0 0\n申请",
    )
    report = parse(text)
    assert values(report, "applications", "3.6.1") == [0] * 7
    assert not any(i.code == "unmatched_values" for i in report.issues)


def _numbers_first(text: str) -> str:
    """Every row's numbers moved before its label, as pdfminer without box flow prints a table."""
    out = []
    for line in text.splitlines():
        m = re.fullmatch(r"(.*?[^\d /])((?: [\d/]+)+)", line)
        if m and not line.startswith(("二、", "三、", "四、")) and "件数" not in line:
            out += [m[2].strip(), m[1]]
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def test_numbers_printed_before_their_labels() -> None:
    """Read label-then-numbers, each row would take the row before it's numbers: a wrong table that still
    adds up row by row. Read numbers-then-label only when every row and column then adds up."""
    rows = {"1": "5 1 0 0 0 0 6", "3.1": "4 1 0 0 0 0 5", "3.4.1": "1 0 0 0 0 0 1", "3.7": "5 1 0 0 0 0 6"}
    text = _numbers_first(report_text(rows))
    assert "5 1 0 0 0 0 6\n本年新收政府信息公开申请数量" in text
    report = parse(text)
    assert values(report, "applications", "1") == [5, 1, 0, 0, 0, 0, 6]
    assert values(report, "applications", "3.4.1") == [1, 0, 0, 0, 0, 0, 1]
    assert values(report, "proactive", "administrative_licensing") == [120]
    assert {c.read_as for c in report.cells if c.table == "applications"} == {"by_position_verified"}
    # A source error (三(七) not the sum of the results) leaves no verified reading: NULL, not shifted rows.
    broken = _numbers_first(report_text(rows | {"3.7": "6 1 0 0 0 0 7"}))
    report = parse(broken)
    assert values(report, "applications", "1") == [None] * 7
    assert any(i.code == "values_before_labels" for i in report.issues)


def test_layout_dump_columns_put_a_wrapped_row_in_order() -> None:
    """pdftotext -layout prints each cell where the page has it: a wrapped row's 总计 on its first line and
    the rest on the next. The columns the whole rows share put the wrapped one back in order."""

    def row(label: str, cells: list[str]) -> str:
        line = label.ljust(30)
        for col, value in zip((32, 40, 46, 52, 58, 64, 70), cells, strict=True):
            line = line.ljust(col) + value if value else line
        return line.rstrip()

    lines = report_text().splitlines()
    start = lines.index("三、收到和处理政府信息公开申请情况") + 3
    table = []
    for row_def in TEMPLATES["2021"].application_rows:
        cells = ["0"] * 7
        if row_def.key in ("1", "3.7"):
            cells = ["5", "1", "0", "0", "0", "0", "6"]
        if row_def.key == "3.2":
            table += [row("（二）部分公开（区分处理的，只计这一情", [""] * 6 + ["6"])]
            table += [row("", ["5", "1", "0", "0", "0", "0", ""]), "形，不计其他情形）"]
            continue
        table.append(row(row_def.label, cells))
    text = "\n".join(lines[:start] + table + lines[start + 25 :]) + "\n"
    assert "只计这一情" + " " * 10 in text
    report = parse(text)
    assert values(report, "applications", "3.2") == [5, 1, 0, 0, 0, 0, 6]
    assert not any(i.row_key == "3.2" for i in report.issues)
