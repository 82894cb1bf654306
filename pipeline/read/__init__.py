"""Readers: one module per format, each turning raw bytes into the neutral `Document`."""

from pipeline.document import Document
from pipeline.read.text import read_text

READERS = {"text": read_text}


def read_document(data: bytes, fmt: str) -> Document:
    return READERS[fmt](data)
