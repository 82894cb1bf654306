"""Sections by title: whole-line titles, and titles inline in a flattened crawl's one-line body."""

import re

from pipeline.catalogue import SECTION_TITLES, SECTION_TOPICS
from pipeline.document import Cell, Document, Line
from pipeline.normalise import edit_distance, label_key, normalise_text
from pipeline.parse.model import Section

_ENUMERATOR = re.compile(r"^(第?[一二三四五六七八九十]{1,2}|[1-9])(部分)?")
_TITLE_KEYS = {n: tuple(label_key(t) for t in titles) for n, titles in SECTION_TITLES.items()}
_TITLE_SUFFIXES = ("统计表", "表", "")
_NUMERALS = "一二三四五六七八"


def section_of(line_text: str) -> int | None:
    """The section number a line is the title of, or None."""
    key = label_key(line_text)
    if not key or len(key) > 40:
        return None
    m = _ENUMERATOR.match(key)
    rest = key[m.end() :] if m else key
    for number, titles in _TITLE_KEYS.items():
        for title in titles:
            for suffix in _TITLE_SUFFIXES:
                if m and rest.endswith(title + suffix) and len(rest) <= len(title) + len(suffix) + 10:
                    return number
                if not m and rest == title + suffix:
                    return number
    return None


# ---------------------------------------------------------------------------------------------------
# Inline titles. A crawler's text dump holds the whole body on one line: '…下载。一、总体情况2023年，…
# 三、收到和处理政府信息公开申请情况（本列数据…'. A title there is an enumerator not inside brackets
# ('（二）' is a sub-heading) followed by a section title, possibly misprinted ('行政法复议').

# '二、', '二' (bare) or '2、' (arabic: only before a known title, since '5、' also numbers sub-rows).
_INLINE_HEADING = re.compile(r"(?:(?<![（(])([一二三四五六七八])\s*([、.．]?)|(?<![（(0-9])([1-8])\s*[、.．])\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_INLINE_MIN_LINE = 60  # only long lines are flattened bodies; a short line is a title of its own


def _inline_title_end(text: str, start: int) -> tuple[int, int] | None:
    """(section number, end offset) of a section title starting at `start`, or None."""
    keyed: list[tuple[str, int]] = []  # key characters with the raw offset after each
    pos = start
    while pos < len(text) and len(keyed) < 48:
        k = label_key(text[pos])
        pos += 1
        if k:
            keyed.append((k, pos))
    key = "".join(k for k, _ in keyed)
    best: tuple[int, int, int] | None = None  # (distance, number, key length)
    for number, titles in _TITLE_KEYS.items():
        for title in titles:
            if key.startswith(title):
                candidate = (0, number, len(title))
            elif len(title) >= 8:
                slack = 1 if len(title) < 16 else 2
                if len(set(key[: len(title) + slack]) & set(title)) < len(set(title)) - slack:
                    continue  # far from this title: no edit distance needed (most numerals start no title)
                widths = [w for w in range(len(title) - slack, len(title) + slack + 1) if w <= len(key)]
                scored = [(edit_distance(key[:w], title), w) for w in widths]
                if not scored:
                    continue
                distance, width = min(scored)
                if distance > slack:
                    continue
                candidate = (distance, number, width)
            else:
                continue
            if best is None or candidate[0] < best[0] or (candidate[0] == best[0] and candidate[2] > best[2]):
                best = candidate
    if best is None:
        return None
    _, number, width = best
    end = keyed[width - 1][1]
    for suffix in _TITLE_SUFFIXES[:2]:
        if text.startswith(suffix, end):
            return number, end + len(suffix)
    return number, end


def inline_headings(text: str) -> list[tuple[int, int, int | None, int]]:
    """(start, end, section number or None, numeral) of each top-level heading inside a long line.
    Unknown headings numbered 五 and above are kept as boundaries: they end section 四's tables
    ('五、当前存在的突出问题'); lower unknown numerals are row labels of section 三 ('四、结转下年度')."""
    out = []
    for m in _INLINE_HEADING.finditer(text):
        numeral = _NUMERALS.index(m.group(1)) + 1 if m.group(1) else int(m.group(3))
        found = _inline_title_end(text, m.end())
        if found is not None:
            out.append((m.start(), found[1], found[0], numeral))
        elif m.group(1) and numeral >= 5 and m.group(2) and not (m.start() > 0 and _CJK.match(text, m.start() - 1)):
            out.append((m.start(), m.end(), None, numeral))
    return out


def split_inline_titles(doc: Document) -> tuple[Document, dict[int, int | None]]:
    """The document with long one-cell text lines cut before and after each inline section title, so
    that a flattened body has its titles on lines of their own; also the new title lines' indexes with
    their section numbers (None for a heading that only ends the section before it)."""
    lines: list[Line] = []
    titles: dict[int, int | None] = {}
    for line in doc.lines:
        if line.grid or len(line.cells) != 1 or len(line.text) < _INLINE_MIN_LINE:
            lines.append(line)
            continue
        cell = line.cells[0]
        cut = 0
        for start, end, number, _ in inline_headings(cell.text):
            if cell.text[cut:start].strip():
                lines.append(Line([Cell(cell.text[cut:start], cell.lineage.shifted(cut, start))], offset=line.offset))
            titles[len(lines)] = number
            lines.append(Line([Cell(cell.text[start:end], cell.lineage.shifted(start, end))], offset=line.offset))
            cut = end
        if cut == 0:
            lines.append(line)
        elif cell.text[cut:].strip():
            lines.append(Line([Cell(cell.text[cut:], cell.lineage.shifted(cut, len(cell.text)))], offset=line.offset))
    if len(lines) == len(doc.lines):
        return doc, {}
    return Document(doc.format, lines, doc.title, doc.meta, doc.pages), titles


# Page furniture a text extraction keeps between table rows: '-4-', '— 12 —', '第 3 页', '3/6'.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


def drop_page_numbers(doc: Document) -> Document:
    """The document without lines that are only a page number (they would read as a stray value)."""
    lines = [line for line in doc.lines if line.grid or not _PAGE_NUMBER.match(line.text)]
    if len(lines) == len(doc.lines):
        return doc
    return Document(doc.format, lines, doc.title, doc.meta, doc.pages)


def find_sections(doc: Document, inline: dict[int, int | None] | None = None) -> dict[int, Section]:
    """Sections by their first title line; `inline` holds the titles found inside flattened lines
    (`split_inline_titles`), which may be misprinted ('行政法复议') and so not match `section_of`."""
    inline = inline or {}
    hits: dict[int, int] = {}
    for i, line in enumerate(doc.lines):
        number = inline[i] if i in inline else section_of(line.text)
        if number is not None and number not in hits:
            hits[number] = i
    starts = sorted(set(hits.values()) | {i for i, n in inline.items() if n is None})
    sections = {}
    if starts and starts[0] > 0:  # the preamble: title, legal basis, statistics period, contact
        text = "\n".join(line.text for line in doc.lines[: starts[0]])
        sections[0] = Section(0, "前言", 0, starts[0], text, "preamble")
    for number, first in hits.items():
        later = [s for s in starts if s > first]
        end = later[0] if later else len(doc.lines)
        text = "\n".join(line.text for line in doc.lines[first + 1 : end])
        sections[number] = Section(
            number, normalise_text(doc.lines[first].text), first, end, text, SECTION_TOPICS[number]
        )
    return sections
