"""Bytes to text, one way for every reader and the collector: a byte-order mark, then a declared charset
(an HTML page's meta tag, an HTTP header), then UTF-16 saved without a BOM, then UTF-8, then GB18030 (a
superset of GBK and GB2312, what Chinese government sites mostly serve)."""

import re

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


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 kB, if any."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def decode(data: bytes, declared: str | None = None, errors: str = "strict") -> str:
    """The text of `data`; `errors="replace"` never fails (a page must be read even when mis-encoded),
    "strict" raises UnicodeDecodeError when nothing fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors=errors)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors=errors)
    if declared:
        encoding = "gb18030" if declared.lower() in ("gb2312", "gbk") else declared
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _plainly_utf16(data) or data.decode("gb18030", errors=errors)
