"""Degradations: what crawlers, converters, copyists and people make of a published report.

The round-trip fuzzer (`tests/support/fuzz.py`) renders clean publications (`tests/support/render.py`). Real
collections hold what the world made of them (spec Appendix B and C; `../shared/fixtures/wild/`). Each
degradation is one named function taking a rendering (for a name: the numbers) and a seeded
`random.Random`, returning what the pipeline then reads (`Output`: bytes and the format to read them as):

- `flatten`: a crawler's text dump of the page: a header block (标题, 发布时间, 发布机构, 原文链接, …, 正文),
  then the whole body on one line, section titles inline, cells run together, a space only where the page
  had a no-break space or pretty-printed source. Made by BeautifulSoup's `get_text` on the rendered HTML.
- `vertical_labels`: group labels (三、本年度办理结果, （三）不予公开 …) printed a character or two per line
  down a narrow merged column: the page with those columns narrowed, printed to PDF by LibreOffice, then
  read as that PDF or extracted by pdftotext or pdfminer.six, which put the characters into the text lines
  of neighbouring rows.
- `torn_table`: a converter's text or markdown of a PDF or DOCX (pdfminer.six, pdftotext, markitdown,
  docx2txt): label cells and number cells come apart, number rows in small fragments, labels elsewhere.
- `lying_header`: an OCR or LLM copy's header: applicant columns headed 数据1..数据6, the two header rows
  folded into one, or a wrong header row repeated mid-table (HTML and DOCX, edited as documents).
- `abbreviated_name`: the agency as people write it (市发改委, 沭阳县人社局, 西湖区科委): applied to the
  numbers, so every rendering prints it where it prints the name.

These are test-time tools (pyproject's `dev` group; LibreOffice and poppler-utils from
`scripts/install-system-deps.sh`): `missing_tools(name)` says what a degradation lacks on this machine.
"""

import copy
import importlib.util
import io
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.support import render

Numbers = dict[str, Any]

DEGRADATIONS = ("flatten", "vertical_labels", "torn_table", "lying_header", "abbreviated_name")


@dataclass(frozen=True)
class Output:
    data: bytes
    reads_as: str  # the format the pipeline reads the bytes as: text, html, docx or pdf
    quirks: str  # "name(route) options": the degradation, the tool or style that made it, its options


def route_of(quirks: str) -> str:
    """The "name(route)" a degradation's quirks start with: "torn_table(html->pdf pdfminer)"."""
    m = re.match(r"\w+\([^)]*\)", quirks)
    return m[0] if m else quirks.split(" ", 1)[0]


def missing_tools(name: str) -> str | None:
    """Why degradation `name` cannot run here (a message naming what to install), or None."""
    missing = []
    if name in ("vertical_labels", "torn_table"):
        if render.soffice() is None:
            missing.append("LibreOffice (soffice)")
        if shutil.which("pdftotext") is None:
            missing.append("pdftotext (poppler-utils)")
    if name == "torn_table":
        for module, package in (("markitdown", "markitdown[pdf,docx]"), ("docx2txt", "docx2txt")):
            if importlib.util.find_spec(module) is None:
                missing.append(f"{package} (pip)")
    if not missing:
        return None
    return f"{name} needs {', '.join(missing)}: `make test` installs them (install-system-deps.sh, requirements.lock)"


def _draw(cls: type, rng: random.Random, **choices: Any) -> Any:
    """An options dataclass with each field drawn by its callable in `choices` (fields not named keep defaults)."""
    return cls(**{f.name: choices[f.name](rng) for f in fields(cls) if f.name in choices})


def describe(options: Any) -> str:
    default = type(options)()
    return " ".join(
        f"{f.name}={getattr(options, f.name)!r}"
        for f in fields(options)
        if getattr(options, f.name) != getattr(default, f.name)
    )


# ---------------------------------------------------------------------------------------------------
# Extraction tools: the converters real collections were made with


def pdftotext(pdf: bytes, mode: str = "") -> str:
    """poppler's pdftotext: "" (reading order), "layout" (columns kept by spacing) or "raw" (stream order)."""
    with tempfile.TemporaryDirectory(prefix="xxgk-degrade-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        flags = [f"-{mode}"] if mode else []
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *flags, str(path), "-"], capture_output=True, timeout=120, check=True
        )
    return done.stdout.decode("utf-8")


def pdfminer_text(pdf: bytes, boxes_flow: float | None = 0.5) -> str:
    """pdfminer.six's `extract_text`: text boxes in its layout order (boxes_flow None: by position only)."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams

    return extract_text(io.BytesIO(pdf), laparams=LAParams(boxes_flow=boxes_flow))


_MARKITDOWN: Any = None


def markitdown_text(data: bytes, suffix: str) -> str:
    """Microsoft's markitdown: PDF through pdfminer/pdfplumber (tables found per region), DOCX through mammoth."""
    global _MARKITDOWN
    from markitdown import MarkItDown, StreamInfo

    if _MARKITDOWN is None:
        _MARKITDOWN = MarkItDown(enable_plugins=False)
    return _MARKITDOWN.convert_stream(io.BytesIO(data), stream_info=StreamInfo(extension=suffix)).text_content


def docx2txt_text(docx: bytes) -> str:
    import docx2txt

    return docx2txt.process(io.BytesIO(docx))


def print_to_pdf(page: bytes, suffix: str) -> bytes:
    """LibreOffice's PDF export (HTML through Writer/Web, DOCX through Writer): ruled tables, a text layer."""
    return render.convert_to_pdf(page, suffix)


def _soup(page: bytes | str) -> Any:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "lxml")


# ---------------------------------------------------------------------------------------------------
# flatten: a crawler's text dump of the page (../shared/fixtures/wild/pingtan/*.txt)


@dataclass(frozen=True)
class CrawlStyle:
    """How the page was edited, served and crawled. Defaults: every cell glued to the next."""

    nbsp_cells: float = 0.0  # share of table cells an editor padded with a no-break space, before or after
    pretty_source: bool = False  # the CMS pretty-printed its HTML: a line break around every tag ('0 0 0 0')
    strip_strings: bool = True  # get_text(strip=True): every text node stripped, no-break spaces go with it
    newline: str = ""  # what the crawler made of line breaks in the source: nothing, or a space
    keep_title: bool = False  # the body still starts with the page's own title
    chrome: bool = False  # the crawler kept the breadcrumb and the footer around the article
    signature: bool = False  # the report ends with the agency and a date, as printed reports do
    publisher: str = "agency"  # 发布机构: "agency", "" (often empty), "office" (办公室) or "other" (another body)


def random_crawl_style(rng: random.Random) -> CrawlStyle:
    return _draw(
        CrawlStyle,
        rng,
        nbsp_cells=lambda r: r.choice((0.0, 0.0, 0.05, 0.2, 0.5, 0.9)),
        pretty_source=lambda r: r.random() < 0.2,
        strip_strings=lambda r: r.random() < 0.4,
        newline=lambda r: r.choice(("", "", " ")),
        keep_title=lambda r: r.random() < 0.3,
        chrome=lambda r: r.random() < 0.1,
        signature=lambda r: r.random() < 0.6,
        publisher=lambda r: r.choice(("agency", "agency", "", "", "office", "other")),
    )


_OTHER_PUBLISHERS = ("福建学生资助", "市政务服务中心", "区融媒体中心", "县委宣传部")  # a 发布机构 naming someone else
_WHITESPACE = re.compile(r"[ \t\r\n\f\v\xa0]+")


def _pad_cells(soup: Any, rng: random.Random, share: float) -> None:
    """An editor's no-break spaces: before or after the text of some table cells."""
    for td in soup.find_all(["td", "th"]):
        strings = [s for s in td.find_all(string=True) if s.strip()]
        if not strings or rng.random() >= share:
            continue
        if rng.random() < 0.7:
            strings[-1].replace_with(strings[-1] + "\xa0")
        else:
            strings[0].replace_with("\xa0" + strings[0])


def flatten(page: bytes | str, rng: random.Random, style: CrawlStyle | None = None) -> Output:
    """The page as a crawler stored it: a header block of the page's metadata, then the article's text
    extracted with BeautifulSoup's `get_text` and no separator, its whitespace collapsed onto one line."""
    style = style or random_crawl_style(rng)
    soup = _soup(page)
    h1 = soup.find("h1")
    title = h1.get_text("", strip=True) if h1 else (soup.title.get_text("", strip=True) if soup.title else "")
    footer = soup.find(class_="footer")
    agency_match = re.search(r"主办单位[:：]\s*(\S+)", footer.get_text("", strip=True)) if footer else None
    agency = agency_match[1] if agency_match else ""
    year_match = re.search(r"(?:19|20)\d\d", title)
    year = int(year_match[0]) if year_match else 2022
    article = soup.find(class_="article") or soup.body or soup
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    if not style.keep_title and h1 is not None:
        h1.decompose()
    published = date(year + 1, 1, 5) + timedelta(days=rng.randint(0, 80))
    if style.signature and agency:
        signed = published - timedelta(days=rng.randint(0, 6))
        sign = soup.new_tag("p", attrs={"align": "right"})
        sign.string = f"{agency}{rng.choice(('', ' ', '　'))}{signed.year}年{signed.month}月{signed.day}日"
        article.append(sign)
    _pad_cells(article, rng, style.nbsp_cells)
    root = soup.body if style.chrome and soup.body else article
    if style.pretty_source:
        root = _soup(root.prettify())
    text = root.get_text("", strip=style.strip_strings)
    text = text.replace("\r", "").replace("\n", style.newline if not style.pretty_source else " ")
    body = _WHITESPACE.sub(" ", text).strip()
    publisher = {"agency": agency, "": "", "office": "办公室", "other": rng.choice(_OTHER_PUBLISHERS)}[style.publisher]
    item = rng.randint(10000, 120000)
    folder = f"{published:%Y%m}"
    header = [
        f"标题: {title}",
        f"发布时间: {published:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
        "文号: ",
        f"发布机构: {publisher}",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/{folder}/t{published:%Y%m%d}_{item}.htm",
        f"本地目录: zwgk/zfxxgk/zfxxgknb/{folder}/{item}_{title}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
    ]
    if style.pretty_source and not style.strip_strings:
        route = "pretty source"  # every cell spaced
    elif not style.strip_strings and style.nbsp_cells:
        route = "no-break spaces"  # some cells spaced
    else:
        route = "glued"
    text = "\n".join([*header, body]) + "\n"
    return Output(text.encode("utf-8"), "text", f"flatten({route}) {describe(style)}".strip())


# ---------------------------------------------------------------------------------------------------
# vertical_labels: narrow merged label columns printed to PDF


GROUP_LABELS = ("三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")
_ROW_LABEL = re.compile(r"^(?:（[一二三四五六七]）|\d\.|[一二四]、)")


@dataclass(frozen=True)
class VerticalStyle:
    chars_per_line: int = 1  # characters of a group label per printed line (CJK line breaking may add one)
    valign: str = "top"  # where the label sits in its merged cell: top or middle
    rows_valign: str = "middle"  # where the other cells of section 三 hold their text: middle or top
    tight_rows: bool = True  # paragraphs without margins (as far as LibreOffice's HTML import follows CSS)
    extractor: str = "pdftotext-layout"  # one of VERTICAL_EXTRACTORS; "pdf" is the PDF itself


# "rows" emulates at the text-line level what an OCR or row-wise table reader makes of such a column: one
# line per table row, the characters beside each row appended to its label ('1.属于国家秘密办理').
VERTICAL_EXTRACTORS = ("pdftotext-layout", "pdftotext-raw", "pdftotext", "pdfminer", "pdf", "rows")


def random_vertical_style(rng: random.Random) -> VerticalStyle:
    return _draw(
        VerticalStyle,
        rng,
        chars_per_line=lambda r: r.choice((1, 1, 2)),
        valign=lambda r: r.choice(("top", "middle")),
        rows_valign=lambda r: r.choice(("middle", "top")),
        tight_rows=lambda r: r.random() < 0.7,
        extractor=lambda r: r.choice(VERTICAL_EXTRACTORS),
    )


def narrow_label_columns(page: bytes | str, style: VerticalStyle) -> bytes:
    """The page with every merged group-label cell one or two characters wide (its line breaks removed,
    so the label wraps by width) and the row labels wide; UTF-8."""
    soup = _soup(page)
    for td in soup.find_all(["td", "th"]):
        text = td.get_text("", strip=True)
        if style.rows_valign != "middle":
            td["valign"] = style.rows_valign
        if td.get("rowspan") and text in GROUP_LABELS:
            for br in td.find_all("br"):
                br.decompose()
            td["width"] = str(4 + 13 * style.chars_per_line)
            td["valign"] = style.valign
        elif _ROW_LABEL.match(text):
            td["width"] = "230"
    if style.tight_rows and soup.head is not None:
        css = soup.new_tag("style")
        css.string = "td p { margin-top: 0; margin-bottom: 0 } td { font-size: 12px }"
        soup.head.append(css)
    return soup.encode("utf-8")


def extract_pdf(pdf: bytes, extractor: str) -> Output:
    """A PDF as one of the extractors of VERTICAL_EXTRACTORS or TORN_PDF_TOOLS reads it."""
    if extractor == "pdf":
        return Output(pdf, "pdf", "pdf")
    if extractor.startswith("pdftotext"):
        mode = extractor.partition("-")[2]
        return Output(pdftotext(pdf, mode).encode("utf-8"), "text", extractor)
    if extractor == "pdfminer":
        return Output(pdfminer_text(pdf).encode("utf-8"), "text", extractor)
    if extractor == "pdfminer-position":
        return Output(pdfminer_text(pdf, None).encode("utf-8"), "text", extractor)
    if extractor == "markitdown":
        return Output(markitdown_text(pdf, ".pdf").encode("utf-8"), "text", extractor)
    raise ValueError(f"unknown PDF extractor {extractor!r}")


def _section_three_table(soup: Any) -> Any:
    """Section 三's table: the innermost one with the applicant header (a layout table may hold them all)."""
    tables = soup.find_all("table")
    return next(t for t in tables if "申请人情况" in t.get_text("", strip=True) and not t.find("table"))


def rows_with_stray_characters(page: bytes | str, style: VerticalStyle) -> str:
    """The page as text lines, a table row a line (cells joined by a space), with each merged group label
    cut into pieces of `chars_per_line + 1` characters, a piece appended to the label of each row it spans
    (from the top; `valign` middle centres them): the lines an OCR pass or a row-wise reader produces."""
    soup = _soup(page)
    table = _section_three_table(soup)
    rows = table.find_all("tr")
    strays: dict[int, list[str]] = {}
    for index, row in enumerate(rows):
        for cell in row.find_all(["td", "th"]):
            text, span = cell.get_text("", strip=True), int(cell.get("rowspan", 1))
            if span < 2 or text not in GROUP_LABELS:
                continue
            size = style.chars_per_line + 1
            pieces = [text[i : i + size] for i in range(0, len(text), size)]
            first = index + (max(0, (span - len(pieces)) // 2) if style.valign == "middle" else 0)
            for offset, piece in enumerate(pieces[:span]):
                strays.setdefault(first + offset, []).append(piece)
            cell.decompose()
    for index, row in enumerate(rows):
        cells = row.find_all(["td", "th"])
        if index in strays and len(cells) > 7:
            label = cells[-8]
            label.append("".join(strays[index]))
    lines = []
    root = soup.find(class_="article") or soup.body or soup
    for element in root.find_all(["h1", "p", "tr"]):
        if element.name == "tr":
            if not element.find("table"):  # a layout table's row holds the whole article: its parts are read
                cells = [c.get_text("", strip=True) for c in element.find_all(["td", "th"])]
                lines.append(" ".join(c for c in cells if c))
            continue
        cell = element.find_parent(["td", "th"])
        if cell is None or cell.find_parent("table").find("table") is not None:  # not inside a data cell
            lines.append(element.get_text("", strip=True))
    return "\n".join(line for line in lines if line) + "\n"


def vertical_labels(page: bytes | str, rng: random.Random, style: VerticalStyle | None = None) -> Output:
    """The page (with merged label cells: `HtmlLayout(repeat_labels=False)`) printed to PDF with its group
    labels down narrow columns, then read as that PDF or extracted as text (or, `rows`, emulated)."""
    style = style or random_vertical_style(rng)
    if style.extractor == "rows":
        text = rows_with_stray_characters(page, style)
        return Output(text.encode("utf-8"), "text", f"vertical_labels(rows) {describe(style)}")
    pdf = print_to_pdf(narrow_label_columns(page, style), ".html")
    out = extract_pdf(pdf, style.extractor)
    return Output(out.data, out.reads_as, f"vertical_labels({style.extractor}) {describe(style)}")


# ---------------------------------------------------------------------------------------------------
# torn_table: converters' text and markdown


TORN_PDF_TOOLS = ("pdfminer", "pdfminer-position", "pdftotext", "pdftotext-raw", "markitdown")
TORN_DOCX_TOOLS = ("docx2txt", "markitdown")


def torn_table(source: bytes, source_format: str, rng: random.Random, tool: str | None = None) -> Output:
    """A converter's output for a DOCX, an HTML page or a PDF. A DOCX is converted as it is (docx2txt,
    markitdown) or printed to PDF first; a page is printed to PDF (LibreOffice); a PDF is converted by
    pdfminer.six (layout order or by position), pdftotext (reading order or raw) or markitdown."""
    route = ""
    if source_format == "docx":
        tool = tool or rng.choice((*TORN_DOCX_TOOLS, "pdf", "pdf"))
        if tool == "docx2txt":
            return Output(docx2txt_text(source).encode("utf-8"), "text", "torn_table(docx docx2txt)")
        if tool == "markitdown":
            return Output(markitdown_text(source, ".docx").encode("utf-8"), "text", "torn_table(docx markitdown)")
        source, route, tool = print_to_pdf(source, ".docx"), "docx->pdf ", None
    elif source_format == "html":
        source, route = print_to_pdf(source if isinstance(source, bytes) else source.encode(), ".html"), "html->pdf "
    elif source_format != "pdf":
        raise ValueError(f"torn_table reads docx, html or pdf, not {source_format!r}")
    tool = tool or rng.choice(TORN_PDF_TOOLS)
    out = extract_pdf(source, tool)
    return Output(out.data, out.reads_as, f"torn_table({route}{tool})")


# ---------------------------------------------------------------------------------------------------
# lying_header: OCR and LLM copies' headers


APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_WRONG_HEADERS = {
    "numbered": (*(f"数据{i}" for i in range(1, 7)), "总计"),
    "numbered7": tuple(f"数据{i}" for i in range(1, 8)),
    "total_first": ("总计", *APPLICANT_HEADERS[:6]),  # a copy that moved 总计 to the front
    "reversed": tuple(reversed(APPLICANT_HEADERS)),
    "review": ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"),
    "same": APPLICANT_HEADERS,  # the header repeated at a page break, then copied as a body row
}


@dataclass(frozen=True)
class HeaderLie:
    numbered: str = ""  # "", "numbered" (数据1..数据6, 总计) or "numbered7" (数据1..数据7): the header's labels
    fold: bool = False  # the two header rows (自然人 / 法人或其他组织 / 总计 over the five organisations) as one
    repeat: str = ""  # "" or a key of _WRONG_HEADERS: a header row repeated mid-table with these labels
    repeat_after: float = 0.5  # where, as a share of the data rows
    repeat_label: str = ""  # the repeated row's label cell: "" or "申请人情况"


def random_header_lie(rng: random.Random) -> HeaderLie:
    lie = _draw(
        HeaderLie,
        rng,
        numbered=lambda r: r.choice(("", "numbered", "numbered", "numbered7")),
        fold=lambda r: r.random() < 0.3,
        repeat=lambda r: r.choice(("", "", *_WRONG_HEADERS)),
        repeat_after=lambda r: r.random(),
        repeat_label=lambda r: r.choice(("", "申请人情况")),
    )
    if not lie.numbered and not lie.fold and not lie.repeat:
        lie = HeaderLie(numbered="numbered", repeat=lie.repeat, repeat_after=lie.repeat_after)
    return lie


def _header_labels(lie: HeaderLie) -> tuple[str, ...]:
    return _WRONG_HEADERS[lie.numbered] if lie.numbered else APPLICANT_HEADERS


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lie_html(page: bytes, lie: HeaderLie) -> bytes:
    soup = _soup(page)
    table = _section_three_table(soup)
    rows = table.find_all("tr")
    labels = _header_labels(lie)
    header_rows = rows[:3]
    if lie.fold:  # one header row: 数据1 … in place of 自然人 / 法人或其他组织 / the organisations
        note = header_rows[0].find(["td", "th"])
        note["rowspan"] = "2"
        tag = header_rows[1].find(["td", "th"]).name
        header_rows[2].decompose()
        header_rows[1].clear()
        for text in labels:
            cell = soup.new_tag(tag, attrs={"style": "border:1px solid #000", "width": "60"})
            cell.string = text
            header_rows[1].append(cell)
        rows = [rows[0], rows[1], *rows[3:]]
        header_count = 2
    else:
        cells = header_rows[1].find_all(["td", "th"]) + header_rows[2].find_all(["td", "th"])
        by_label = {_squeeze(c.get_text("", strip=True)): c for c in cells}
        for canonical, text in zip(APPLICANT_HEADERS, labels, strict=True):
            cell = by_label.get(canonical)
            if cell is not None and text != canonical:
                cell.clear()
                cell.string = text
        header_count = 3
    if lie.repeat:
        data = rows[header_count:]
        at = header_count + min(len(data) - 1, max(1, round(lie.repeat_after * len(data))))
        _insert_row_html(soup, rows, at, _WRONG_HEADERS[lie.repeat], lie.repeat_label)
    return soup.encode("utf-8")


def _insert_row_html(soup: Any, rows: list[Any], at: int, values: tuple[str, ...], label: str) -> None:
    """A row before rows[at]: label cells for the label columns no rowspan covers, then `values`; rowspans
    running across the insertion point grow by one."""
    covered = 0
    for index, row in enumerate(rows[:at]):
        for cell in row.find_all(["td", "th"], recursive=False):
            span = int(cell.get("rowspan", 1))
            if span > 1 and index + span > at:  # covers rows[at - 1] and rows[at]
                cell["rowspan"] = str(span + 1)
                covered += int(cell.get("colspan", 1))
    new = soup.new_tag("tr")
    width = 3 - covered
    if width > 0:
        lead = soup.new_tag("td", attrs={"style": "border:1px solid #000"})
        if width > 1:
            lead["colspan"] = str(width)
        lead.string = label
        new.append(lead)
    for text in values:
        cell = soup.new_tag("td", attrs={"style": "border:1px solid #000", "width": "60"})
        cell.string = text
        new.append(cell)
    rows[at].insert_before(new)


def _lie_docx(docx_bytes: bytes, lie: HeaderLie) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.table import _Cell

    document = docx.Document(io.BytesIO(docx_bytes))
    table = next(t for t in document.tables if "申请人情况" in "".join(c.text for c in t.rows[0].cells))
    labels = _header_labels(lie)
    for tc in (tc for row in table.rows[1:3] for tc in row._tr.tc_lst):  # each cell once, merged or not
        cell = _Cell(tc, table)
        text = _squeeze(cell.text)
        if text in APPLICANT_HEADERS:
            cell.text = labels[APPLICANT_HEADERS.index(text)]
        elif lie.fold and text == "法人或其他组织":  # a one-row header: the group cell says nothing
            cell.text = ""
    if lie.repeat:
        data_rows = list(table.rows)[3:]
        at = min(len(data_rows) - 2, max(0, round(lie.repeat_after * len(data_rows)) - 1))
        tr = data_rows[at]._tr
        new = copy.deepcopy(tr)
        tr.addnext(new)
        tcs = new.findall(qn("w:tc"))
        values = _WRONG_HEADERS[lie.repeat]
        for i, tc in enumerate(tcs):
            props = tc.tcPr
            merge = props.find(qn("w:vMerge")) if props is not None else None
            if merge is not None:  # inside a vertically merged label cell: the new row continues it
                merge.attrib.pop(qn("w:val"), None)
                continue
            value_index = i - (len(tcs) - len(values))
            _Cell(tc, table).text = values[value_index] if value_index >= 0 else lie.repeat_label
    return render.save_docx(document)


def lying_header(data: bytes, fmt: str, rng: random.Random, lie: HeaderLie | None = None) -> Output:
    """Section 三's header as an OCR or LLM copy has it (`HeaderLie`), in an HTML page or a DOCX."""
    lie = lie or random_header_lie(rng)
    if fmt == "html":
        return Output(_lie_html(data, lie), "html", f"lying_header(html) {describe(lie)}")
    if fmt == "docx":
        return Output(_lie_docx(data, lie), "docx", f"lying_header(docx) {describe(lie)}")
    raise ValueError(f"lying_header edits html or docx, not {fmt!r}")


# ---------------------------------------------------------------------------------------------------
# abbreviated_name: the agency as people write it


# The short forms people write for a body's full kind (what titles on local sites print). Our own list,
# from usage, independent of the parser's dictionary: this is the oracle side.
SHORT_KINDS: dict[str, tuple[str, ...]] = {
    "发展和改革委员会": ("发改委",),
    "人力资源和社会保障局": ("人社局",),
    "住房和城乡建设局": ("住建局",),
    "卫生健康委员会": ("卫健委",),
    "市场监督管理局": ("市场监管局",),
    "自然资源和规划局": ("自然资源规划局", "自规局"),
    "交通运输局": ("交通局", "交运局"),
    "退役军人事务局": ("退役军人局",),
    "应急管理局": ("应急局",),
    "医疗保障局": ("医保局",),
    "人民政府办公室": ("政府办",),
    "人民政府": ("政府",),
    "科学技术委员会": ("科委",),
    "科学技术局": ("科技局",),
    "工业和信息化局": ("工信局",),
    "文化广电和旅游局": ("文广旅局",),
    "机构编制委员会办公室": ("编办",),
    "人民防空办公室": ("人防办",),
}
# Kinds people write in full (no short form in use): a report of one of these gets another kind's name.
PLAIN_KINDS = ("公安局", "教育局", "财政局", "司法局", "民政局", "审计局", "生态环境局", "农业农村局")
_PROVINCE_LEVEL = re.compile(r"^(?:.+省|北京市|天津市|上海市|重庆市|.+自治区)$")
_LEVELS = "省市县区"


@dataclass(frozen=True)
class Identity:
    """The agency as the degraded rendering prints it, and what it stands for."""

    printed: str  # as the title prints it: 周口市发改委, 市发改委, 周口发改委
    full: str  # the full name it stands for: 周口市发展和改革委员会
    kind: str  # the full kind: 发展和改革委员会
    short_kind: str  # the kind as printed: 发改委
    region_printed: str  # the region part as printed ("" none, "市" a level only)
    region: str  # the full region: 周口市


def split_agency(agency: str) -> tuple[str, str]:
    """(region, kind) of a generated agency name: the kind is the longest known kind it ends with."""
    kinds = sorted((*SHORT_KINDS, *PLAIN_KINDS), key=len, reverse=True)
    kind = next((k for k in kinds if agency.endswith(k) and len(agency) > len(k)), None)
    if kind is None:
        raise ValueError(f"{agency}: no known kind at the end of the name")
    return agency[: -len(kind)], kind


def _region_forms(region: str) -> list[str]:
    """How a title prints the region: in full, as its level alone (a department's page on its own
    government's site: 市发改委), or shortened (周口发改委; 西湖区 for 杭州市西湖区)."""
    forms = [region, region]
    if region[-1] in _LEVELS:
        forms.append(region[-1])
    inner = re.match(r"^.+?[市州盟](.+[区县市])$", region)  # a county or district inside a city
    if inner:
        forms.append(inner[1])
    elif region[-1] in "市县" and len(region) >= 3:
        forms.append(region[:-1])
    return forms


def abbreviated_name(numbers: Numbers, rng: random.Random) -> tuple[Numbers, Identity]:
    """The numbers with the agency as people write it: a short kind, the region in full, as its level or
    shortened. A kind nobody shortens is swapped for one people do (the report becomes that body's)."""
    region, kind = split_agency(numbers["agency"])
    choices = [k for k in SHORT_KINDS if not (k == "人民政府办公室" and _PROVINCE_LEVEL.match(region))]
    if kind not in choices:  # 公安局 has no short form; a province's 政府办 is its 办公厅
        kind = rng.choice(choices)
    short = rng.choice(SHORT_KINDS[kind])
    region_printed = rng.choice(_region_forms(region))
    identity = Identity(region_printed + short, region + kind, kind, short, region_printed, region)
    return {**numbers, "agency": identity.printed}, identity
