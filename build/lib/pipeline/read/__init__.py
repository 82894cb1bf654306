"""Readers: one module per format, each turning raw bytes into the neutral `Document`."""

from collections.abc import Callable

from pipeline.document import Document
from pipeline.read.docx import read_docx, read_legacy_office
from pipeline.read.html import read_html
from pipeline.read.ocr import read_image
from pipeline.read.pdf import read_pdf
from pipeline.read.text import read_text
from pipeline.settings import Settings

READERS: dict[str, Callable[[bytes, Settings], Document]] = {
    "text": read_text,
    "pdf": read_pdf,
    "html": read_html,
    "docx": read_docx,
    "legacy_office": read_legacy_office,
    "image": read_image,
}


def read_document(data: bytes, fmt: str, settings: Settings | None = None) -> Document:
    return READERS[fmt](data, settings or Settings())
