"""Text-layer PDFs: a cheap pypdfium2 pass over every page, pdfplumber's table finder only where the
statistics tables are.

pdfplumber costs 90–150 ms a page, pypdfium2 2–6 ms; a report has 5–30 pages of which two or three
hold sections 二/三/四. Pages with tables become grid lines (cells with page, table, row, column and
bbox) interleaved with the text lines around them by vertical position. A table page without ruling
lines falls back to its text layer, which the text tokenizer reads like any text dump. A page whose
text names the tables (narrative often does: "结果维持 72 件") but that draws no path at all cannot
hold a ruled table, so pdfplumber does not parse it (in a 6-page report, one page in four saved).
"""

import io
import re

import pdfplumber
import pypdfium2

from pipeline.document import Cell, Document, Line, Lineage, UnreadableDocument
from pipeline.normalise import label_key
from pipeline.read.text import text_lines
from pipeline.settings import Settings

# Label keys that only occur in the statistics tables (section 二, 三, 四).
_TABLE_MARKERS = (
    "第二十条第",
    "信息内容",
    "本年新收",
    "申请人情况",
    "本年度办理结果",
    "结果维持",
    "尚未审结",
    "予以公开",
)
# Page furniture: "- 3 -", "第 3 页", "第3页 共6页", "3/6" (decorated), or a bare "3".
_DECORATED_PAGE_NUMBER = re.compile(
    r"^\s*([-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
# A "table" narrower than this many columns is a page border or a boxed paragraph, not statistics.
_MIN_TABLE_COLUMNS = 2
# Inside a table cell, characters closer than this (in ems of their font size) belong to one word.
_CELL_GAP_EM = 0.8


def _page_texts(data: bytes, settings: Settings) -> tuple[list[str], list[bool]]:
    """Every page's text layer, and for each page whether it may hold a ruled table: it names one of
    the statistics tables and draws at least one path. pdfplumber's table finder builds tables from
    drawn lines, rectangles and curves only, all of which are path objects (also inside Form
    XObjects, which pdfium descends into), so on a page without any it finds none."""
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise UnreadableDocument("encrypted_pdf", "the PDF is password-protected") from exc
        raise UnreadableDocument("broken_pdf", f"the PDF cannot be opened ({exc})") from exc
    try:
        if len(pdf) > settings.max_pdf_pages:
            raise UnreadableDocument(
                "too_many_pages", f"the PDF has {len(pdf)} pages, over the {settings.max_pdf_pages}-page limit"
            )
        texts, ruled = [], []
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            texts.append(text)
            ruled.append(_is_table_page(text) and _draws_paths(page))
            page.close()
        return texts, ruled
    finally:
        pdf.close()


def _draws_paths(page: pypdfium2.PdfPage) -> bool:
    """True when the page draws at least one path (stops at the first; a few ms at most)."""
    return any(True for _ in page.get_objects([pypdfium2.raw.FPDF_PAGEOBJ_PATH]))


def _strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers printed at the top or bottom of pages. A decorated one ("- 3 -", "第3页") always
    goes; a bare number only when bare edge numbers follow the page sequence on at least two pages
    (numbering may start after a cover), since otherwise it may be a table value ending the page."""
    offsets: dict[int, set[int]] = {}
    for page, lines in enumerate(pages, 1):
        for edge in (0, -1):
            bare = _BARE_NUMBER.match(lines[edge].text) if lines else None
            if bare and int(bare[1]) >= 1:
                offsets.setdefault(int(bare[1]) - page, set()).add(page)
    sequence = [offset for offset, seen in offsets.items() if len(seen) >= 2]
    out = []
    for page, lines in enumerate(pages, 1):
        keep = list(lines)
        for edge in (0, -1):
            if not keep:
                break
            text = keep[edge].text
            bare = _BARE_NUMBER.match(text)
            if _DECORATED_PAGE_NUMBER.match(text) or (bare and int(bare[1]) >= 1 and int(bare[1]) - page in sequence):
                keep.pop(edge)
        out.append(keep)
    return out


def _is_table_page(text: str) -> bool:
    key = label_key(text)
    return any(marker in key for marker in _TABLE_MARKERS)


def _plumber_lines(page: pdfplumber.page.Page, number: int) -> list[Line] | None:
    """Grid rows of the page's ruled tables interleaved with the text lines outside them, or None
    when the page has no real (multi-column) table."""
    tables = [t for t in page.find_tables() if t.rows and max(len(r.cells) for r in t.rows) >= _MIN_TABLE_COLUMNS]
    if not tables:
        return None
    placed: list[tuple[float, Line]] = []
    for t_index, table in enumerate(tables):
        # Word gaps relative to the font size: justified full-width digits sit 0.7 em apart ("３ ０９７"
        # with pdfplumber's fixed 3 pt); values of two columns are far further apart than 0.8 em.
        content = table.extract(x_tolerance_ratio=_CELL_GAP_EM)
        for r_index, (row, texts) in enumerate(zip(table.rows, content, strict=True)):
            cells = []
            for c_index, (bbox, text) in enumerate(zip(row.cells, texts, strict=True)):
                if bbox is None or text is None:  # part of a merged cell, emitted at its origin
                    continue
                lineage = Lineage(page=number, table=t_index, row=r_index, col=c_index, bbox=tuple(bbox))
                cells.append(Cell(text, lineage))
            if cells:
                placed.append((row.bbox[1], Line(cells, grid=True)))

    boxes = [t.bbox for t in tables]  # a property computed from every cell on each access: once here

    def outside(obj: dict) -> bool:
        return not any(
            x0 - 1 <= obj["x0"] and obj["x1"] <= x1 + 1 and top - 1 <= obj["top"] <= bottom + 1
            for x0, top, x1, bottom in boxes
        )

    for text_line in page.filter(outside).extract_text_lines(return_chars=False):
        if not text_line["text"].strip():
            continue
        bbox = (text_line["x0"], text_line["top"], text_line["x1"], text_line["bottom"])
        placed.append((text_line["top"], Line([Cell(text_line["text"].strip(), Lineage(page=number, bbox=bbox))])))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed]


def read_pdf(data: bytes, settings: Settings) -> Document:
    texts, ruled = _page_texts(data, settings)
    if not any(t.strip() for t in texts):
        raise UnreadableDocument("no_text_layer", "the PDF has no text layer (a scan); OCR is not available yet")
    table_pages = [i for i, r in enumerate(ruled) if r][: settings.max_table_pages]
    pages: list[list[Line]] = []
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for i, text in enumerate(texts):
            page_lines = _plumber_lines(plumber.pages[i], i + 1) if i in table_pages else None
            pages.append(page_lines if page_lines is not None else text_lines(text, page=i + 1))
    lines = [line for page_lines in _strip_furniture(pages) for line in page_lines]
    return Document("pdf", lines, pages=len(texts))
