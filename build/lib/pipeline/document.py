"""The neutral document model every reader produces: lines of cells, each cell knowing its source."""

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Lineage:
    """Where a piece of text came from: page and bbox (PDF), table/row/column (DOCX, HTML, PDF
    tables) or a character span in the decoded text (text dumps, text layers)."""

    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    # Read by OCR from a page image: the engine's confidence in the text (the lowest of its boxes).
    ocr_confidence: float | None = None
    # Read by OCR: every reading of the cell's ink, the one its text holds first. The page-wide pass and
    # the cell read alone give two; equal readings confirm each other, differing ones are the
    # alternatives the rules may choose between (`pipeline/parse/ocr_gate.py`).
    ocr_readings: tuple[str, ...] | None = None

    def shifted(self, start: int, end: int) -> "Lineage":
        """The lineage of a sub-span [start, end) of this piece's text."""
        if self.char_start is None:
            return self
        return replace(self, char_start=self.char_start + start, char_end=self.char_start + end)


@dataclass(frozen=True)
class Cell:
    text: str
    lineage: Lineage


@dataclass
class Line:
    """A text line (cells split on tabs or markdown pipes) or one row of a table grid."""

    cells: list[Cell]
    # True for rows of a real table grid, where an empty cell is a printed blank, not layout padding.
    grid: bool = False
    # Text dumps: the character offset where the line starts, so that a cell's `char_start` minus it is
    # the column a layout dump (pdftotext -layout) printed the cell at.
    offset: int | None = None

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


@dataclass
class Document:
    format: str
    lines: list[Line]
    title: str | None = None  # a title the container states (HTML <title>, PDF metadata)
    meta: dict[str, str] = field(default_factory=dict)
    pages: int | None = None


class UnreadableDocument(Exception):
    """A file of a known format that cannot be read as a report; `code` becomes the quarantine reason code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
