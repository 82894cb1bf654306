"""Text dumps (.txt, .md): lines split into cells on tabs and markdown pipes, with character spans."""

import re

from pipeline.document import Cell, Document, Line, Lineage
from pipeline.settings import Settings

_CELL_SPLIT = re.compile(r"[\t|]")
_MARKDOWN_RULE = re.compile(r"^\s*:?-+:?\s*$")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: CJK and ASCII text put NUL bytes on one side of most code units."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    encoding = "utf-16-le" if odd > even * 3 else "utf-16-be" if even > odd * 3 else None
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes) -> str:
    """Decode a text report: BOMs, BOM-less UTF-16, UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def text_lines(text: str, page: int | None = None, offset: int = 0) -> list[Line]:
    """Split text into lines of cells; every cell carries its character span in `text`."""
    lines: list[Line] = []
    pos = 0
    for raw_line in text.split("\n"):
        cells = []
        pieces = _CELL_SPLIT.split(raw_line)
        if "|" in raw_line and all(_MARKDOWN_RULE.match(p) or not p.strip() for p in pieces):
            pos += len(raw_line) + 1  # a markdown table rule "|---|---|" carries no cells
            continue
        start = 0
        for m in [*_CELL_SPLIT.finditer(raw_line), None]:
            end = m.start() if m else len(raw_line)
            piece = raw_line[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece.rstrip())
                span = (offset + pos + start + lead, offset + pos + start + trail)
                cells.append(Cell(piece.strip(), Lineage(page=page, char_start=span[0], char_end=span[1])))
            if m:
                start = m.end()
        if cells:
            lines.append(Line(cells))
        pos += len(raw_line) + 1
    return lines


def read_text(data: bytes, settings: Settings) -> Document:
    return Document("text", text_lines(decode_text(data)))
