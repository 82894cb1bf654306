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

import bisect
import ctypes
import math
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from typing import NamedTuple

import pypdfium2
import pypdfium2.raw as pdfium
from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges

from pipeline.document import Cell, Document, Line, Lineage, UnreadableDocument
from pipeline.normalise import label_key
from pipeline.read import ocr
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
# OCR drops a dash of "- 4 -" as often as not: one dash is decoration enough.
_DECORATED_PAGE_NUMBER = re.compile(
    r"^\s*([-—–]\s*\d{1,4}\s*[-—–]?|\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*[/／]\s*\d{1,4})\s*$"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
# The number of a page-number line, bare or decorated: what the page sequence is judged on.
_EDGE_NUMBER = re.compile(r"^\s*(?:[-—–]|第)?\s*(\d{1,4})\s*(?:[-—–]|页.*)?\s*$")
# A "table" narrower than this many columns is a page border or a boxed paragraph, not statistics.
_MIN_TABLE_COLUMNS = 2
# Inside a table cell, glyphs closer than this (in ems of their font size) belong to one word: justified
# full-width digits sit 0.7 em apart ("３ ０９７"); values of two columns are far further apart.
_WORD_GAP_EM = 0.8
# Glyphs whose baselines are this close (points) share a line (pdfplumber's 3 pt, on tops).
_LINE_TOLERANCE = 3.0
# A path segment whose ends differ by less than this (points) across its direction is a ruling line.
_AXIS_TOLERANCE = 0.01
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Form XObjects nest a level or two in real reports; a hostile file could nest them past Python's stack.
_MAX_FORM_DEPTH = 32

Matrix = tuple[float, float, float, float, float, float]


class Glyph(NamedTuple):
    """One character as drawn: pdfium's loose box (advance width, the font's ascent to descent), in
    top-down page coordinates (points from the media box's top left), and its size in points."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    middle: float  # vertical centre: which table cell the glyph sits in
    baseline: float  # which text line it is on: fonts of one line differ in ascent, not in baseline
    size: float
    confidence: float | None = None  # OCR: the engine's confidence in the box the glyph came from


Point = tuple[float, float]
BBox = tuple[float, float, float, float]


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


def _intersection_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`, the same cells in the same order: from each
    intersection, the smallest rectangle whose corners are intersections joined by common edges. Its
    version turns a point's edges into a set of bboxes again for every pair of points it compares
    (four fifths of its table finding on a report page); here each point's sets are made once."""

    def bboxes(edges: list[dict]) -> set[BBox]:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    vertical = {point: bboxes(found["v"]) for point, found in intersections.items()}
    horizontal = {point: bboxes(found["h"]) for point, found in intersections.items()}
    points = sorted(intersections)  # by x, then y
    columns: dict[float, list[Point]] = {}
    rows: dict[float, list[Point]] = {}
    for point in points:
        columns.setdefault(point[0], []).append(point)  # each top to bottom
        rows.setdefault(point[1], []).append(point)  # each left to right
    cells = []
    for point in points:
        column, row = columns[point[0]], rows[point[1]]
        below = column[column.index(point) + 1 :]
        right = row[row.index(point) + 1 :]
        cell = next(
            (
                (point[0], point[1], right_point[0], below_point[1])
                for below_point in below
                if vertical[point] & vertical[below_point]
                for right_point in right
                if horizontal[point] & horizontal[right_point]
                and (corner := (right_point[0], below_point[1])) in intersections
                and vertical[corner] & vertical[right_point]
                and horizontal[corner] & horizontal[below_point]
            ),
            None,
        )
        if cell is not None:
            cells.append(cell)
    return cells


def _find_tables(edges: list[dict]) -> list[Table]:
    """pdfplumber's table finder ("lines" strategy, default settings) on pdfium's edges: edges
    snapped and joined, their intersections, the cells those describe, cells grouped into tables."""
    settings = TableSettings()
    edges = filter_edges(edges, "v", min_length=settings.edge_min_length_prefilter) + filter_edges(
        edges, "h", min_length=settings.edge_min_length_prefilter
    )
    edges = merge_edges(
        edges,
        snap_x_tolerance=settings.snap_x_tolerance,
        snap_y_tolerance=settings.snap_y_tolerance,
        join_x_tolerance=settings.join_x_tolerance,
        join_y_tolerance=settings.join_y_tolerance,
    )
    edges = filter_edges(edges, min_length=settings.edge_min_length)
    intersections = edges_to_intersections(edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance)
    # Table reads its page only to extract text, which is done here from pdfium's glyphs instead.
    return [Table(None, cells) for cells in cells_to_tables(_intersection_cells(intersections))]  # type: ignore[arg-type]


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


def _glyph_lines(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines: baselines chained within 3 pt, each line left to right."""
    lines: list[list[Glyph]] = []
    last = None
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if last is None or glyph.baseline > last + _LINE_TOLERANCE:
            lines.append([])
        lines[-1].append(glyph)
        last = glyph.baseline
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def _line_text(line: list[Glyph]) -> str:
    """A line's words joined by single spaces: a word ends at a space glyph, at a gap over 0.8 em, or
    where the next glyph steps back or off the baseline (pdfplumber's word rules)."""
    words: list[str] = []
    word = ""
    previous: Glyph | None = None
    for glyph in line:
        if glyph.text.isspace():
            words.append(word)
            word, previous = "", None
            continue
        if previous is not None and (
            glyph.x0 < previous.x0
            or glyph.x0 > previous.x1 + _WORD_GAP_EM * previous.size
            or abs(glyph.baseline - previous.baseline) > _LINE_TOLERANCE
        ):
            words.append(word)
            word = ""
        word += glyph.text
        previous = glyph
    return " ".join(w for w in [*words, word] if w)


def _confidence(glyphs: list[Glyph]) -> float | None:
    """The lowest OCR confidence among the glyphs (None for a text layer)."""
    scores = [g.confidence for g in glyphs if g.confidence is not None]
    return round(min(scores), 4) if scores else None


def _statistics_tables(edges: list[dict]) -> list[Table]:
    """The real (multi-column) tables those ruling lines draw; none for no lines or only boxes."""
    # Table.rows is recomputed from the cells on every access: read once per table.
    return [t for t in _find_tables(edges) if max(map(len, (r.cells for r in t.rows)), default=0) >= _MIN_TABLE_COLUMNS]


def _grid_lines(
    tables: list[Table],
    glyphs: list[Glyph],
    number: int,
    readings: dict[tuple[float, ...], tuple[str, ...]] | None = None,
) -> list[Line]:
    """Grid rows of the tables, their cells' text from the glyphs inside them, interleaved with the
    text lines outside the tables by vertical position. `readings`: OCR's readings of cells, by bbox."""
    readings = readings or {}
    by_middle = sorted(glyphs, key=lambda g: g.middle)
    middles = [g.middle for g in by_middle]
    placed: list[tuple[float, Line]] = []
    for t_index, table in enumerate(tables):
        for r_index, row in enumerate(table.rows):  # a property computed from the cells: once per table
            cells = []
            for c_index, bbox in enumerate(row.cells):
                if bbox is None:  # part of a merged cell, emitted at its origin
                    continue
                x0, cell_top, x1, cell_bottom = bbox
                # A glyph belongs to the cell its centre falls in (half-open, as in pdfplumber).
                inside = [
                    g
                    for g in by_middle[bisect.bisect_left(middles, cell_top) : bisect.bisect_left(middles, cell_bottom)]
                    if x0 <= (g.x0 + g.x1) / 2 < x1
                ]
                text = "\n".join(_line_text(line) for line in _glyph_lines(inside))
                lineage = Lineage(
                    page=number,
                    table=t_index,
                    row=r_index,
                    col=c_index,
                    bbox=tuple(bbox),
                    ocr_confidence=_confidence(inside),
                    ocr_readings=readings.get(tuple(bbox)),
                )
                cells.append(Cell(text, lineage))
            if cells:
                placed.append((row.bbox[1], Line(cells, grid=True)))

    boxes = [t.bbox for t in tables]  # a property computed from every cell on each access: once here
    outside = [
        g
        for g in glyphs
        if not any(x0 - 1 <= g.x0 and g.x1 <= x1 + 1 and t - 1 <= g.top <= b + 1 for x0, t, x1, b in boxes)
    ]
    for line in _glyph_lines(outside):
        text = _line_text(line).strip()
        if text:
            box = (line[0].x0, min(g.top for g in line), max(g.x1 for g in line), max(g.bottom for g in line))
            bbox = tuple(round(v, 2) for v in box)
            lineage = Lineage(page=number, bbox=bbox, ocr_confidence=_confidence(line))
            placed.append((bbox[1], Line([Cell(text, lineage)])))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed]


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument("encrypted_pdf", "the PDF is password-protected") from exc
        raise UnreadableDocument("broken_pdf", f"the PDF cannot be opened ({exc})") from exc


def _strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers printed at the top or bottom of pages. A decorated one ("- 3 -", "第3页") always
    goes; a bare number only when edge numbers (bare, or decorated on other pages: OCR may drop the
    decoration of some) follow the page sequence on at least two pages (numbering may start after a
    cover), since otherwise it may be a table value ending the page."""
    offsets: dict[int, set[int]] = {}
    for page, lines in enumerate(pages, 1):
        for edge in (0, -1):
            bare = _EDGE_NUMBER.match(lines[edge].text) if lines else None
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
                        tables = _statistics_tables(_ruling_edges(page))
                        if tables:
                            textpage = page.get_textpage()
                            try:
                                lines = _grid_lines(tables, _glyphs(page, textpage), number)
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
    lines = [line for page_lines in _strip_furniture(pages) for line in page_lines]
    meta = {"ocr_pages": ",".join(map(str, ocr_pages))} if ocr_pages else {}
    return Document("pdf", lines, pages=len(pages), meta=meta)
