"""Discover raw files and decide, from their bytes, what each one is (or why it is quarantined)."""

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.read.decode import decode
from pipeline.settings import Settings


@dataclass(frozen=True)
class SourceFile:
    path: Path
    sha256: str
    size: int
    format: str | None  # text | pdf | docx | html | None when quarantined
    reason_code: str | None = None
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


def discover(raw_dir: Path) -> list[Path]:
    """Every regular file under raw_dir. Hidden files and expected-value sidecars are skipped, and so
    are symlinks that lead outside raw_dir: a raw folder must not become a way to read other files."""
    root = raw_dir.resolve()
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(folder) / name
            if name.startswith(".") or name.endswith(".expected.json"):
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                continue
            if path.is_file():
                found.append(path)
    return sorted(found)


def sniff(path: Path, settings: Settings) -> SourceFile:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()

    def quarantined(code: str, reason: str) -> SourceFile:
        return SourceFile(path, digest, len(data), None, code, reason)

    if not data.strip():
        return quarantined("empty_file", f"{path.name} is empty ({len(data)} bytes)")
    if len(data) > settings.max_file_bytes:
        return quarantined(
            "too_large", f"{path.name} is {len(data)} bytes, over the {settings.max_file_bytes}-byte limit"
        )
    head = data[:8]
    if head.startswith(b"%PDF"):
        return SourceFile(path, digest, len(data), "pdf")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return SourceFile(path, digest, len(data), "image")  # a scanned or photographed page: OCR
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data:
            return SourceFile(path, digest, len(data), "docx")
        return quarantined("unsupported_archive", f"{path.name} is a ZIP archive but not a Word document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return SourceFile(path, digest, len(data), "legacy_office")
    try:
        text = decode(data)
    except UnicodeDecodeError:
        return quarantined("unknown_format", f"{path.name} is neither PDF, DOCX, HTML nor text in UTF-8/UTF-16/GB18030")
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            return quarantined("not_a_report", f"{path.name} is a JSON document, not an annual report")
    lowered = stripped[:4096].lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml")) or "<table" in lowered or "<body" in lowered:
        return SourceFile(path, digest, len(data), "html")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > len(text[:65536]) // 100:
        return quarantined("unknown_format", f"{path.name} holds binary data, not a text report")
    return SourceFile(path, digest, len(data), "text")
