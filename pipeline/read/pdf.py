"""Text-layer PDFs, read from pdfium's page objects alone: the text of every page, and on the pages
that hold the statistics tables, every glyph's box and every ruling line.

A report has 5–30 pages of which two or three hold sections 二/三/四. pdfplumber's own route to a
page's tables (pdfminer parsing the content stream in Python) costs 90–150 ms a page; pdfium, which
has already parsed the page for its text, hands over the same raw material (glyph boxes, path
segments) in a few milliseconds. The ruling lines go through pdfplumber's table finder (its edge
merging, intersections, cells and tables, called on pdfium's edges); the glyphs are then placed in
the found cells by their centres, as pdfplumber's own extraction places its characters. Table rows
are interleaved with the text lines around the tables by vertical position. A table page without a
real ruled table (no paths, or a one-column box) falls back to its text layer, which the text
tokenizer reads like any text dump.
"""

import ctypes
import math
from collections.abc import Iterator
from concurrent.futures import Future

import pypdfium2
import pypdfium2.raw as pdfium

from pipeline.document import Document, Line, UnreadableDocument
from pipeline.normalise import label_key
from pipeline.read import ocr
from pipeline.read.layout import Glyph, grid_lines, statistics_tables, strip_furniture
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
# A path segment whose ends differ by less than this (points) across its direction is a ruling line.
_AXIS_TOLERANCE = 0.01
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Form XObjects nest a level or two in real reports; a hostile file could nest them past Python's stack.
_MAX_FORM_DEPTH = 32

Matrix = tuple[float, float, float, float, float, float]


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying `inner`, then `outer` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


def _path_segments(page: pypdfium2.PdfPage) -> Iterator[tuple[float, float, float, float]]:
    """Every straight segment (x0, y0, x1, y1) of every path on the page, in PDF user space, including
    paths inside Form XObjects and the closing segment of closed subpaths; curves are skipped."""
    matrix = pdfium.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()

    def walk(obj: object, outer: Matrix, depth: int = 0) -> Iterator[tuple[float, float, float, float]]:
        kind = pdfium.FPDFPageObj_GetType(obj)
        if kind not in (pdfium.FPDF_PAGEOBJ_PATH, pdfium.FPDF_PAGEOBJ_FORM) or depth > _MAX_FORM_DEPTH:
            return
        pdfium.FPDFPageObj_GetMatrix(obj, matrix)
        a, b, c, d, e, f = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
        if kind == pdfium.FPDF_PAGEOBJ_FORM:
            for i in range(pdfium.FPDFFormObj_CountObjects(obj)):
                yield from walk(pdfium.FPDFFormObj_GetObject(obj, i), (a, b, c, d, e, f), depth + 1)
            return
        start = previous = None
        for i in range(pdfium.FPDFPath_CountSegments(obj)):
            segment = pdfium.FPDFPath_GetPathSegment(obj, i)
            pdfium.FPDFPathSegment_GetPoint(segment, x, y)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = pdfium.FPDFPathSegment_GetType(segment)
            if kind == pdfium.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == pdfium.FPDF_SEGMENT_LINETO and previous is not None:
                yield (*previous, *point)
            if start is not None and pdfium.FPDFPathSegment_GetClose(segment) and point != start:
                yield (*point, *start)
                point = start
            previous = point

    for i in range(pdfium.FPDFPage_CountObjects(page.raw)):
        yield from walk(pdfium.FPDFPage_GetObject(page.raw, i), _IDENTITY)


def _ruling_edges(page: pypdfium2.PdfPage) -> list[dict]:
    """The page's horizontal and vertical path segments as pdfplumber edges (top-down coordinates
    from the media box's top left, as pdfplumber measures them)."""
    left, _, _, top = page.get_mediabox()
    edges = []
    for x0, y0, x1, y1 in _path_segments(page):
        if abs(y0 - y1) < _AXIS_TOLERANCE:
            orientation = "h"
        elif abs(x0 - x1) < _AXIS_TOLERANCE:
            orientation = "v"
        else:
            continue
        edge_top, edge_bottom = round(top - max(y0, y1), 2), round(top - min(y0, y1), 2)
        edges.append(
            {
                "object_type": "line",
                "orientation": orientation,
                "x0": round(min(x0, x1) - left, 2),
                "x1": round(max(x0, x1) - left, 2),
                "top": edge_top,
                "bottom": edge_bottom,
                "doctop": edge_top,
                "width": round(abs(x1 - x0), 2),
                "height": edge_bottom - edge_top,
            }
        )
    return edges


def _glyphs(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage) -> list[Glyph]:
    """Every character pdfium found on the page, except the spaces and line breaks it generates."""
    left, _, _, top = page.get_mediabox()
    box, matrix = pdfium.FS_RECTF(), pdfium.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    raw = textpage.raw
    count = pdfium.FPDFText_CountChars(raw)
    # The page's text in one call is one UTF-16 unit per character index unless a character lies
    # outside the BMP; then each is asked for on its own.
    text = textpage.get_text_range(0, count)
    codes = [ord(ch) for ch in text] if len(text) == count else None
    # Local names: this loop runs once per character (thousands per page) through ctypes.
    get_unicode, is_generated = pdfium.FPDFText_GetUnicode, pdfium.FPDFText_IsGenerated
    get_box, get_origin = pdfium.FPDFText_GetLooseCharBox, pdfium.FPDFText_GetCharOrigin
    get_matrix, get_font_size = pdfium.FPDFText_GetMatrix, pdfium.FPDFText_GetFontSize
    glyphs = []
    for i in range(count):
        code = codes[i] if codes is not None else get_unicode(raw, i)
        if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            continue  # line breaks, hyphenation marks, broken code points
        char = chr(code)
        if char.isspace() and is_generated(raw, i):
            continue
        get_box(raw, i, box)
        get_origin(raw, i, x, y)
        # pdfium's font size is the Tf operand alone; a report may set 149 pt under a 0.05 text matrix.
        get_matrix(raw, i, matrix)
        size = get_font_size(raw, i) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        glyph_top, glyph_bottom = top - box.top, top - box.bottom
        glyphs.append(
            Glyph(
                char,
                box.left - left,
                box.right - left,
                glyph_top,
                glyph_bottom,
                (glyph_top + glyph_bottom) / 2,
                top - y.value,
                size or glyph_bottom - glyph_top,
            )
        )
    return glyphs


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument("encrypted_pdf", "the PDF is password-protected") from exc
        raise UnreadableDocument("broken_pdf", f"the PDF cannot be opened ({exc})") from exc


def _is_table_page(text: str) -> bool:
    key = label_key(text)
    return any(marker in key for marker in _TABLE_MARKERS)


def _page_texts(pdf: pypdfium2.PdfDocument) -> list[str]:
    """Every page's text layer (2–6 ms a page), read first so that OCR knows how many pages it will read
    and can share the cores among them."""
    texts = []
    for page in pdf:
        textpage = page.get_textpage()
        try:
            texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
        finally:
            textpage.close()
            page.close()
    return texts


def read_pdf(data: bytes, settings: Settings) -> Document:
    """One pass over the pages: each page's text layer; where the text names the statistics tables,
    the ruled tables from its paths and glyphs instead (up to `settings.max_table_pages` pages)."""
    pdf = _open(data)
    try:
        if len(pdf) > settings.max_pdf_pages:
            raise UnreadableDocument(
                "too_many_pages", f"the PDF has {len(pdf)} pages, over the {settings.max_pdf_pages}-page limit"
            )
        pages: list[list[Line] | Future] = []
        has_text = False
        table_pages = 0
        texts = _page_texts(pdf)
        # No text layer (a scan) or a garbled one (a broken font map): the page's image is read instead.
        ocr_pages = [n for n, text in enumerate(texts, 1) if not ocr.text_layer_is_plausible(text)]
        ocr_pages = ocr_pages[: settings.max_ocr_pages]
        with ocr.PagePool(settings.ocr_workers, len(ocr_pages)) as pool:
            for number, (page, text) in enumerate(zip(pdf, texts, strict=True), 1):
                try:
                    if number in ocr_pages:  # read in parallel with the pages after it
                        image, scale = ocr.render_page(page, settings.ocr_dpi)
                        pages.append(pool.submit(image, number, scale))
                        continue
                    has_text = has_text or bool(text.strip())
                    lines = None
                    if table_pages < settings.max_table_pages and _is_table_page(text):
                        table_pages += 1
                        tables = statistics_tables(_ruling_edges(page))
                        if tables:
                            textpage = page.get_textpage()
                            try:
                                lines = grid_lines(tables, _glyphs(page, textpage), number)
                            finally:
                                textpage.close()
                    pages.append(lines if lines is not None else text_lines(text, page=number))
                finally:
                    page.close()
            pages = [p.result() if isinstance(p, Future) else p for p in pages]
    finally:
        pdf.close()
    if not has_text and not any(pages):
        raise UnreadableDocument("no_text_layer", "the PDF has no text layer and OCR found no text on its pages")
    lines = [line for page_lines in strip_furniture(pages) for line in page_lines]
    meta = {"ocr_pages": ",".join(map(str, ocr_pages))} if ocr_pages else {}
    return Document("pdf", lines, pages=len(pages), meta=meta)
