"""Offline OCR: page images (scanned PDF pages, photographed or scanned image files) into the same lines a
text-layer PDF page gives, so that one template parser reads both.

The OCR engine is RapidOCR (`rapidocr-onnxruntime`, PP-OCRv4 models inside its wheel: nothing is
downloaded). Each text box it finds becomes glyphs (its characters spread evenly over the box) carrying
the box's confidence; the ruling lines of the page image (OpenCV morphology) become pdfplumber edges.
From there the PDF reader's own table finder and cell filler run unchanged (`pipeline/read/pdf.py`), and
every cell keeps its page, box (in points, top-down, like a text-layer page) and OCR confidence.
"""

from functools import cache
from typing import Any

import numpy as np

from pipeline.document import Document, Line
from pipeline.normalise import label_key, normalise_text

# Rendering resolution for OCR: 200 dpi reads 10.5 pt report text and table digits reliably.
OCR_DPI = 200
POINTS_PER_INCH = 72.0
# A ruling line is at least this share of the page's width (horizontal) or height (vertical) long.
_MIN_RULE_SHARE = 0.03
# Skew under this many degrees is left alone (scanners lean a degree or so).
_MAX_DESKEW = 5.0

# What a page of an annual report's text layer holds when it is not mojibake: CJK text, and on table
# pages the template's own words.
_TEMPLATE_WORDS = ("政府信息公开", "主动公开", "申请", "行政复议", "行政诉讼", "总体情况", "年度报告")
_COMMON_WORDS = ("公开", "信息", "政府", "工作", "情况", "进一步", "加强")


@cache
def ocr_engine() -> Any:
    """The OCR engine, loaded once per process (1–2 s: the ONNX models)."""
    from rapidocr_onnxruntime import RapidOCR  # a heavy import: only where a page needs OCR

    return RapidOCR()


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


def _line_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line pixels: ink opened with long thin kernels."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    height, width = gray.shape
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
    horizontal strokes (ruling lines, text lines) measured by a probabilistic Hough transform."""
    import cv2

    gray = _gray(image)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    width = gray.shape[1]
    segments = cv2.HoughLinesP(ink, 1, np.pi / 1800, threshold=200, minLineLength=width // 4, maxLineGap=10)
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
    height = gray.shape[0]
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
    import cv2

    horizontal, vertical = _line_masks(_gray(image))
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


def ocr_glyphs(image: np.ndarray, scale: float) -> list:
    """Every text box the OCR engine reads, as glyphs in points: the box's characters spread evenly over
    its width, each with the box's confidence (what a cell built from them is trusted with)."""
    from pipeline.read.pdf import Glyph

    result, _ = ocr_engine()(image)
    glyphs = []
    for quad, text, confidence in result or []:
        text = text.strip()
        if not text:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        x0, x1, top, bottom = min(xs) / scale, max(xs) / scale, min(ys) / scale, max(ys) / scale
        step = (x1 - x0) / len(text)
        size = bottom - top
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            glyphs.append(
                Glyph(
                    ch,
                    x0 + i * step,
                    x0 + (i + 1) * step,
                    top,
                    bottom,
                    (top + bottom) / 2,
                    bottom,
                    size,
                    float(confidence),
                )
            )
    return glyphs


def page_lines(image: np.ndarray, number: int, scale: float) -> list[Line]:
    """One page image's lines: grid rows of its ruled tables (cells filled from the OCR boxes) interleaved
    with the text lines around them, all with page, box and OCR confidence."""
    from pipeline.read.pdf import _grid_lines, _statistics_tables

    upright, _ = deskew(image)
    tables = _statistics_tables(ruling_edges(upright, scale))
    return _grid_lines(tables, ocr_glyphs(upright, scale), number)


def render_page(page: Any, dpi: int = OCR_DPI) -> tuple[np.ndarray, float]:
    """A PDF page (pypdfium2) as a BGR image for OCR, and its pixels per point."""
    scale = dpi / POINTS_PER_INCH
    bitmap = page.render(scale=scale, rev_byteorder=False)
    array = bitmap.to_numpy()
    return np.ascontiguousarray(array[:, :, :3]), scale


def read_image(data: bytes, settings: Any) -> Document:
    """An image file (a scanned or photographed page) read by OCR as a one-page document. Its box units are
    points at the resolution the file states (else `settings.ocr_dpi`)."""
    image = decode_image(data)
    scale = _stated_dpi(data, settings.ocr_dpi) / POINTS_PER_INCH
    return Document("image", page_lines(image, 1, scale), pages=1, meta={"ocr_pages": "1"})


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
