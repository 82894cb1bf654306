"""Offline OCR: page images (scanned PDF pages, photographed or scanned image files) into the same lines a
text-layer PDF page gives, so that one template parser reads both.

The OCR engine is RapidOCR (`rapidocr-onnxruntime`, PP-OCRv4 models inside its wheel: nothing is
downloaded). Each text box it finds becomes glyphs (its characters spread evenly over the box) carrying
the box's confidence; the ruling lines of the page image (OpenCV morphology) become pdfplumber edges.
From there the PDF reader's own table finder and cell filler run unchanged (`pipeline/read/pdf.py`), and
every cell keeps its page, box (in points, top-down, like a text-layer page) and OCR confidence.
"""

import re
from functools import cache
from typing import Any

import numpy as np

from pipeline.document import Document, Line
from pipeline.normalise import label_key, normalise_text
from pipeline.read.layout import Glyph, grid_lines, statistics_tables, strip_furniture

# Rendering resolution for OCR: 200 dpi reads 10.5 pt report text and table digits reliably.
OCR_DPI = 200
POINTS_PER_INCH = 72.0
# The page pass looks for text on the page shrunk to this many pixels on its long side (the engine's
# default is 2,000): an A4 page's 10.5 pt text is then 16 pixels high, which it finds as well, in two thirds
# of the memory and four fifths of the time. Table cells are read again at full resolution (`reread_cells`).
DETECTION_MAX_SIDE = 1280
# A ruling line is at least this share of the page's width (horizontal) or height (vertical) long.
_MIN_RULE_SHARE = 0.03
# A horizontal rule removed from a cell's text ink is at least this share of the page's width: a run of
# figures closed up can be as long as a short rule.
_MIN_TEXT_RULE_SHARE = 0.1
# Skew under this many degrees is left alone (scanners lean a degree or so).
_MAX_DESKEW = 5.0

# What a page of an annual report's text layer holds when it is not mojibake: CJK text, and on table
# pages the template's own words.
_TEMPLATE_WORDS = ("政府信息公开", "主动公开", "申请", "行政复议", "行政诉讼", "总体情况", "年度报告")
_COMMON_WORDS = ("公开", "信息", "政府", "工作", "情况", "进一步", "加强")


@cache
def ocr_engine(threads: int = 0) -> Any:
    """The OCR engine, loaded once per process and thread count (1–2 s: the ONNX models). `threads`: the
    CPU threads one inference uses (0: all cores, for pages read one at a time; 1 when as many pages as
    cores are read at once: both engines' threads on the same cores run slower than either alone)."""
    from rapidocr_onnxruntime import RapidOCR  # a heavy import: only where a page needs OCR

    engine = RapidOCR(intra_op_num_threads=threads) if threads else RapidOCR()
    engine.max_side_len = DETECTION_MAX_SIDE
    return engine


def text_layer_is_plausible(text: str) -> bool:
    """A page's text layer is real text: mostly CJK and other printable characters, not the private-use
    or replacement characters a broken font map yields, and on a page with much text some of the
    template's words. An empty text layer is not plausible (a scan)."""
    chars = [ch for ch in normalise_text(text) if not ch.isspace()]  # Kangxi radicals count as CJK
    if not chars:
        return False
    if len(chars) < 20:
        return True  # a page number or a signature line: nothing to judge, nothing to lose
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in chars)
    odd = sum(0xE000 <= ord(ch) <= 0xF8FF or ch == "\ufffd" or ord(ch) < 0x20 for ch in chars)
    if odd > 0.05 * len(chars):
        return False
    key = label_key(text)
    if any(word in key for word in _TEMPLATE_WORDS):
        return True
    # A font map shifted to other CJK code points gives CJK, but never the words every page of these
    # reports uses: a page of a hundred CJK characters without any of them is garbage.
    return cjk >= 0.3 * len(chars) and (cjk < 100 or any(word in key for word in _COMMON_WORDS))


def _gray(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def _ink(gray: np.ndarray) -> np.ndarray:
    """Dark pixels (255) against the local background: thresholding by neighbourhood survives a scan's
    uneven tone."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def _line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line pixels: ink opened with long thin kernels."""
    import cv2

    height, width = ink.shape
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, int(width * _MIN_RULE_SHARE)), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, int(height * _MIN_RULE_SHARE))))
    # Close first: a scan's lines are broken by noise and JPEG; then keep only long runs.
    horizontal = cv2.morphologyEx(
        cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8)), cv2.MORPH_OPEN, across
    )
    vertical = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8)), cv2.MORPH_OPEN, down)
    return horizontal, vertical


def deskew(image: np.ndarray) -> tuple[np.ndarray, float]:
    """The page turned upright, and the angle (degrees) it was turned by: the median slope of the long
    horizontal strokes (ruling lines, text lines) measured by a probabilistic Hough transform on the page
    at half size (a fifth of the time; the angle within a tenth of a degree)."""
    import cv2

    gray = _gray(image)
    half = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(half, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 15)
    segments = cv2.HoughLinesP(ink, 1, np.pi / 1800, threshold=100, minLineLength=half.shape[1] // 4, maxLineGap=5)
    if segments is None:
        return image, 0.0
    angles = [
        np.degrees(np.arctan2(y1 - y0, x1 - x0))
        for x0, y0, x1, y1 in segments.reshape(-1, 4)
        if abs(np.degrees(np.arctan2(y1 - y0, x1 - x0))) < _MAX_DESKEW
    ]
    if not angles:
        return image, 0.0
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return image, 0.0
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(255, 255, 255),
    )
    return turned, angle


def ruling_edges(image: np.ndarray, scale: float) -> list[dict]:
    """The page image's ruling lines as pdfplumber edges, in points from the page's top left (`scale`:
    pixels per point)."""
    return _edges(*_line_masks(_ink(_gray(image))), scale)


def _edges(horizontal: np.ndarray, vertical: np.ndarray, scale: float) -> list[dict]:
    import cv2

    edges = []
    for mask, orientation in ((horizontal, "h"), (vertical, "v")):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if orientation == "h":
                x0, x1 = x / scale, (x + w) / scale
                top = bottom = (y + h / 2) / scale
            else:
                x0 = x1 = (x + w / 2) / scale
                top, bottom = y / scale, (y + h) / scale
            edges.append(
                {
                    "object_type": "line",
                    "orientation": orientation,
                    "x0": round(x0, 2),
                    "x1": round(x1, 2),
                    "top": round(top, 2),
                    "bottom": round(bottom, 2),
                    "doctop": round(top, 2),
                    "width": round(x1 - x0, 2),
                    "height": round(bottom - top, 2),
                }
            )
    return edges


def ocr_glyphs(image: np.ndarray, scale: float, threads: int = 0) -> list:
    """Every text box the OCR engine reads, as glyphs in points: the box's characters spread evenly over
    its width, each with the box's confidence (what a cell built from them is trusted with)."""
    result, _ = ocr_engine(threads)(image, use_cls=False)  # deskewed: no box is upside down
    glyphs = []
    for quad, text, confidence in result or []:
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        box = (min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)
        glyphs.extend(_spread(text, box, float(confidence)))
    return glyphs


def _spread(text: str, box: tuple[float, float, float, float], confidence: float) -> list:
    """A box's text as glyphs spread evenly over its width (points), each with the box's confidence."""

    text = text.strip()
    if not text:
        return []
    x0, top, x1, bottom = box
    step = (x1 - x0) / len(text)
    return [
        Glyph(ch, x0 + i * step, x0 + (i + 1) * step, top, bottom, (top + bottom) / 2, bottom, bottom - top, confidence)
        for i, ch in enumerate(text)
        if not ch.isspace()
    ]


def reread_cells(
    image: np.ndarray, text_ink: np.ndarray, tables: list, glyphs: list, scale: float, threads: int = 0
) -> tuple[list, dict[tuple[float, ...], tuple[str, ...]]]:
    """`glyphs` with every table cell that holds figures read again alone, and each such cell's readings
    (by its bbox): the surer of the cell's own reading and the page-wide pass's first, which the cell's
    text then holds.

    The detector that finds text boxes on a whole page misses lone characters (a cell's single 0 or 7)
    and reads small boxes with little context; the recogniser given one cell's ink alone reads them
    better, but not always (6 and 9 trade places either way). Both readings are kept: equal ones confirm
    each other; where they differ, the rules choose or the cell stays NULL. A cell with no ink (ruling
    lines and specks removed) is a printed blank and is left blank; a cell holding CJK text is a label
    and is left as read."""
    import cv2

    heights = sorted((g.bottom - g.top) * scale for g in glyphs)
    if not tables or not heights:
        return glyphs, {}
    char_px = heights[len(heights) // 2]
    targets = []
    for table in tables:
        for row in table.rows:
            for bbox in row.cells:
                if bbox is None:
                    continue
                x0, top, x1, bottom = bbox
                inside = [g for g in glyphs if x0 <= (g.x0 + g.x1) / 2 < x1 and top <= g.middle < bottom]
                if any(_is_cjk(g.text) for g in inside):
                    continue
                box = _ink_box(text_ink, bbox, scale, char_px)
                if box is not None:
                    targets.append((tuple(bbox), inside, box))
    if not targets:
        return glyphs, {}
    # A cell the page pass missed gets its second reading from its ink alone: binarised, the ruling lines
    # taken out (other pixels than the first reading's, so not the same error twice).
    missed = [i for i, (_, inside, _) in enumerate(targets) if not inside]
    clean = cv2.cvtColor(cv2.bitwise_not(text_ink), cv2.COLOR_GRAY2BGR)
    crops = [_crop(image, box, char_px) for _, _, box in targets]
    crops += [_crop(clean, targets[i][2], char_px) for i in missed]
    results, _ = ocr_engine(threads).text_rec(crops)
    second = {i: "".join(results[len(targets) + n][0].split()) for n, i in enumerate(missed)}
    dropped: set[int] = set()
    added = []
    readings: dict[tuple[float, ...], tuple[str, ...]] = {}
    for i, ((bbox, inside, box), (text, score)) in enumerate(zip(targets, results, strict=False)):
        text = "".join(text.split())
        before = "".join(g.text for g in sorted(inside, key=lambda g: g.x0)) or second.get(i, "")
        confidence = min((g.confidence for g in inside), default=0.0)
        if not text:
            continue
        # The page pass's reading goes first if it is surer ('11' alone reads as '目'), or a figure where
        # the cell's own is not (a noisy 0 alone reads as 'Q').
        if inside and (_is_figure(before), confidence) >= (_is_figure(text), float(score)):
            readings[bbox] = (before, text)
            continue
        dropped |= {id(g) for g in inside}
        added += _spread(text, tuple(v / scale for v in box), float(score))  # type: ignore[arg-type]
        readings[bbox] = (text, before) if before else (text,)
    return [g for g in glyphs if id(g) not in dropped] + added, readings


_FIGURE = re.compile(r"-?\d[\d,，]*(\.\d+)?%?")


def _is_figure(text: str) -> bool:
    """Text a figure cell prints: a number, grouped or with decimals (not '0.' with a speck read as a
    point)."""
    return bool(_FIGURE.fullmatch(text))


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _ink_box(
    text_ink: np.ndarray, bbox: tuple[float, float, float, float], scale: float, char_px: float
) -> tuple[int, int, int, int] | None:
    """The pixel box of the text ink inside a cell (x0, top, x1, bottom), or None for a blank cell or one
    whose ink is more than a line (a wrapped label: the recogniser reads one line)."""
    import cv2

    x0, top, x1, bottom = (round(v * scale) for v in bbox)
    inset = max(2, int(char_px * 0.1))
    region = text_ink[top + inset : bottom - inset, x0 + inset : x1 - inset]
    if region.size == 0:
        return None
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    # Noise specks are a few pixels; a stroke of a digit is at least 0.4 character heights long.
    marks = [(x, y, w, h) for x, y, w, h, _ in stats[1:count] if max(w, h) >= 0.4 * char_px]
    if not marks:
        return None
    left = min(x for x, _, _, _ in marks)
    upper = min(y for _, y, _, _ in marks)
    right = max(x + w for x, _, w, _ in marks)
    lower = max(y + h for _, y, _, h in marks)
    if lower - upper > 1.8 * char_px:
        return None
    return x0 + inset + left, top + inset + upper, x0 + inset + right, top + inset + lower


def _crop(image: np.ndarray, box: tuple[int, int, int, int], char_px: float) -> np.ndarray:
    """The ink box with a white margin around it, as the recogniser expects a text line."""
    import cv2

    x0, top, x1, bottom = box
    piece = image[top:bottom, x0:x1]
    margin = max(4, int(char_px * 0.3))
    return cv2.copyMakeBorder(piece, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def page_lines(image: np.ndarray, number: int, scale: float, threads: int = 0) -> list[Line]:
    """One page image's lines: grid rows of its ruled tables (cells filled from the OCR boxes, cells the
    page pass missed read again alone) interleaved with the text lines around them, all with page, box
    and OCR confidence."""
    import cv2


    upright, _ = deskew(image)
    ink = _ink(_gray(upright))
    horizontal, vertical = _line_masks(ink)
    tables = statistics_tables(_edges(horizontal, vertical, scale))
    # Text ink: the ink without the ruling lines (widened: a scanned line is ragged at its edges). Only
    # long horizontal runs are rules here: closed up, the top strokes of '7228' run 50 pixels too.
    width = upright.shape[1]
    long_across = cv2.getStructuringElement(cv2.MORPH_RECT, (int(width * _MIN_TEXT_RULE_SHARE), 1))
    rules = cv2.bitwise_or(cv2.morphologyEx(horizontal, cv2.MORPH_OPEN, long_across), vertical)
    rules = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    glyphs, readings = reread_cells(upright, text_ink, tables, ocr_glyphs(upright, scale, threads), scale, threads)
    return grid_lines(tables, glyphs, number, readings)


def render_page(page: Any, dpi: int = OCR_DPI) -> tuple[np.ndarray, float]:
    """A PDF page (pypdfium2) as a BGR image for OCR, and its pixels per point."""
    scale = dpi / POINTS_PER_INCH
    bitmap = page.render(scale=scale, rev_byteorder=False)
    array = bitmap.to_numpy()
    return np.ascontiguousarray(array[:, :, :3]), scale


class PagePool:
    """OCR of a file's `pages` page images, several at a time, in page order. Pages are rendered by the
    caller (pdfium is not thread-safe) and submitted; at most two per worker wait, so a long scan never
    holds all its page images at once. `workers` (0: one per core) threads each read one page with an
    engine of cores / workers threads; a single page gets all the cores."""

    def __init__(self, workers: int, pages: int) -> None:
        import os
        from concurrent.futures import ThreadPoolExecutor

        cores = os.cpu_count() or 1
        self.workers = max(1, min(workers or cores, pages))
        self.threads = 0 if self.workers == 1 else max(1, cores // self.workers)
        self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ocr")
        self.pending: list = []

    def submit(self, image: np.ndarray, number: int, scale: float) -> Any:
        """A future of the page's lines (`page_lines`)."""
        from concurrent.futures import FIRST_COMPLETED, wait

        self.pending = [f for f in self.pending if not f.done()]
        if len(self.pending) >= 2 * self.workers:
            wait(self.pending, return_when=FIRST_COMPLETED)
        ocr_engine(self.threads)  # loaded once, before the threads share it
        future = self.pool.submit(page_lines, image, number, scale, self.threads)
        self.pending.append(future)
        return future

    def __enter__(self) -> "PagePool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def read_image(data: bytes, settings: Any) -> Document:
    """An image file (a scanned or photographed page, or a whole report posted as one tall picture) read
    by OCR. A tall image is cut into page-sized pieces at blank bands (`page_tiles`), each read as a page.
    Box units are points at the resolution the file states (else `settings.ocr_dpi`), from the top of
    the piece."""

    image = decode_image(data)
    scale = _stated_dpi(data, settings.ocr_dpi) / POINTS_PER_INCH
    tiles = page_tiles(image)[: settings.max_ocr_pages]
    with PagePool(settings.ocr_workers, len(tiles)) as pool:
        futures = [pool.submit(tile, number, scale) for number, tile in enumerate(tiles, 1)]
        pages = [future.result() for future in futures]
    lines = [line for page in strip_furniture(pages) for line in page]
    meta = {"ocr_pages": ",".join(str(n) for n in range(1, len(tiles) + 1))}
    return Document("image", lines, pages=len(tiles), meta=meta)


# A picture taller than this many widths is a report posted as one image: it is read in pieces, since the
# OCR engine shrinks any image to 2,000 pixels on its long side (a tall page's text would vanish).
_TALL = 1.8
# A piece is cut where no ink is, within this range of heights (in widths): an A4 page is 1.41 widths.
_PIECE = (0.6, 1.6)


def page_tiles(image: np.ndarray) -> list[np.ndarray]:
    """The image as page-sized pieces, top to bottom: cut in the middle of the widest blank band (no ink:
    a page margin, or the space between paragraphs) within each piece's height range, else at the row
    with the least ink. An image no taller than `_TALL` widths is one piece."""
    height, width = image.shape[:2]
    if height <= _TALL * width:
        return [image]
    import cv2

    # Opened: a scan's specks and grain are not ink.
    ink = cv2.morphologyEx(_ink(_gray(image)), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    ink_per_row = (ink > 0).sum(axis=1)
    blank = ink_per_row == 0
    low, high = (int(share * width) for share in _PIECE)
    tiles = []
    start = 0
    while height - start > high:
        window = blank[start + low : start + high]
        cut = start + low + _middle_of_widest_run(window) if window.any() else None
        if cut is None:
            cut = start + low + int(np.argmin(ink_per_row[start + low : start + high]))
        tiles.append(image[start:cut])
        start = cut
    tiles.append(image[start:])
    return tiles


def _middle_of_widest_run(flags: np.ndarray) -> int:
    """The index in the middle of the longest run of True in `flags` (the last such run on a tie)."""
    best = (0, 0)
    run_start = None
    for i, flag in enumerate([*flags.tolist(), False]):
        if flag and run_start is None:
            run_start = i
        elif not flag and run_start is not None:
            if i - run_start >= best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    return (best[0] + best[1]) // 2


def _stated_dpi(data: bytes, default: int) -> float:
    """The resolution an image file states (PNG pHYs, JPEG JFIF, TIFF tags), within 72–1200 dpi."""
    import io

    from PIL import Image

    try:
        dpi = Image.open(io.BytesIO(data)).info.get("dpi")
    except Exception:  # a file OpenCV decodes but Pillow does not: keep the default
        return float(default)
    value = float(dpi[0]) if dpi else 0.0
    return value if 72 <= value <= 1200 else float(default)


def decode_image(data: bytes) -> np.ndarray:
    """An image file (PNG, JPEG, TIFF, BMP) as a BGR array."""
    import cv2

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        from pipeline.document import UnreadableDocument

        raise UnreadableDocument("broken_image", "the image cannot be decoded")
    return image
