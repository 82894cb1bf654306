"""Word documents: paragraphs as text lines, tables as grids (merged cells emitted once, at their
origin). Legacy .doc/.wps binaries are converted with LibreOffice when it is installed."""

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.document import Cell, Document, Line, Lineage, UnreadableDocument
from pipeline.settings import Settings

CONVERT_TIMEOUT_SECONDS = 120


def _check_archive(data: bytes, max_inflated: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument("broken_docx", f"the Word file is not a readable ZIP archive ({exc})") from exc
    if "word/document.xml" not in names:
        raise UnreadableDocument("broken_docx", "the ZIP archive has no word/document.xml")
    if total > max_inflated:
        raise UnreadableDocument(
            "zip_bomb", f"the Word file inflates to {total} bytes, over the {max_inflated}-byte limit"
        )


def _table_lines(table: Table, t_index: int) -> list[Line]:
    lines: list[Line] = []
    seen: list[object] = []  # keeps the merged cells' XML elements alive, so identity is stable
    for r_index, row in enumerate(table.rows):
        cells: list[Cell] = []
        for c_index, cell in enumerate(row.cells):
            if any(cell._tc is s for s in seen):  # python-docx repeats a merged cell in every position
                continue
            seen.append(cell._tc)
            cells.append(Cell(cell.text, Lineage(table=t_index, row=r_index, col=c_index)))
        if cells:
            lines.append(Line(cells, grid=True))
    return lines


def read_docx(data: bytes, settings: Settings) -> Document:
    _check_archive(data, settings.max_inflated_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for malformed parts
        raise UnreadableDocument(
            "broken_docx", f"the Word file cannot be parsed ({type(exc).__name__}: {exc})"
        ) from exc
    lines: list[Line] = []
    tables = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(element, document).text.strip()
            if text:
                lines.append(Line([Cell(text, Lineage(row=len(lines)))]))
        elif tag == "tbl":
            lines += _table_lines(Table(element, document), tables)
            tables += 1
    title = document.core_properties.title or None
    return Document("docx", lines, title=title)


def read_legacy_office(data: bytes, settings: Settings) -> Document:
    """A .doc/.wps binary, converted to DOCX by LibreOffice (soffice) if it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnreadableDocument(
            "legacy_office", "legacy Word/WPS binary (.doc/.wps) and LibreOffice is not installed to convert it"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "report.doc"
        source.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(source)],
                capture_output=True, timeout=CONVERT_TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument("legacy_office", "LibreOffice did not convert the file in time") from exc
        converted = Path(tmp) / "report.docx"
        if not converted.exists():
            raise UnreadableDocument("legacy_office", "LibreOffice could not convert the legacy Word/WPS file")
        document = read_docx(converted.read_bytes(), settings)
    document.format = "doc"
    return document
