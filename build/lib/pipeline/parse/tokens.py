"""Tokens: every cell becomes label text or values; space-separated runs of numbers are split apart,
and numbers glued into label text (flattened crawls: '…申请数量1000001二、上年结转…') are cut out of it."""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.document import Line, Lineage
from pipeline.normalise import (
    BLANK,
    INVISIBLE_CHARS,
    NOT_APPLICABLE,
    NUMBER,
    UNIT_PATTERN,
    ZERO,
    Value,
    label_key,
    normalise_text,
    read_value,
)


@dataclass(frozen=True)
class Token:
    label: str | None  # label text (normalised), None for a value
    value: Value | None
    lineage: Lineage
    line: int
    # A number cut out of label text with more label text glued right after it ('数量1000001二、'):
    # the mark of a flattened table whose cells ran together.
    embedded: bool = False

    @property
    def digits(self) -> str | None:
        """The digits of a plain count ('1000001', '0000000', '01'): a token that may be several cells
        run together. None for anything else (decimals, signs, units, notes, marks)."""
        v = self.value
        if v is None or v.semantic not in (NUMBER, ZERO) or v.note or v.decimals:
            return None
        text = normalise_text(v.raw).strip()
        return text if text.isdigit() else None


_DIGITS = r"[0-9０-９][0-9０-９,.，．]*"  # before NFKC: full-width digits and separators too
_NOTE = r"[(（][^()（）\n]*[)）]"
_UNIT = rf"(?:{UNIT_PATTERN})(?=[\s(（{INVISIBLE_CHARS}]|$)"  # a unit ends where its word does: not 件 of 件数
# A piece is a run of non-space text, or one ending in a number with the unit and note printed after it in
# the same cell, whose own spaces do not split it: "22（其中修订 16 件）" (Appendix B), and "3 件" where
# Word or LibreOffice spaced the digits from the CJK unit.
_PIECE = re.compile(rf"\S*?{_DIGITS}\s?{_UNIT}(?:\s?{_NOTE})?|\S*?{_DIGITS}(?:{UNIT_PATTERN})?\s?{_NOTE}|\S+")
# A value glued to the label before it, when a text layer lost the space ("行政许可229506", "稳定”0",
# "规章/"): the label ends in a CJK character or closing punctuation, the rest reads as one value.
_GLUED_VALUE = re.compile(
    rf"^(.*[\u4e00-\u9fff\u2e80-\u2fdf）)”’」』》】〕])"
    rf"(?:[+-]?{_DIGITS}(?:\s?{_UNIT})?(?:\s?{_NOTE})?|[/／\\\-－—–―]{{1,3}})[{INVISIBLE_CHARS}]*$"
)
# A number inside label text, as flattened crawls print whole rows: '数量1000001二、', '0000000（二）',
# '13575394432.52元三、'. A unit belongs to its number; dates and percentages are text, not cells.
_EMBEDDED = re.compile(
    rf"(?:(?<=[0-9０-９])[+-])?(?:[0-9０-９]{{1,3}}(?:[,，][0-9０-９]{{3}})+(?![0-9０-９])|[0-9０-９]+)"
    rf"(?:[.．][0-9０-９]+)?(?:{UNIT_PATTERN})?"
    # ... and the annotation printed after it in the same cell, not a heading's numeral '（二）'
    r"(?:[(（](?![一二三四五六七八九十]+[)）])[^()（）]*[)）])?"
)
_NOT_A_CELL_AFTER = re.compile(r"[年月日号%％]")
# A sub-row enumerator: one digit before '.', '．' or '、' and then label text ('2.其他法律…'). Glued to
# the digits of the row before it ('00000002.其他'), the last digit is the next row's number.
_ENUMERATOR_AFTER = re.compile(r"[.．、][^0-9０-９]")


def tokenize(lines: list[Line], start: int = 0) -> list[Token]:
    tokens: list[Token] = []
    open_note = False  # an annotation '（其中修订 11 件）' wrapped over lines: its numbers are not cells
    for i, line in enumerate(lines, start):
        # A grid cell may wrap inside a label or even inside a number: its line breaks are not separators.
        texts = [c.text.replace("\n", "") if line.grid else c.text for c in line.cells]
        values = [read_value(t) for t in texts]
        # In a text dump an empty cell is layout padding. In a real grid it is a printed blank, but only
        # right of the row's label: blanks left of it are the empty parts of merged label columns.
        last_label = max((j for j, v in enumerate(values) if v is None), default=-1)
        for j, (cell, text, whole) in enumerate(zip(line.cells, texts, values, strict=True)):
            if whole is not None:
                if whole.semantic != BLANK or (line.grid and j > last_label):
                    tokens.append(Token(None, whole, cell.lineage, i))
                continue
            label_parts: list[tuple[int, int]] = []
            # A number inside brackets that close in the same cell is label text: "（单位：万元，保留 4 位小数）".
            # A bracket that never closes (a label wrapped onto the next line) hides nothing.
            spans = _bracketed(text)
            notes: list[tuple[int, int]] = []
            if not line.grid:
                open_note = _note_spans(text, spans, notes, open_note)
            for a, b in notes:  # an annotation cut by a line break: neither a cell nor a row's label
                text = text[: max(a, 0)] + " " * (min(b, len(text)) - max(a, 0)) + text[min(b, len(text)) :]
            for m in _PIECE.finditer(text):
                start, end = m.span()
                glued = _GLUED_VALUE.match(m.group())
                if glued and not _inside(spans, start + glued.end(1)):  # "行政事业性收费5600": the space was lost
                    label_parts.append((start, start + glued.end(1)))
                    start += glued.end(1)
                piece = read_value(text[start:end])
                if piece is not None and piece.semantic == BLANK:  # only invisible characters: nothing there
                    continue
                if not _inside(spans, start) and piece is not None and piece.semantic in (NUMBER, ZERO, NOT_APPLICABLE):
                    if label_parts:
                        tokens += _label_tokens(text, label_parts, cell.lineage, i, spans)
                        label_parts = []
                    tokens.append(Token(None, piece, cell.lineage.shifted(start, end), i))
                else:
                    label_parts.append((start, end))
            if label_parts:
                tokens += _label_tokens(text, label_parts, cell.lineage, i, spans)
    return tokens


_OPEN, _CLOSE = "(（[【〔", ")）]】〕"
# An annotation inside a cell (spec Appendix B): '（其中修订 16 件）', '（含自然失效 29 件）'.
_NOTE_OPENER = re.compile(r"[(（]\s*(?:其中|含|包括)")


def _note_spans(text: str, spans: list[tuple[int, int]], notes: list[tuple[int, int]], open_note: bool) -> bool:
    """Put in `notes` the parts of `text` inside an annotation that a line break cut: its rest from an
    earlier line up to and with the bracket that closes it, and an opener here whose bracket closes on a
    later line (`spans` holds the brackets that close here). Returns whether one is still open at the end."""
    if open_note:
        close = min((text.find(c) for c in ")）" if c in text), default=-1)
        if close < 0:
            notes.append((0, len(text)))
            return True
        notes.append((0, close + 1))
    for m in _NOTE_OPENER.finditer(text):
        if not _inside(notes, m.start()) and not any(a == m.start() for a, _ in spans):
            notes.append((m.start(), len(text)))
            return True
    return False


def _bracketed(text: str) -> list[tuple[int, int]]:
    """Spans (open, close) of the brackets that close within `text`."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for pos, ch in enumerate(text):
        if ch in _OPEN:
            stack.append(pos)
        elif ch in _CLOSE and stack:
            spans.append((stack.pop(), pos))
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in spans)


def _label_tokens(
    text: str, parts: list[tuple[int, int]], lineage: Lineage, line: int, spans: list[tuple[int, int]]
) -> list[Token]:
    """Label text, with the numbers glued inside it (outside brackets) cut out as value tokens."""
    start, end = parts[0][0], parts[-1][1]
    out: list[Token] = []
    label_start = start
    for m in _EMBEDDED.finditer(text, start, end):
        if _inside(spans, m.start()) or _NOT_A_CELL_AFTER.match(text, m.end()):
            continue
        value_end = m.end()
        if _ENUMERATOR_AFTER.match(text, m.end()):
            value_end = m.end() - 1  # the last digit numbers the next row
            if re.search(r"[^0-9０-９]", text[m.start() : value_end]) or value_end <= m.start():
                continue
        # Invisible characters between two glued numbers (a zero-width space a web editor left) are no
        # label: they must not split a row's values into two runs.
        if m.start() > label_start and normalise_text(text[label_start : m.start()]).strip():
            label = normalise_text(text[label_start : m.start()])
            out.append(Token(label, None, lineage.shifted(label_start, m.start()), line))
        value = read_value(text[m.start() : value_end])
        if value is None:
            continue
        glued = value_end < end and not text[value_end].isspace()
        out.append(Token(None, value, lineage.shifted(m.start(), value_end), line, glued))
        label_start = value_end
    if normalise_text(text[label_start:end]).strip():
        out.append(Token(normalise_text(text[label_start:end]), None, lineage.shifted(label_start, end), line))
    return out


def fit(values: list[Token], width: int) -> list[Token]:
    """Drop blank grid cells at either end of a run that is wider than the row (padding cells)."""
    values = list(values)
    while len(values) > width and values[0].value is not None and values[0].value.semantic == BLANK:
        values.pop(0)
    while len(values) > width and values[-1].value is not None and values[-1].value.semantic == BLANK:
        values.pop()
    return values


@dataclass
class Run:
    """Label text followed by the values printed after it."""

    labels: list[Token]
    values: list[Token]

    @property
    def key(self) -> str:
        return label_key("".join(t.label or "" for t in self.labels))

    @property
    def blank_only(self) -> bool:
        return all(t.value is not None and t.value.semantic == BLANK for t in self.values)


def runs(tokens: list[Token]) -> list[Run]:
    out: list[Run] = []
    labels: list[Token] = []
    values: list[Token] = []
    for tok in tokens:
        if tok.value is None:
            if values:
                out.append(Run(labels, values))
                labels, values = [], []
            labels.append(tok)
        else:
            values.append(tok)
    if labels or values:
        out.append(Run(labels, values))
    return out


def values_before_labels(
    section_runs: list[Run], is_row_label: Callable[[str], bool], header_first: bool = True
) -> list[Run] | None:
    """Runs re-paired label-after-values when an extraction printed every row's numbers before its label
    (pdfminer without box flow: '6 0 0 0 0 0 6 一、本年新收…数量 0 0 0 0 0 0 0 二、上年结转…'). The mark: the
    first numbers follow only the header (no row label before them) and a row label ends the section with
    nothing after it. None when the section does not show both."""
    with_values = [i for i, r in enumerate(section_runs) if r.values]
    if not with_values or (header_first and is_row_label(section_runs[with_values[0]].key)):
        return None
    last = section_runs[-1]
    if last.values or not last.labels or not is_row_label(last.key):
        return None
    flipped = [Run(section_runs[0].labels, [])]
    flipped += [Run(after.labels, before.values) for before, after in itertools.pairwise(section_runs)]
    return flipped


def spread_over_lines(values: list[Token]) -> bool:
    """A row's values printed over several text lines, some line holding more than one: a layout dump
    that centres each cell vertically (pdftotext -layout) prints 总计 on the first line and the rest on
    the next, so the printed order is not the columns' order."""
    if any(t.lineage.col is not None for t in values):
        return False  # grid cells: each knows its column
    lines = [t.line for t in values]
    return len(set(lines)) > 1 and any(lines.count(n) > 1 for n in set(lines))


def describe(run: Run) -> str:
    label = "".join(t.label or "" for t in run.labels)[-40:]
    return f"{label!r}: " + " ".join(t.value.raw for t in run.values if t.value)


def glued_digits(tokens: list[Token]) -> bool:
    """Evidence that a table's cells were run together (a flattened crawl): a count printed with a
    leading zero ('01', '0000000'), which no cell prints, or digits glued to the label text after them.
    Only then may a digit run be cut into several cells."""
    for tok in tokens:
        digits = tok.digits
        if digits is not None and (tok.embedded or (len(digits) > 1 and digits.startswith("0"))):
            return True
    return False
