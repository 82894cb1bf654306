"""Page geometry, wherever the page came from (a PDF's text layer, OCR boxes): glyphs and their lines,
ruled tables found from edges (pdfplumber's finder on our edges), the statistics tables among them, cell
text from the glyphs inside, and page furniture (page numbers) stripped across pages."""

import bisect
import re
from collections.abc import Iterable
from typing import NamedTuple

from pdfplumber.table import Table, TableSettings, cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges

from pipeline.document import Cell, Line, Lineage

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


def intersection_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[BBox]:
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


def find_tables(edges: list[dict]) -> list[Table]:
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
    return [Table(None, cells) for cells in cells_to_tables(intersection_cells(intersections))]  # type: ignore[arg-type]


def glyph_lines(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines: baselines chained within 3 pt, each line left to right."""
    lines: list[list[Glyph]] = []
    last = None
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if last is None or glyph.baseline > last + _LINE_TOLERANCE:
            lines.append([])
        lines[-1].append(glyph)
        last = glyph.baseline
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def line_text(line: list[Glyph]) -> str:
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


def confidence(glyphs: list[Glyph]) -> float | None:
    """The lowest OCR confidence among the glyphs (None for a text layer)."""
    scores = [g.confidence for g in glyphs if g.confidence is not None]
    return round(min(scores), 4) if scores else None


def statistics_tables(edges: list[dict]) -> list[Table]:
    """The real (multi-column) tables those ruling lines draw; none for no lines or only boxes."""
    # Table.rows is recomputed from the cells on every access: read once per table.
    return [t for t in find_tables(edges) if max(map(len, (r.cells for r in t.rows)), default=0) >= _MIN_TABLE_COLUMNS]


def grid_lines(
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
                text = "\n".join(line_text(line) for line in glyph_lines(inside))
                lineage = Lineage(
                    page=number,
                    table=t_index,
                    row=r_index,
                    col=c_index,
                    bbox=tuple(bbox),
                    ocr_confidence=confidence(inside),
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
    for line in glyph_lines(outside):
        text = line_text(line).strip()
        if text:
            box = (line[0].x0, min(g.top for g in line), max(g.x1 for g in line), max(g.bottom for g in line))
            bbox = tuple(round(v, 2) for v in box)
            lineage = Lineage(page=number, bbox=bbox, ocr_confidence=confidence(line))
            placed.append((bbox[1], Line([Cell(text, lineage)])))
    placed.sort(key=lambda item: item[0])
    return [line for _, line in placed]


def strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
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
