"""Render a report's numbers (the expected-JSON shape) as text, HTML, DOCX or PDF, the way agencies publish.

Used to build format fixtures from the seeds (`make fixtures`, tests) and by the fuzz generator
(`tests/support/fuzz.py`). The output is deliberately as messy as real pages: site chrome and scripts around
the report, merged header cells, line breaks and no-break spaces inside labels and cells, GBK encoding;
text dumps in the four layouts of the seeds (spec §5, Appendix B). Every quirk is an explicit option
(`CellStyle`, `TextOptions`), so a rendering is a pure function of the numbers and its options.
"""

import html
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.catalogue import (
    PROACTIVE_COLUMN_LABELS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    TEMPLATE_2021,
    TEMPLATE_2021_23ROW,
    TEMPLATES,
    ApplicationRow,
)

Numbers = dict[str, Any]  # the expected-JSON shape: proactive / applications / review_litigation ...

_APPLICANT_KEYS = (
    "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
    "legal_service_org", "other", "total",
)  # fmt: skip
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_GROUPS = {"3.3": "（三）不予公开", "3.4": "（四）无法提供", "3.5": "（五）不予处理", "3.6": "（六）其他处理"}
_ROMAN = "一二三四五六七八"


def fmt_value(value: float | int | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


@dataclass(frozen=True)
class CellStyle:
    """How values are printed in cells (spec §5.4). The defaults print plain numbers and blank cells."""

    blank: str = ""  # what a None cell prints as: "" (a grid's empty cell) or a mark such as "/" or "—"
    thousands: bool = False  # "12,345"
    fullwidth: bool = False  # "１２３４５" (NFKC folds it)
    plus_sign: bool = False  # a positive 本年增/减 printed "+2" (2019 template)
    units: bool = False  # units inside cells (spec §5.4): "251000元" (2019 procurement), "5600万元", "22件"
    annotate: bool = False  # section-二 counts with a note inside the cell, "22（其中修订 11 件）" (Appendix B)
    pad: str = ""  # stray space printed after each value: no-break ("0\u00a0", seed 004), ideographic, zero-width


PLAIN = CellStyle()
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def print_cell(value: float | int | str | None, kind: str = "count", style: CellStyle = PLAIN) -> str:
    """One cell as printed. `kind` is the column kind of the catalogue (count, amount_10k_yuan, signed,
    as_printed) or "proactive_count" for the section-二 counts that may carry an annotation."""
    if value is None:
        return style.blank
    text = fmt_value(value)
    if style.thousands and not isinstance(value, str) and kind != "signed":
        whole, dot, frac = text.partition(".")
        text = f"{int(whole):,}{dot}{frac}"
    if style.plus_sign and kind == "signed" and not isinstance(value, str) and value > 0:
        text = "+" + text
    if style.units:
        text += {"as_printed": "元", "amount_10k_yuan": "万元", "proactive_count": "件"}.get(kind, "")
    if style.annotate and kind == "proactive_count" and not isinstance(value, str) and value > 0:
        text += f"（其中修订 {int(value) // 2} 件）"
    if style.fullwidth:
        text = text.translate(_FULLWIDTH)
    return text + style.pad


def proactive_kind(item_kind: str) -> str:
    """The print kind of a section-二 value column: plain counts may be annotated, the rest may not."""
    return "proactive_count" if item_kind == "count" else item_kind


TITLE_FORMS = 3


def title_of(numbers: Numbers, form: int = 0) -> str:
    """The report title in one of the forms of spec §5.2 (0: the template's, 1: seed 002's, 2: seed 001's)."""
    agency, year = numbers["agency"], numbers["year"]
    if form == 1:
        return f"{agency} {year} 年度政府信息公开工作报告"
    if form == 2:
        return f"{year} 年度{agency}政府信息公开工作年度报告"
    return f"{agency}{year}年政府信息公开工作年度报告"


def row_label(row: ApplicationRow) -> str:
    """The label as printed in the table: numbered like the official template."""
    if row.key in ("1", "2", "4"):
        return {"1": "一、", "2": "二、", "4": "四、"}[row.key] + row.label
    parts = row.key.split(".")
    if len(parts) == 2:
        return f"（{_ROMAN[int(parts[1]) - 1]}）{row.label}"
    return f"{parts[2]}.{row.label}"


def narrative(numbers: Numbers) -> dict[int, str]:
    received = numbers["applications"]["1"]["total"]
    return {
        1: f"{numbers['year']}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"全年共收到政府信息公开申请{fmt_value(received)}件，均按时答复。",
        5: "存在的主要问题是公开内容不够丰富。下一步将加强培训，提升公开质量。",
        6: "本年度未收取信息处理费。",
    }


# ---------------------------------------------------------------------------------------------------
# Text dumps: the four layouts of the seeds (fixtures/README.md), built from one list of logical rows


TEXT_LAYOUTS = ("tab", "space", "markdown", "cells")
HEADING_STYLES = ("canonical", "tables", "spaced", "arabic", "bare")
_SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
# Seed 002 and Shanghai: the long section-四 title, a longer 五, and "统计表" after the table sections.
_TABLE_STYLE_TITLES = {
    4: "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    5: "政府信息公开工作存在的主要问题及改进情况",
}


def heading(number: int, style: str = "canonical") -> str:
    """A section title: canonical "二、…", or a variant of spec §5.2: tables (统计表, long titles),
    spaced ("一 、", seed 004), arabic ("6、", seed 004) or bare (no 顿号, seed 001)."""
    numeral = _ROMAN[number - 1]
    title = _SECTION_TITLES[number]
    if style == "tables":
        return f"{numeral}、{_TABLE_STYLE_TITLES.get(number, title)}" + ("统计表" if number in (2, 3, 4) else "")
    if style == "spaced":
        return f"{numeral} 、{title}"
    if style == "arabic":
        return f"{number}、{title}"
    if style == "bare":
        return f"{numeral}{title}"
    return f"{numeral}、{title}"


TEXT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le")


@dataclass(frozen=True)
class TextOptions:
    """How a text dump looks. `layout`: tab (seeds 001/003: tab-separated, group labels as blank leading
    cells), space (000: a PDF text layer, space-separated), markdown (002: pipe tables, split at page
    breaks) or cells (004: a Word dump, one cell per line)."""

    layout: str = "tab"
    # A text dump drops empty cells, so a blank must print as a mark ("/", "—", ...) to keep its place.
    style: CellStyle = field(default_factory=lambda: CellStyle(blank="/"))
    title_form: int = 0  # see title_of
    title_after_heading: bool = False  # seed 000: the title follows "一、总体情况"
    preamble: bool = False  # a statistics-period sentence before section 一
    wrap_labels: int = 0  # space/cells/tab layouts: labels longer than this break over two lines (0: never)
    radicals: bool = False  # PDF text layer: Kangxi radicals and CJK Radicals Supplement forms (seed 000)
    social_org_alias: bool = False  # header 社会组织 for 社会公益组织 (seed 002)
    fee_decimals_note: bool = False  # fee header "（单位：万元，保留4位小数）" (Henan, seeds 000 and 003)
    spaced_review_header: bool = False  # "结果 维持" (seed 001)
    numbered_headers: bool = False  # applicant columns headed 数据1..数据6 (OCR/LLM copies, Appendix B)
    headings: str = "canonical"  # section-title style, one of HEADING_STYLES (spec §5.2)
    tables_last: bool = False  # sections 五 and 六 before the tables (some Shanghai bodies, Appendix B)
    title_twice: bool = False  # the title repeated in another form (seed 001)
    spaced_labels: bool = False  # spaces between the characters of table labels, "自 然 人" (spec §5.1)
    glue_values: bool = False  # space layout: the first value glued to its label, "行政许可229506" (PDF text)
    fullwidth_digits: bool = False  # every digit full-width, labels and title included (perturb_seeds.py)
    typo_rows: tuple[str, ...] = ()  # section-三 rows whose label has a look-alike typo, "本年度止件数" (§5.2)
    omit_other_column: bool = False  # section 三 without its 其他 column (seed 003); its values must all be None
    page_rows: int = 0  # markdown: a page break (a new pipe table) after every N table rows (0: none)
    split_label_at_break: bool = False  # markdown: the label before a page break ends on the next page
    blank_lines: bool = False  # an empty line after every line (PDF extraction, seeds 000 and 004)
    script: str = ""  # OpenCC configuration to traditional characters: s2t, s2tw, s2twp, s2hk (spec §5.5)
    glosses: bool = False  # spam-mirror pinyin glosses, "政(zhèng)府" (spec §5.5)
    newline: str = "\n"
    encoding: str = "utf-8"  # one of TEXT_ENCODINGS; utf-16-le is written without a BOM


@dataclass
class _Row:
    """One logical line: a heading or paragraph (one cell), or a table row (label cells, then values)."""

    cells: list[str]
    values_from: int  # index of the first value cell (len(cells) when there are none)
    table: bool = False


def _kangxi_forms() -> dict[str, str]:
    """Character → the Kangxi radical a PDF text layer prints for it (NFKC maps each radical back)."""
    forms: dict[str, str] = {}
    for code in range(0x2F00, 0x2FD6):
        forms.setdefault(unicodedata.normalize("NFKC", chr(code)), chr(code))
    return forms


# Simplified characters that PDF text layers print as CJK Radicals Supplement forms (U+2E80–U+2EF3),
# which NFKC does not fold (spec §5.1; seed 000 has ⺠ ⻅ ⻔ ⻓ ⻋). Independent of the parser's own map.
_SUPPLEMENT_FORMS = {
    "民": "\u2ea0", "见": "\u2ec5", "角": "\u2ec6", "贝": "\u2ec9", "车": "\u2ecb", "长": "\u2ed3",
    "门": "\u2ed4", "韦": "\u2ed9", "页": "\u2eda", "风": "\u2edb", "飞": "\u2edc", "马": "\u2ee2",
    "鱼": "\u2ee5", "鸟": "\u2ee6", "卤": "\u2ee7", "麦": "\u2ee8", "黄": "\u2ee9", "黾": "\u2eea",
    "齐": "\u2eec", "齿": "\u2eee", "龙": "\u2ef0", "龟": "\u2ef3", "母": "\u2e9f",
}  # fmt: skip
_RADICAL_FORMS = str.maketrans({**_kangxi_forms(), **_SUPPLEMENT_FORMS})
# OCR and typing look-alikes: one character of a label misread (seed 003 prints 本年度止件数 for 本年废止件数).
LOOKALIKES = {
    "废": "度",
    "已": "己",
    "未": "末",
    "人": "入",
    "务": "各",
    "请": "清",
    "制": "刺",
    "提": "捉",
    "政": "故",
}


def typo(label: str) -> str:
    """The label with its first look-alike character misread (unchanged when it has none)."""
    for i, ch in enumerate(label):
        if ch in LOOKALIKES:
            return label[:i] + LOOKALIKES[ch] + label[i + 1 :]
    return label


_CJK_PAIR = re.compile(r"([\u4e00-\u9fff])(?=[\u4e00-\u9fff])")  # a space goes between such characters only
_GLOSSES = {"政府": "政(zhèng)府", "公开": "公开(gong)", "复议": "复(fù)议", "申请": "申(shēn)请"}


def application_label_cells(template: str) -> list[tuple[ApplicationRow, list[str]]]:
    """Section 三 rows with their label cells as a linearised table prints them: [top, group, leaf], a
    group label only on the first row of its group and blank below it (the merged cell's other rows)."""
    out: list[tuple[ApplicationRow, list[str]]] = []
    seen: set[str] = set()
    first_result = True
    for row in TEMPLATES[template].application_rows:
        if row.key in ("1", "2", "4"):
            out.append((row, [row_label(row), "", ""]))
            continue
        top = "三、本年度办理结果" if first_result else ""
        first_result = False
        if row.parent in _GROUPS:
            group = "" if row.parent in seen else _GROUPS[row.parent]
            seen.add(row.parent)
            out.append((row, [top, group, row_label(row)]))
        else:
            out.append((row, [top, row_label(row), ""]))
    return out


def _report_rows(numbers: Numbers, options: TextOptions) -> list[_Row]:
    template = numbers.get("template", TEMPLATE_2021)
    style = options.style
    text = narrative(numbers)

    def para(line: str) -> _Row:
        return _Row([line], 1)

    def table(labels: list[str], values: list[str] | None = None) -> _Row:
        return _Row([*labels, *(values or [])], len(labels), table=True)

    sections: dict[int, list[_Row]] = {n: [para(heading(n, options.headings))] for n in range(1, 7)}
    title = para(title_of(numbers, options.title_form))
    head = [] if options.title_after_heading else [title]
    if options.title_twice:
        head.append(para(title_of(numbers, (options.title_form + 1) % TITLE_FORMS)))
    if options.preamble:
        head.append(para(f"本报告中所列数据统计期限自{numbers['year']}年1月1日起至{numbers['year']}年12月31日止。"))
    if options.title_after_heading:
        sections[1].append(title)
    sections[1].append(para(text[1]))
    article = None
    for item in TEMPLATES[template].proactive:
        if item.article != article:
            article = item.article
            heads = [PROACTIVE_COLUMN_LABELS[c] for c in item.columns]
            if options.fee_decimals_note:
                heads = [h.replace("（单位：万元）", "（单位：万元，保留4位小数）") for h in heads]
            sections[2] += [table([article]), table(["信息内容", *heads])]
        values = [
            print_cell(numbers["proactive"][item.key][c], proactive_kind(item.column_kind(c)), style)
            for c in item.columns
        ]
        sections[2].append(table([item.label], values))
    orgs = ["商业企业", "科研机构", "社会组织" if options.social_org_alias else "社会公益组织", "法律服务机构", "其他"]
    columns = list(_APPLICANT_KEYS)
    if options.omit_other_column:
        if any(cells["other"] is not None for cells in numbers["applications"].values()):
            raise ValueError("omit_other_column: the 其他 column has values, so the table cannot lack it")
        columns.remove("other")
        orgs.remove("其他")
    if options.numbered_headers:
        numbered = [f"数据{i}" for i in range(1, len(columns))] + ["总计"]
        sections[3] += [table([_NOTE, "申请人情况"]), table(numbered)]
    else:
        sections[3] += [table([_NOTE, "申请人情况"]), table(["自然人", "法人或其他组织", "总计"]), table(orgs)]
    for row, labels in application_label_cells(template):
        values = [print_cell(numbers["applications"][row.key][c], style=style) for c in columns]
        if row.key in options.typo_rows:  # the row's own label: its last printed label cell
            at = max(i for i, c in enumerate(labels) if c)
            labels = [typo(c) if i == at else c for i, c in enumerate(labels)]
        sections[3].append(table(labels, values))
    subs = ["结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"]
    if not options.spaced_review_header:
        subs = [s.replace(" ", "") for s in subs]
    review = [
        print_cell(numbers["review_litigation"][b.key][c.key], style=style)
        for b in REVIEW_BLOCKS
        for c in REVIEW_COLUMNS
    ]
    sections[4] += [
        table(["行政复议", "行政诉讼"]),
        table([*subs, "未经复议直接起诉", "复议后起诉"]),
        table(subs * 2),
        table([], review),
    ]
    sections[5].append(para(text[5]))
    sections[6].append(para(text[6]))
    order = (1, 5, 6, 2, 3, 4) if options.tables_last else (1, 2, 3, 4, 5, 6)
    return head + [row for n in order for row in sections[n]]


def _wrapped(label: str, width: int, joiner: str) -> str:
    """A label broken every `width` characters, as a narrow table column or a PDF line prints it."""
    if not width or len(label) <= width:
        return label
    return joiner.join(label[i : i + width] for i in range(0, len(label), width))


def _markdown(rows: list[_Row], options: TextOptions) -> list[str]:
    """Pipe tables; a table ends at a paragraph and, with page_rows, at each page break, where the
    next page starts a new table (a row of empty cells and a rule, as seed 002 shows)."""
    lines: list[str] = []
    width = max(len(r.cells) for r in rows if r.table)

    def pipe(cells: list[str]) -> str:
        return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"

    rule = "|" + "|".join(["---"] * width) + "|"
    in_table, on_page, carry = False, 0, None
    for row in rows:
        if not row.table:
            lines += ["", row.cells[0], ""] if in_table else [row.cells[0], ""]
            in_table, on_page = False, 0
            continue
        cells = list(row.cells)
        at_break = bool(options.page_rows) and on_page + 1 >= options.page_rows
        if at_break and options.split_label_at_break and row.values_from and len(cells[row.values_from - 1]) >= 7:
            label = cells[row.values_from - 1]
            cut = -(-len(label) * 7 // 10)  # the first page keeps at least 70% of the label
            cells[row.values_from - 1], carry = label[:cut], label[cut:]
        if not in_table:
            lines += [pipe(cells), rule]
            in_table = True
        else:
            lines.append(pipe(cells))
        on_page += 1
        if at_break:
            lines += ["", pipe([]), rule]
            if carry:
                lines.append(pipe(["", carry]))
                carry = None
            on_page = 0
    return lines


def text_report(numbers: Numbers, options: TextOptions | None = None) -> str:
    """The report as a text dump (a str; `render_text` encodes it)."""
    options = options or TextOptions()
    if options.layout not in TEXT_LAYOUTS:
        raise ValueError(f"unknown text layout {options.layout!r}; one of {TEXT_LAYOUTS}")
    if not options.style.blank.strip():
        raise ValueError("a text dump drops empty cells: a blank must print as a mark such as '/'")
    rows = _report_rows(numbers, options)
    lines: list[str] = []
    if options.layout == "markdown":
        lines = _markdown(rows, options)
    for row in rows if options.layout != "markdown" else ():
        wrap = options.wrap_labels if row.table else 0  # narrow table columns wrap; headings and prose do not
        labels = row.cells[: row.values_from]
        if options.spaced_labels and row.table:
            labels = [_CJK_PAIR.sub(r"\1 ", c) for c in labels]
        labels = [_wrapped(c, wrap, "\n") for c in labels]
        cells = labels + row.cells[row.values_from :]
        if options.layout == "tab":
            lines.append("\t".join(cells))
        elif options.layout == "space" and options.glue_values and row.table and 0 < row.values_from < len(cells):
            label = " ".join(c for c in labels if c)
            lines.append(label + " ".join(c for c in cells[row.values_from :] if c))
        elif options.layout == "space":
            lines.append(" ".join(c for c in cells if c))
        elif not row.table:  # cells layout: paragraphs stay lines
            lines.append(row.cells[0])
        else:  # one cell per line, tab-indented, a blank line before each row; breaks inside cells
            lines += ["", *("\t" + c for c in cells)]
    text = "\n".join(lines) + "\n"
    if options.blank_lines:
        text = text.replace("\n", "\n\n")
    if options.script:
        import opencc  # bundled dictionaries, no download

        text = opencc.OpenCC(options.script).convert(text)
    if options.radicals:
        text = text.translate(_RADICAL_FORMS)
    if options.glosses:
        for plain, glossed in _GLOSSES.items():
            text = text.replace(plain, glossed)
    if options.fullwidth_digits:
        text = text.translate(_FULLWIDTH)
    return text.replace("\n", options.newline)


def render_text(numbers: Numbers, options: TextOptions | None = None) -> bytes:
    """The report as a text dump in the layout and with the quirks of `options`, encoded."""
    options = options or TextOptions()
    text = text_report(numbers, options)
    if options.encoding == "utf-16-le":
        return text.encode("utf-16-le")  # no BOM: the reader must recognise it from the NUL pattern
    return text.encode(options.encoding)


# ---------------------------------------------------------------------------------------------------
# HTML


@dataclass(frozen=True)
class HtmlLayout:
    """Structural quirks of a published page (the cell values' quirks are a `CellStyle`)."""

    headings: str = "canonical"  # section-title style, one of HEADING_STYLES
    title_form: int = 0  # see title_of
    layout_table: bool = False  # the article inside an outer layout table (old CMS templates)
    header_cells: bool = False  # the tables' header rows in <th> cells
    repeat_labels: bool = False  # section 三 without rowspans: group labels repeated on every row
    split_applications: int = 0  # section 三 continues in a second <table> after this many data rows
    script: str = ""  # OpenCC configuration to traditional (a Big5 gateway copy, spec §5.5), with big5 charset


def _td(text: str, rowspan: int = 1, colspan: int = 1, tag: str = "td") -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    body = html.escape(text).replace("\n", "<br/>")
    return f'<{tag}{attrs} style="border:1px solid #000" width="60"><p align="center"><span>{body}</span></p></{tag}>'


def _proactive_html(numbers: Numbers, template: str, style: CellStyle) -> str:
    rows: list[str] = []
    article = None
    for item in TEMPLATES[template].proactive:
        if item.article != article:
            article = item.article
            rows.append(f"<tr>{_td(article, colspan=4)}</tr>")
            heads = [PROACTIVE_COLUMN_LABELS[c] for c in item.columns]
            span = 3 if len(heads) == 1 else 1
            rows.append("<tr>" + _td("信息内容") + "".join(_td(h, colspan=span) for h in heads) + "</tr>")
        kinds = [proactive_kind(item.column_kind(c)) for c in item.columns]
        values = [
            print_cell(numbers["proactive"][item.key][c], k, style) for c, k in zip(item.columns, kinds, strict=True)
        ]
        span = 3 if len(values) == 1 else 1
        rows.append("<tr>" + _td(item.label) + "".join(_td(v + "\u00a0", colspan=span) for v in values) + "</tr>")
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def _applications_html(numbers: Numbers, template: str, style: CellStyle, layout: HtmlLayout) -> str:
    data_rows = TEMPLATES[template].application_rows
    results = [r for r in data_rows if r.parent == "3" or (r.parent or "").startswith("3.")]
    th = "th" if layout.header_cells else "td"
    orgs = ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他")
    head = [
        "<tr>" + _td(_NOTE, 3, 3, th) + _td("申请人情况", colspan=7, tag=th) + "</tr>",
        "<tr>" + _td("自然人", 2, tag=th) + _td("法人或其他组织", colspan=5, tag=th) + _td("总计", 2, tag=th) + "</tr>",
        "<tr>" + "".join(_td(t, tag=th) for t in orgs) + "</tr>",
    ]
    body: list[str] = []
    group_seen: set[str] = set()
    for row in data_rows:
        values = "".join(_td(print_cell(numbers["applications"][row.key][c], style=style)) for c in _APPLICANT_KEYS)
        lead = ""
        if row is results[0] and not layout.repeat_labels:
            lead += _td("三、本年度\n办理结果", rowspan=len(results))
        if row.key in ("1", "2", "4"):
            lead += _td(row_label(row), colspan=3)
        elif layout.repeat_labels:  # an export that unmerged the cells repeats their text on every row
            group = _GROUPS.get(row.parent or "", row_label(row))
            lead += _td("三、本年度办理结果") + _td(group) + _td(row_label(row))
        elif row.parent in _GROUPS:
            if row.parent not in group_seen:
                group_seen.add(row.parent)
                size = sum(1 for r in data_rows if r.parent == row.parent)
                lead += _td(_GROUPS[row.parent], rowspan=size)
            lead += _td(row_label(row))
        else:
            lead += _td(row_label(row), colspan=2)
        body.append(f"<tr>{lead}{values}</tr>")
    table = '<table border="1" cellspacing="0" style="width:100%">'
    if layout.split_applications and not layout.repeat_labels:
        raise ValueError("split_applications needs repeat_labels: a rowspan cannot continue into the next table")
    if layout.split_applications:  # a page break in the source: the rest of the rows in a new table
        at = layout.split_applications
        return table + "".join(head + body[:at]) + "</table><p>\u00a0</p>" + table + "".join(body[at:]) + "</table>"
    return table + "".join(head + body) + "</table>"


def _review_html(numbers: Numbers, style: CellStyle, layout: HtmlLayout) -> str:
    subs = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    th = "th" if layout.header_cells else "td"
    rows = [
        "<tr>" + _td("行政复议", colspan=5, tag=th) + _td("行政诉讼", colspan=10, tag=th) + "</tr>",
        "<tr>" + "".join(_td(s, rowspan=2, tag=th) for s in subs) + _td("未经复议直接起诉", colspan=5, tag=th)
        + _td("复议后起诉", colspan=5, tag=th) + "</tr>",
        "<tr>" + "".join(_td(s, tag=th) for s in subs * 2) + "</tr>",
        "<tr>" + "".join(
            _td(print_cell(numbers["review_litigation"][b.key][c.key], style=style))
            for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS
        ) + "</tr>",
    ]  # fmt: skip
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def render_html(
    numbers: Numbers,
    encoding: str = "utf-8",
    declare_charset: bool = True,
    style: CellStyle = PLAIN,
    layout: HtmlLayout | None = None,
) -> bytes:
    """The report as a crawled page: site chrome and a script around the article, real <table> grids."""
    layout = layout or HtmlLayout()
    template = numbers.get("template", "2021")
    text = narrative(numbers)
    title = html.escape(title_of(numbers, layout.title_form))
    h = {n: html.escape(heading(n, layout.headings)) for n in range(1, 7)}
    article = f"""<h1>{title}</h1>
<p>{h[1]}</p><p>{html.escape(text[1])}</p>
<p>{h[2]}</p>{_proactive_html(numbers, template, style)}
<p>{h[3]}</p>{_applications_html(numbers, template, style, layout)}
<p>{h[4]}</p>{_review_html(numbers, style, layout)}
<p>{h[5]}</p><p>{html.escape(text[5])}</p>
<p>{h[6]}</p><p>{html.escape(text[6])}</p>"""
    if layout.layout_table:
        article = f'<table width="100%"><tr><td class="content">{article}</td></tr></table>'
    meta = f'<meta charset="{encoding}">' if declare_charset else ""
    page = f"""<!DOCTYPE html><html><head>{meta}<title>{title}_政府信息公开年报</title>
<script>var nav = "一、总体情况"; document.write("<table><tr><td>1</td></tr></table>");</script>
<style>td {{ font-size: 12px }}</style></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府信息公开年报</div>
<div class="article">{article}</div>
<div class="footer">主办单位：{html.escape(numbers["agency"])}　网站标识码 1234567890</div>
</body></html>"""
    if layout.script:
        import opencc  # bundled dictionaries, no download

        page = opencc.OpenCC(layout.script).convert(page)
    # Characters the page's encoding lacks (a zero-width space in a GBK page) become numeric references.
    return page.replace("\u00a0", "&nbsp;").encode(encoding, errors="xmlcharrefreplace")


def render_flat_html(
    numbers: Numbers, options: TextOptions | None = None, encoding: str = "utf-8", declare_charset: bool = True
) -> bytes:
    """A page whose site flattened the tables into text: one `<p>` per line of the text dump (the
    options' layout and character quirks apply; its encoding and line ends do not)."""
    text = text_report(numbers, options)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if declare_charset else ""
    page = f"<html><head>{meta}<title>{html.escape(title_of(numbers))}</title></head><body>{body}</body></html>"
    return page.encode(encoding)


# ---------------------------------------------------------------------------------------------------
# DOCX: fill the blank official template (../shared/fixtures/real/政务公开年报模版.docx)


def _cell_grid(table: Any) -> Any:
    """cell(row, col) over a python-docx table. `Table.cell()` rebuilds the whole merged-cell grid on every
    call (1.5 s to fill one report); the grid is built once here with the same private helpers it uses."""
    cells, width = table._cells, table._column_count
    return lambda row, col: cells[row * width + col]


# Section-二 spots in the official template: row and value columns of each item.
_DOCX_PROACTIVE_SPOTS = {
    "regulations": (2, (1, 2, 3)),
    "normative_documents": (3, (1, 2, 3)),
    "administrative_licensing": (6, (1,)),
    "administrative_punishment": (9, (1,)),
    "administrative_coercion": (10, (1,)),
    "administrative_fees": (13, (1,)),
}
_DOCX_FIRST_DATA_ROW = 3  # section 三: three header rows, then the 25 data rows of the 2021 layout


def _single_other_row(applications: Any) -> None:
    """Turn the template's 25-row section 三 into the 23-row layout (Appendix B): 三(六) one row, no sub-rows."""
    rows = [r.key for r in TEMPLATES[TEMPLATE_2021].application_rows]
    first = _DOCX_FIRST_DATA_ROW + rows.index("3.6.1")
    for index in (first + 2, first + 1):  # drop 三(六)2 and 三(六)3; 三(六)1 becomes 三(六)
        tr = applications.rows[index]._tr
        tr.getparent().remove(tr)
    merged = applications.cell(first, 1).merge(applications.cell(first, 2))  # group and leaf label, as colspan=2
    merged.text = "（六）其他处理"


def render_docx(numbers: Numbers, template_docx: Path, style: CellStyle = PLAIN, title_form: int = 0) -> bytes:
    """Fill the official blank template's three tables and narrative paragraphs. The template is the 2021
    format; the 23-row layout removes the 三(六) sub-rows. The 2019 format had its own template (not here)."""
    import docx

    template = numbers.get("template", TEMPLATE_2021)
    if template not in (TEMPLATE_2021, TEMPLATE_2021_23ROW):
        raise ValueError(f"the official DOCX template is the 2021 format, not {template}")
    document = docx.Document(str(template_docx))
    text = narrative(numbers)
    paragraphs = document.paragraphs
    next(p for p in paragraphs if "格式模板" in p.text).text = title_of(numbers, title_form)
    placeholders = [p for p in paragraphs if p.text.startswith("（文字描述")]
    for paragraph, number in zip(placeholders, (1, 5, 6), strict=True):
        paragraph.text = text[number]
    proactive, applications, review = document.tables[:3]
    if template == TEMPLATE_2021_23ROW:
        _single_other_row(applications)
    cell = _cell_grid(proactive)
    for item in TEMPLATES[template].proactive:
        row, cols = _DOCX_PROACTIVE_SPOTS[item.key]
        for col, key in zip(cols, item.columns, strict=True):
            kind = proactive_kind(item.column_kind(key))
            cell(row, col).text = print_cell(numbers["proactive"][item.key][key], kind, style)
    cell = _cell_grid(applications)
    for r_index, row in enumerate(TEMPLATES[template].application_rows, start=_DOCX_FIRST_DATA_ROW):
        for c_index, key in enumerate(_APPLICANT_KEYS, start=3):
            cell(r_index, c_index).text = print_cell(numbers["applications"][row.key][key], style=style)
    cell = _cell_grid(review)
    for i, (block, col) in enumerate((b, c) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS):
        cell(3, i).text = print_cell(numbers["review_litigation"][block.key][col.key], style=style)
    return save_docx(document)


def save_docx(document) -> bytes:  # type: ignore[no-untyped-def]
    """The document's bytes, the same on every call: python-docx stamps each ZIP entry with the current
    time (2-second resolution), so two renderings a moment apart could differ; entries get a fixed date."""
    import zipfile

    saved, out = io.BytesIO(), io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# PDF: LibreOffice's PDF export of the filled DOCX (ruled tables, text layer, page breaks in tables)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes, suffix: str, timeout: int = 180) -> bytes:
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run `make fixtures-deps`")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            capture_output=True, timeout=timeout, check=True,
        )  # fmt: skip
        return (Path(tmp) / "report.pdf").read_bytes()


def render_all(expected_dir: Path, out_dir: Path, template_docx: Path | None) -> list[Path]:
    """Every expected-JSON report of expected_dir as HTML (UTF-8, undeclared GBK), DOCX and PDF, each
    with its expected file beside it, so `evaluate.py` can score a warehouse built from out_dir."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(expected_dir.glob("*.expected.json")):
        numbers = json.loads(path.read_text(encoding="utf-8"))
        stem = Path(numbers["file"]).stem
        outputs = {f"{stem}.utf8.html": render_html(numbers), f"{stem}.gbk.html": render_html(numbers, "gbk", False)}
        if template_docx is not None and template_docx.exists():
            outputs[f"{stem}.docx"] = render_docx(numbers, template_docx)
            if soffice() is not None:
                outputs[f"{stem}.pdf"] = convert_to_pdf(outputs[f"{stem}.docx"], ".docx")
        for name, data in outputs.items():
            (out_dir / name).write_bytes(data)
            sidecar = out_dir / f"{name}.expected.json"
            sidecar.write_text(json.dumps({**numbers, "file": name}, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(out_dir / name)
    return written


if __name__ == "__main__":
    import sys

    if len(sys.argv) not in (3, 4):
        print("usage: python -m tests.support.render EXPECTED_DIR OUT_DIR [TEMPLATE_DOCX]")
        sys.exit(2)
    files = render_all(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) == 4 else None)
    print(f"wrote {len(files)} reports to {sys.argv[2]}")
