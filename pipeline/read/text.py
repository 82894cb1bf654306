"""Text dumps (.txt, .md): lines split into cells on tabs and markdown pipes, with character spans."""

import re

from pipeline.document import Cell, Document, Line, Lineage
from pipeline.read.decode import decode
from pipeline.settings import Settings

_CELL_SPLIT = re.compile(r"[\t|]")
_MARKDOWN_RULE = re.compile(r"^\s*:?-+:?\s*$")


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
            lines.append(Line(cells, offset=offset + pos))
        pos += len(raw_line) + 1
    return lines


def read_text(data: bytes, settings: Settings) -> Document:
    return Document("text", text_lines(decode(data)))
