"""Reports before the 2019 format (template `pre-2019`): the ten older crawled pages of
../shared/fixtures/wild/pingtan, read with their agency, year and own outline, and every figure each
states asserted against an answer file written by reading the pages (tests/fixtures/pre2019/). Also the
prose reader on the sentences such reports print, and `v_request_panel` over 2009–2025."""

import json
from collections import defaultdict
from pathlib import Path

import duckdb

from pipeline.narrative import early
from pipeline.narrative.numbers import chinese_numeral, read_number
from pipeline.narrative.statistics_table import read_statistics_table
from pipeline.parse import parse_document
from pipeline.read import read_document
from pipeline.settings import PROJECT_ROOT
from tests.support.early_reports import generate

ANSWERS = json.loads((PROJECT_ROOT / "tests/fixtures/pre2019/pingtan.expected.json").read_text(encoding="utf-8"))
PANEL_MEASURES = ("requests_received", "requests_granted", "requests_partly_granted", "requests_refused",
                  "requests_not_held", "reviews", "litigations", "fees_yuan")  # fmt: skip


def _stated(sentence: str, topic: str | None = None) -> list[tuple[str, float]]:
    return [(f.kind, f.value) for f in early.figures(1, sentence, topic)]


# ---- the prose reader --------------------------------------------------------------------------------


def test_numbers_read_exactly() -> None:
    assert [chinese_numeral(t) for t in ("十二", "十", "一百二十三", "两千零五", "一万二千", "零", "三")] == [
        12, 10, 123, 2005, 12000, 0, 3,
    ]  # fmt: skip
    assert chinese_numeral("二〇一三") is None  # a year written digit by digit is not a count
    assert chinese_numeral("二三十") is None
    assert [str(read_number(t)) for t in ("1,234", "219062.78", "十二")] == ["1234", "219062.78", "12"]
    assert read_number("1.2", wan=True) == 12000


def test_the_sentences_older_reports_print() -> None:
    assert _stated("全年共受理政府信息公开申请12件，其中同意公开9件，部分公开1件，信息不存在2件。") == [
        ("requests_received", 12), ("requests_granted", 9), ("requests_partly_granted", 1), ("requests_not_held", 2),
    ]  # fmt: skip
    assert _stated("本年度主动公开政府信息1,234条。") == [("proactive_items", 1234)]
    assert _stated("全年主动公开政府信息1.2万条。") == [("proactive_items", 12000)]
    assert _stated("共受理政府信息公开申请十二件，均已按时答复。") == [("requests_received", 12)]
    assert _stated("收取检索、复制、邮寄费0元。") == [("fees_yuan", 0)]
    assert _stated("因政府信息公开被申请行政复议0件，提起行政诉讼0件。") == [("reviews", 0), ("litigations", 0)]
    assert _stated("上年结转政府信息公开申请3件，另有2件非本机关政府信息，1件申请内容不明确。") == [
        ("requests_carried_over", 3), ("requests_not_this_body", 2), ("requests_unclear", 1),
    ]  # fmt: skip
    assert _stated("接到行政申诉、举报1件。", "review_litigation") == [("complaints", 1)]


def test_zeros_stated_in_words() -> None:
    assert _stated("2014年，我局未收到有关政府信息公开的申请。") == [("requests_received", 0)]
    assert _stated("未收到因政府信息公开提出的行政复议、行政诉讼和行政申诉的申请。") == [
        ("reviews", 0), ("litigations", 0), ("complaints", 0),
    ]  # fmt: skip
    assert _stated("无收费及减免情况。") == [("fees_yuan", 0)]
    assert _stated("2017年我局没有收到申请公开的信息涉及“不予公开”的。", "requests") == [("requests_refused", 0)]


def test_what_is_not_a_figure_of_the_year() -> None:
    assert _stated("近3年共受理信息公开申请2件。") == []  # several years
    assert _stated("今年我局共制作政府信息523条，依申请公开信息数374条，不予公开信息数55条。") == []
    assert _stated("区直、县直各单位主动公开政府信息303条，占71.3%。") == []  # a part
    assert _stated("其他应主动公开的信息1831条。") == []  # a category
    assert _stated("建立窗口服务大厅，开设窗口24个，共受理申请136437件。") == []  # approvals, not disclosure
    assert _stated("2013年用于税收宣传等产生的政府信息公开费用1万元。") == []  # expenditure, not fees
    assert _stated("本报告由概述、行政复议、提起行政诉讼的情况等七个部分组成。") == []
    assert _stated("约4900人次咨询，发布招聘信息20多条。") == []


def test_a_statistics_table_whose_cells_ran_together() -> None:
    body = (
        "指标名称计量单位2015年度历年累计主动公开文件数条294981916其中：1、政府网站公开数条2949819162、政府公报公开数"
        "条00受理依申请公开信息总数条01其中：1、当面申请数条002、网上申请数条00对申请的答复总数条01行政复议数件00"
    )
    reading = read_statistics_table(7, body)
    assert reading is not None
    assert [(f.kind, f.value) for f in reading.figures] == [("requests_received", 0.0), ("reviews", 0.0)]
    assert len(reading.issues) == 1 and reading.issues[0].startswith("主动公开文件数: '294981916' may hold")
    received = reading.figures[0]
    assert body[received.char_start : received.char_end] == "0"


# ---- the ten older pages -------------------------------------------------------------------------------


def test_each_older_report_is_read(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    got = {
        f: (a, y, s, t)
        for f, a, y, s, t in con.execute("select source_file, agency, year, status, template from reports").fetchall()
    }
    for name, want in ANSWERS.items():
        assert got[name] == (want["agency"], want["year"], want["status"], "pre-2019"), name
        sections = con.execute(
            "select section_no, topic from report_sections where source_file = $f and section_no > 0 order by 1",
            {"f": name},
        ).fetchall()
        assert [list(s) for s in sections] == want["sections"], name
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    cells = con.execute(
        "select count(*) from v_report_cells join reports using (source_file) where template = 'pre-2019'"
    ).fetchone()
    assert cells == (0,)  # no template cell invented


def test_the_figures_each_page_states(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    rows = con.execute(
        "select f.source_file, f.origin, f.kind, f.value, f.conflicting from narrative_figures f "
        "join reports r using (source_file) where r.template = 'pre-2019'"
    ).fetchall()
    got: dict[str, dict[str, dict[str, set[float]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    conflicting: dict[str, set[str]] = defaultdict(set)
    for name, origin, kind, value, flagged in rows:
        got[name][origin][kind].add(value)
        if flagged:
            conflicting[name].add(kind)
    for name, want in ANSWERS.items():
        for origin in ("prose", "statistics_table"):
            have = {k: sorted(v) for k, v in got[name][origin].items()}
            assert have == want[origin], (name, origin)
        assert sorted(conflicting[name]) == want["conflicting"], name
    issues = con.execute(
        "select source_file, detail from parse_issues where issue_code = 'conflicting_figures'"
    ).fetchall()
    assert [f[:5] for f, _ in issues] == ["80734"]
    assert issues[0][1].startswith("proactive_items: stated as 1913 (prose, section 3: 2012年主动公开政府信息1913条);")
    assert "739 (statistics_table, section 6" in issues[0][1]


def test_a_cover_letter_carries_the_report(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    preamble, first = con.execute(
        "select max(body) filter (where section_no = 0), max(title) filter (where section_no = 1) "
        "from report_sections where source_file like '80525%'"
    ).fetchone()
    assert "报送贵处" in preamble and "相关情况的反馈" in preamble  # the 函 stays in the preamble
    assert first == "一、概述"


def test_each_figure_keeps_its_span_and_sentence(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    rows = con.execute(
        "select f.value, substr(s.body, f.char_start + 1, f.char_end - f.char_start), f.sentence, f.origin "
        "from narrative_figures f join report_sections s using (source_file, section_no) "
        "join reports r using (source_file) where r.template = 'pre-2019'"
    ).fetchall()
    figures = con.execute(
        "select count(*) from narrative_figures join reports using (source_file) where template = 'pre-2019'"
    ).fetchone()
    assert len(rows) == figures[0] >= sum(len(a[o]) for a in ANSWERS.values() for o in ("prose", "statistics_table"))
    for value, printed, sentence, origin in rows:
        assert printed in sentence or origin == "statistics_table"
        if printed[:1].isdigit():
            assert float(printed.rstrip("件条元个项次起宗").strip()) == value
        else:
            assert value == 0 and any(w in printed for w in ("未", "没有", "无", "不"))  # a zero stated in words


def test_format_bound_rules_are_not_assessable(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    verdicts = dict(
        con.execute(
            "select rule_id, list(distinct passed) from dq_results d join reports r using (source_file) "
            "where r.template = 'pre-2019' and rule_id in ('C1', 'C2', 'C5', 'C6') group by rule_id"
        ).fetchall()
    )
    assert verdicts == {"C1": [None], "C2": [None], "C5": [None], "C6": [None]}
    s12 = con.execute("select details from dq_results where rule_id = 'S12' and source_file like '80734%'").fetchone()
    assert s12 == ("says 5 parts, has 6 sections",)  # its outline lists five; it prints a sixth (重点领域)


def _panel_expectation(want: dict, measure: str) -> tuple[float | None, str | None]:
    stated = {origin: want[origin][measure] for origin in ("prose", "statistics_table") if measure in want[origin]}
    if not stated:
        return None, None
    values = {v for vs in stated.values() for v in vs}
    if len(values) > 1:
        return None, "conflicting"
    return values.pop(), "+".join(sorted(stated))


def test_one_panel_from_2009_to_2025(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    columns = ", ".join(f"{m}, {m}_source" for m in PANEL_MEASURES)
    panel = {
        row[0]: row[1:]
        for row in con.execute(f"select source_file, year, {columns}, grant_rate from v_request_panel").fetchall()
    }
    years = sorted(con.execute("select year from v_request_panel").fetchall())
    assert len(panel) == 18 and years[0] == (2009,) and years[-1] == (2025,)
    assert con.execute(
        "select count(*) from (select distinct agency_normalised, year from v_request_panel)"
    ).fetchone() == (18,)
    for name, want in ANSWERS.items():
        row = panel[name]
        assert row[0] == want["year"]
        for i, measure in enumerate(PANEL_MEASURES):
            assert row[1 + 2 * i : 3 + 2 * i] == _panel_expectation(want, measure), (name, measure)
    # 2017: two requests, none granted in full (its 统计表); later years from the template tables
    assert panel[next(n for n in ANSWERS if n.startswith("80525"))][-1] == 0.0
    template_rows = con.execute(
        "select distinct requests_received_source from v_request_panel where template <> 'pre-2019'"
    ).fetchall()
    assert template_rows == [("table",)]
    received_2019 = con.execute("select requests_received from v_request_panel where year = 2019").fetchone()
    assert received_2019 == (23.0,)


# ---- generated older reports (tests/support/early_reports.py) ------------------------------------------


def test_generated_older_reports_read_exactly() -> None:
    """400 generated reports of the 2008 regulation, each drawing its own mess (outline, numerals, zeros in
    words, figures that are not the year's, a 统计表 spaced or run together, a cover letter, one line):
    every figure read is the stated one, every figure the prose states is read, and a table row of a kind
    is read or reported."""
    styles: set[str] = set()
    failures = []
    for seed in range(400):
        g = generate(seed)
        styles.update(g.style)
        report = parse_document(read_document(g.text.encode("utf-8"), "text"))
        found: dict[tuple[str, str], set[float]] = defaultdict(set)
        for f in report.figures:
            found[(f.origin, f.kind)].add(f.value)
        prose = {k: v for (o, k), v in found.items() if o == "prose"}
        table = {k: v for (o, k), v in found.items() if o == "statistics_table"}
        unread = [i.detail for i in report.issues if i.code.startswith("statistics_table")]
        if (report.template, report.year, report.agency) != ("pre-2019", g.year, g.agency):
            failures.append((seed, "read as", report.template, report.year, report.agency))
        if prose != {k: {float(v)} for k, v in g.truth.items()}:
            failures.append((seed, "prose", prose, g.truth))
        if any(v != {float(g.table_truth.get(k, -1))} for k, v in table.items()):
            failures.append((seed, "table", table, g.table_truth))
        if set(g.table_truth) - set(table) and not unread:
            failures.append((seed, "table row neither read nor reported", set(g.table_truth) - set(table)))
    assert failures == []
    assert {"chinese", "grouped", "wan", "fullwidth", "cover_letter", "one_line", "unnumbered", "table_glued",
            "table_two_columns", "table_one_column", "several_years", "parts_of_total", "service_window",
            "zero_requests_in_words", "zero_disputes_in_words"} <= styles  # fmt: skip
