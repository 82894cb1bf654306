"""One test per real-world quirk of the text path (spec §5 and Appendix B)."""

from pipeline.catalogue import TEMPLATE_2021_23ROW, TEMPLATES
from pipeline.normalise import label_key, read_value
from pipeline.parse import parse_document, section_of
from pipeline.read import read_document
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells
from tests.support import render

ROWS_25 = [r for r in TEMPLATES["2021"].application_rows]


def report_text(
    rows: dict[str, str] | None = None,
    layout: str = "2021",
    review: str = "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    narrative_first: bool = False,
    title: str = "某某县人民政府办公室2023年政府信息公开工作年度报告",
) -> str:
    """A report in the plain space-separated text shape, with rows overridable by key."""
    rows = rows or {}
    table3 = [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况 自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
    ]
    for row in TEMPLATES[layout].application_rows:
        table3.append(f"{row.label} {rows.get(row.key, '0 0 0 0 0 0 0')}")
    tables = [
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 / / /",
        "行政规范性文件 3 1 20",
        "第二十条第（五）项",
        "信息内容 本年处理决定数量",
        "行政许可 120",
        "第二十条第（六）项",
        "信息内容 本年处理决定数量",
        "行政处罚 8",
        "行政强制 0",
        "第二十条第（八）项",
        "信息内容 本年收费金额（单位：万元）",
        "行政事业性收费 0",
        *table3,
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计",
        review,
    ]
    narrative = ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    head = [title, "一、总体情况", "本年度共收到申请 0 件。"]
    body = head + (narrative + tables if narrative_first else tables + narrative)
    return "\n".join(body) + "\n"


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_document(read_document(text.encode("utf-8"), "text"))


def cell(report, table: str, row: str, col: str):  # type: ignore[no-untyped-def]
    return next(c for c in report.cells if (c.table, c.row_key, c.col_key) == (table, row, col))


def test_blank_slash_and_zero_stay_different() -> None:
    assert read_value("/").semantic == "na"
    assert read_value("0").semantic == "zero"
    assert read_value("").semantic == "blank"
    assert read_value("—").semantic == "na"
    assert read_value("无法提供") is None
    report = parse(report_text())
    regulations = cell(report, "proactive", "regulations", "issued")
    assert (regulations.value, regulations.semantic) == (None, "na")
    assert cell(report, "proactive", "normative_documents", "in_force").value == 20


def test_values_with_annotations_and_thousands_separators() -> None:
    v = read_value("22（其中修订 16 件）".replace(" ", ""))
    assert (v.value, v.note) == (22, "(其中修订16件)")
    assert read_value("1,234").value == 1234
    assert read_value("１２３").value == 123  # full-width digits
    assert read_value("5949.088667").decimals == 6


def test_23_row_layout_is_detected_from_labels() -> None:
    report = parse(report_text({"3.6": "2 0 0 0 0 0 2"}, layout=TEMPLATE_2021_23ROW))
    assert report.template == TEMPLATE_2021_23ROW
    assert cell(report, "applications", "3.6", "total").value == 2
    assert not any(c.row_key.startswith("3.6.") for c in report.cells)


def test_concatenated_cells_split_only_when_the_rules_allow_one_reading() -> None:
    report = parse(report_text({"1": "21710000218", "3.1": "21710000218"}))
    columns = ("natural_person", "commercial_enterprise", "total")
    assert [cell(report, "applications", "1", c).value for c in columns] == [217, 1, 218]
    assert any(i.code == "split_by_rule" and i.row_key == "1" for i in report.issues)


def test_an_ambiguous_run_is_recorded_not_guessed() -> None:
    # 101 0 0 0 0 0 101 and 1 0 100 0 0 0 101 both satisfy the row total: no way to choose.
    report = parse(report_text({"2": "10100000101"}))
    row = [cell(report, "applications", "2", c) for c in ("natural_person", "total")]
    assert all(c.value is None and c.semantic == "unreadable" for c in row)
    assert any(i.code == "ambiguous_segmentation" and i.row_key == "2" for i in report.issues)


def test_row_with_wrong_number_of_values_is_unreadable() -> None:
    report = parse(report_text({"3.2": "1 0 0 1"}))
    assert cell(report, "applications", "3.2", "natural_person").semantic == "unreadable"
    assert any(i.code == "value_count" and i.row_key == "3.2" for i in report.issues)


def test_sections_found_by_title_when_tables_come_after_the_narrative() -> None:
    report = parse(report_text({"1": "5 1 0 0 0 0 6"}, narrative_first=True))
    assert sorted(report.sections) == [0, 1, 2, 3, 4, 5, 6]  # 0: the preamble before 一
    assert cell(report, "applications", "1", "total").value == 6
    assert cell(report, "proactive", "administrative_licensing", "decisions").value == 120


def test_section_four_title_variants_and_numbering_without_comma() -> None:
    assert section_of("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况统计表") == 4
    assert section_of("二主动公开政府信息情况") == 2
    assert section_of("6、 其他需要报告的事项") == 6
    assert section_of("四、结转下年度继续办理") is None
    assert section_of("二依申请公开情况") is None


def test_title_forms() -> None:
    for title, agency, year in [
        ("某某县人民政府办公室2023年政府信息公开工作年度报告", "某某县人民政府办公室", 2023),
        ("2023 年度某某市公安局政府信息公开工作年度报告", "某某市公安局", 2023),
        ("某某市公安局 2022 年度政府信息公开工作报告", "某某市公安局", 2022),
    ]:
        report = parse(report_text(title=title))
        assert (report.agency, report.year) == (agency, year), title


def test_review_row_that_breaks_h4_is_kept_as_printed_without_header_evidence() -> None:
    report = parse(report_text(review="10 1 0 0 0 5 0 0 0 0 0 0 0 0 0"))
    assert cell(report, "review_litigation", "administrative_review", "total").value == 0
    assert cell(report, "review_litigation", "administrative_review", "upheld").value == 10
    assert not any(i.code == "merged_header" for i in report.issues)


def test_label_keys_fold_radicals_spacing_and_glosses() -> None:
    assert label_key("⾃ 然 ⼈") == label_key("自然人")
    assert label_key("⼈⺠") == "人民"
    assert label_key("政务(wù)公开") == "政务公开"
    assert label_key("[bookmark: OLE_LINK1]规章") == "规章"


def test_annotation_with_spaces_inside_the_cell_keeps_its_number() -> None:
    """Appendix B prints "22（其中修订 16 件）": the spaces inside the note split neither a grid cell nor
    a space-separated text row (found by fuzzing: seed 12 as HTML, seed 94 as text)."""
    v = read_value("22（其中修订 16 件）")
    assert (v.value, v.semantic, v.note) == (22, "number", "(其中修订 16 件)")
    assert read_value("规章 22（其中修订 16 件）") is None  # a label before the number: the caller splits it
    text = report_text().replace("行政规范性文件 3 1 20", "行政规范性文件 3（其中修订 1 件） 1 20（含自然失效 9 件）")
    report = parse(text)
    cells = [cell(report, "proactive", "normative_documents", c) for c in ("issued", "repealed", "in_force")]
    assert [c.value for c in cells] == [3, 1, 20]
    assert cells[2].note == "(含自然失效 9 件)"
    exp = expected(SEEDS[1])
    page = render.render_html(exp, style=render.CellStyle(annotate=True))
    assert "（其中修订 1 件）" in page.decode("utf-8")
    report = parse_document(read_document(page, "html"))
    assert {(c.table, c.row_key, c.col_key): c.value for c in report.cells} == expected_cells(exp)


def test_zero_width_spaces_in_cells_and_labels_are_stray_spaces() -> None:
    """Web editors leave U+200B inside cells ("0\u200b", "&#8203;" in a GBK page): it is not part of the
    value nor of the label (found by fuzzing: seed 8 as HTML and DOCX, seed 1 as text)."""
    assert read_value("0\u200b").semantic == "zero"
    assert read_value("\u200b12").value == 12
    assert label_key("自\u200b然\u00ad人") == "自然人"
    exp = expected(SEEDS[0])
    page = render.render_html(exp, "gbk", declare_charset=False, style=render.CellStyle(pad="\u200b"))
    assert b"&#8203;" in page
    report = parse_document(read_document(page, "html"))
    assert {(c.table, c.row_key, c.col_key): c.value for c in report.cells} == expected_cells(exp)
    text = (
        (SEED_DIR / SEEDS[1])
        .read_text(encoding="utf-8")
        .replace("\t0\t", "\t0\u200b\t")
        .replace("自然人", "自\u200b然人")
    )
    report = parse(text)
    assert {(c.table, c.row_key, c.col_key): c.value for c in report.cells} == expected_cells(expected(SEEDS[1]))


def test_first_value_glued_to_its_label_whatever_it_looks_like() -> None:
    """A PDF text layer loses the space between a label and its first value; the value may follow a
    closing quote, carry a unit, a note or a stray zero-width space, or be a '/' mark (found by fuzzing
    with glued values: seeds 4, 26, 69 and 1 as text)."""
    text = report_text({"3.3.3": "5 0 0 0 0 0 5", "3.1": "/ 0 0 0 0 0 /"})
    for spaced, glued in [
        ("稳定” 5", "稳定”5"),
        ("予以公开 /", "予以公开/"),
        ("规章 / / /", "规章/ / /"),
        ("行政规范性文件 3 1 20", "行政规范性文件3件 1件 20件"),
        ("行政许可 120", "行政许可120\u200b"),
        ("行政处罚 8", "行政处罚8（含简易程序 5 件）"),
    ]:
        assert spaced in text
        text = text.replace(spaced, glued)
    report = parse(text)
    assert cell(report, "applications", "3.3.3", "natural_person").value == 5
    assert [cell(report, "applications", "3.1", c).semantic for c in ("natural_person", "total")] == ["na", "na"]
    assert cell(report, "proactive", "regulations", "issued").semantic == "na"
    assert [cell(report, "proactive", "normative_documents", c).value for c in ("issued", "in_force")] == [3, 20]
    assert cell(report, "proactive", "administrative_licensing", "decisions").value == 120
    punishment = cell(report, "proactive", "administrative_punishment", "decisions")
    assert (punishment.value, punishment.note) == (8, "(含简易程序 5 件)")
    tables = ("proactive", "applications", "review_litigation")
    assert not [i for i in report.issues if i.table in tables and i.code != "unmatched_values"]
    # the bracket a spaced-out label opened closes just before the glued value (seed 1)
    report = parse(report_text({"3.2": "1 0 0 0 0 0 1"}).replace("不计其他情形） 1", "不 计 其 他 情 形）1"))
    assert cell(report, "applications", "3.2", "natural_person").value == 1


def test_invisible_space_after_a_cell_note_does_not_split_the_row() -> None:
    """'1（其中修订 0 件）\u200b': what follows the note is nothing, not an empty label between two
    values (found by fuzzing: seed 330 as text)."""
    text = report_text().replace("行政规范性文件 3 1 20", "行政规范性文件 3（其中修订 1 件）\u200b 1\u200b 20")
    report = parse(text)
    assert [cell(report, "proactive", "normative_documents", c).value for c in ("issued", "repealed", "in_force")] == [
        3,
        1,
        20,
    ]


def test_utf16_without_bom_and_almost_no_ascii_is_decoded() -> None:
    """A BOM-less UTF-16 dump with full-width digits has too few NUL bytes for the NUL-pattern check;
    its code units are still plainly CJK text (found by fuzzing: seed 538 as text)."""
    from pipeline.read.decode import decode

    overview = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，推进政务公开。" * 60  # a long first paragraph
    text = report_text().replace("本年度共收到申请 0 件。", overview)
    text = text.translate(str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")).replace("\u3000", "\u200b\u3000")
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode(text.encode(encoding)) == text
    assert decode(text.encode("gb18030")) == text  # GB18030 is not taken for UTF-16
    report = parse_document(read_document(text.encode("utf-16-le"), "text"))
    assert cell(report, "proactive", "administrative_licensing", "decisions").value == 120


def test_label_cut_at_a_page_break_and_misread() -> None:
    """A label cut short by a page break whose kept part also has a look-alike typo (申清人 for 申请人)
    still matches its row, by one substitution in the cut label (found by fuzzing: seed 546)."""
    label = TEMPLATES["2021"].application_rows[20].label  # 三(六)1
    head = label[: len(label) * 7 // 10].replace("请", "清", 1)
    text = report_text({"3.6.1": "2 0 0 0 0 0 2"}).replace(f"{label} 2 0", f"{head} 2 0")
    report = parse(text)
    assert cell(report, "applications", "3.6.1", "total").value == 2


def test_traditional_conversion_keeps_the_template_vocabulary() -> None:
    """tw2sp's Taiwan-phrase table rewrites two of the template's own words (查詢 → 查找, 文件 → 文档);
    a typo in the same label then left 三(三)8 unmatched (found by fuzzing: seed 942, s2tw text)."""
    import opencc

    from pipeline.normalise import to_simplified

    for config in ("s2t", "s2tw", "s2twp", "s2hk"):
        for label in ("属于行政查询事项", "行政规范性文件", "规范性文件"):
            assert to_simplified(opencc.OpenCC(config).convert(label)) == label, (config, label)
    assert to_simplified("行政規範性檔案 資訊公開") == "行政规范性文件 信息公开"  # Taiwan words still mapped
    text = report_text({"3.3.8": "4 0 0 0 0 0 4"}).replace("属于行政查询事项", "属于行故查询事项")
    report = parse(opencc.OpenCC("s2tw").convert(text))
    assert cell(report, "applications", "3.3.8", "total").value == 4


def test_unit_printed_apart_from_its_number() -> None:
    """Word and LibreOffice add space between Western digits and CJK text, so a PDF text layer reads
    "3 件" and "26 件（其中修订 13 件）": the unit and note still belong to the number before them, in
    a text line and in a grid cell (found by fuzzing: seeds 102 and 155 as PDF)."""
    v = read_value("26 件（其中修订 13 件）")
    assert (v.value, v.note) == (26, "(其中修订 13 件)")
    assert read_value("3 4") is None  # two numbers stay two tokens
    text = report_text().replace("行政规范性文件 3 1 20", "行政规范性文件 3 件\u3000 1 件 20 件（含自然失效 9 件）")
    text = text.replace("行政许可 120", "行政许可 120 件").replace("行政处罚 8", "行政处罚8件\u200b")
    report = parse(text)
    assert [cell(report, "proactive", "normative_documents", c).value for c in ("issued", "repealed", "in_force")] == [
        3,
        1,
        20,
    ]
    assert cell(report, "proactive", "administrative_licensing", "decisions").value == 120
    assert cell(report, "proactive", "administrative_punishment", "decisions").value == 8


def test_full_width_digits_wrapped_in_a_narrow_pdf_cell() -> None:
    """Full-width digits in a narrow cell wrap and are spread by justification ("３ ０\\n９７" with a
    fixed 3-pt word gap): one number, not two (found by fuzzing: seed 127 as PDF)."""
    import copy

    import pytest

    from tests.conftest import require_shared

    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    numbers = copy.deepcopy(expected(SEEDS[0]))
    for row in ("1", "3.3.5", "3.7"):
        numbers["applications"][row].update(natural_person=3097, legal_service_org=1167, total=4264)
    template = require_shared("fixtures", "real", "政务公开年报模版.docx")
    docx = render.render_docx(numbers, template, render.CellStyle(fullwidth=True))
    report = parse_document(read_document(render.convert_to_pdf(docx, ".docx"), "pdf"))
    got = {(c.table, c.row_key, c.col_key): c.value for c in report.cells}
    assert got == expected_cells(numbers)
