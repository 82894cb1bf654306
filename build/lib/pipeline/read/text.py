"""Text dumps (.txt, .md): lines split into cells on tabs and markdown pipes, with character spans."""

import re

from pipeline.document import Cell, Document, Line, Lineage
from pipeline.settings import Settings

_CELL_SPLIT = re.compile(r"[\t|]")
_MARKDOWN_RULE = re.compile(r"^\s*:?-+:?\s*$")


# What a Chinese report is made of: tab and line breaks, ASCII, Latin-1 and extended Latin (pinyin),
# general punctuation, letterlike and number forms, arrows, math, enclosed numbers, box drawing, shapes
# and symbols, CJK radicals, CJK punctuation, kana, CJK ideographs, compatibility ideographs and
# full-width forms.
_PLAUSIBLE = (
    ("\t", "\n"), ("\r", "\r"), ("\u0020", "\u007e"), ("\u00a0", "\u024f"), ("\u2000", "\u27bf"),
    ("\u2e80", "\u2fdf"), ("\u3000", "\u30ff"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"), ("\ufe30", "\ufe4f"),
    ("\uff00", "\uffef"),
)  # fmt: skip
# What it is written in, narrowly: ASCII, Latin-1 (no-break space, pinyin tones), general punctuation
# (curly quotes, dashes, zero-width spaces), radicals, CJK punctuation, CJK ideographs and extension A,
# full-width forms. GBK or UTF-8 bytes paired up as UTF-16 land in Hangul, Yi, private use or surrogates.
_PLAIN = (
    ("\u0000", "\u007f"), ("\u00a0", "\u024f"), ("\u2000", "\u206f"), ("\u2e80", "\u2fdf"), ("\u3000", "\u303f"),
    ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uff00", "\uffef"),
)  # fmt: skip


def _share_within(text: str, ranges: tuple[tuple[str, str], ...]) -> float:
    """Share of the characters of `text` that fall in `ranges` (0 for no text)."""
    if not text:
        return 0.0
    return sum(1 for ch in text if any(lo <= ch <= hi for lo, hi in ranges)) / len(text)


def _utf16(data: bytes, ranges: tuple[tuple[str, str], ...], threshold: float) -> str | None:
    """The data read as UTF-16 in the byte order whose first 2,048 characters fall most in `ranges`,
    if at least `threshold` of them do."""
    best: tuple[float, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:  # an odd length, or a broken surrogate pair
            continue
        share = _share_within(text[:2048], ranges)
        if share >= threshold and (best is None or share > best[0]):
            best = (share, text)
    return best[1] if best else None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: ASCII puts a NUL byte on one side of its code units, and CJK
    characters ending in 00 (一 U+4E00, the ideographic space U+3000) on the other, so the NUL counts
    tell UTF-16 from other encodings but not always the byte order (a report heavy in ideographic
    spaces). The byte order is the one whose decoding is plausible text: the wrong one turns ASCII into
    Devanagari, Bopomofo, Hangul and the like, and most ideographs into other blocks."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 8:
        return None
    return _utf16(data, _PLAUSIBLE, 0.75)


def _plainly_utf16(data: bytes) -> str | None:
    """BOM-less UTF-16 with too few NUL bytes for the pattern check (almost no ASCII: full-width digits
    and spaces): read the right way, nearly every code unit is plainly what a report is written in."""
    return _utf16(data, _PLAIN, 0.95)


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
        pass
    return _plainly_utf16(data) or data.decode("gb18030")


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
    return Document("text", text_lines(decode_text(data)))
