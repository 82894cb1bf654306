"""The template parser: one `Document` in, every cell of sections 二, 三 and 四 out.

Sections are found by title, rows by label and columns by canonical position; where more than one
reading is possible the arithmetic rules choose, and what cannot be read unambiguously is recorded as
a parse issue with the cell left NULL (never guessed, never coerced to 0).
"""

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import TypeVar

from pipeline import agency as agency_metadata
from pipeline import narrative
from pipeline.catalogue import (
    ALL_APPLICATION_ROWS,
    APPLICANT_COLUMNS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    SECTION_TITLES,
    TEMPLATE_2019,
    TEMPLATE_2021,
    TEMPLATE_2021_23ROW,
    TEMPLATES,
    ApplicationRow,
    ProactiveItem,
    Template,
)
from pipeline.document import Cell, Document, Line, Lineage
from pipeline.narrative import NarrativeFigure
from pipeline.normalise import (
    ABSENT,
    BLANK,
    INVISIBLE_CHARS,
    NOT_APPLICABLE,
    NUMBER,
    UNIT_PATTERN,
    UNREADABLE,
    ZERO,
    Value,
    edit_distance,
    is_traditional,
    label_key,
    normalise_text,
    read_value,
    to_simplified,
)

T = TypeVar("T")

PROACTIVE = "proactive"
APPLICATIONS = "applications"
REVIEW_LITIGATION = "review_litigation"


@dataclass(frozen=True)
class ParsedCell:
    table: str
    row_key: str
    col_key: str
    value: float | None
    semantic: str
    raw: str | None = None
    lineage: Lineage | None = None
    note: str | None = None
    decimals: int = 0
    # A value resolved by the rules rather than read as printed: the printed reading stays beside it.
    repaired: bool = False
    printed_value: float | None = None


@dataclass(frozen=True)
class ParseIssue:
    table: str | None
    row_key: str | None
    code: str
    detail: str


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    first_line: int  # index of the title line
    end_line: int  # exclusive
    text: str


@dataclass
class ParsedReport:
    agency: str | None
    year: int | None
    title: str | None
    template: str | None
    sections: dict[int, Section]
    cells: list[ParsedCell] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    figures: list[NarrativeFigure] = field(default_factory=list)
    stated_parts: int | None = None  # "本报告共五个部分" (S12)
    period_year: int | None = None  # "统计期限自2022年1月1日" (C4)
    published_on: date | None = None  # a publication date the page states (C5)
    # Kind, level, region and division code of the agency (pipeline/agency.py).
    agency_info: agency_metadata.AgencyInfo | None = None

    @property
    def readable(self) -> bool:
        return any(n in self.sections for n in (2, 3, 4))


# ---------------------------------------------------------------------------------------------------
# Tokens: every cell becomes label text or values; space-separated runs of numbers are split apart.


@dataclass(frozen=True)
class Token:
    label: str | None  # label text (normalised), None for a value
    value: Value | None
    lineage: Lineage
    line: int


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


def tokenize(lines: list[Line], start: int = 0) -> list[Token]:
    tokens: list[Token] = []
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
            depth = 0  # open brackets: "（单位：万元，保留 4 位小数）" holds a number that is label text
            for m in _PIECE.finditer(text):
                start, end = m.span()
                glued = _GLUED_VALUE.match(m.group())
                if glued:  # "行政事业性收费5600": a text layer lost the space; a bracket may close before it
                    head = normalise_text(glued.group(1))
                    glued = glued if depth + head.count("(") - head.count(")") <= 0 else None
                if glued:
                    label_parts.append((start, start + glued.end(1)))
                    start += glued.end(1)
                    depth = 0
                piece = read_value(text[start:end])
                if piece is not None and piece.semantic == BLANK:  # only invisible characters: nothing there
                    continue
                if depth == 0 and piece is not None and piece.semantic in (NUMBER, ZERO, NOT_APPLICABLE):
                    if label_parts:
                        tokens.append(_label_token(text, label_parts, cell.lineage, i))
                        label_parts = []
                    tokens.append(Token(None, piece, cell.lineage.shifted(start, end), i))
                else:
                    label_parts.append((start, end))
                    piece_text = normalise_text(text[start:end])
                    depth = max(0, depth + piece_text.count("(") - piece_text.count(")"))
            if label_parts:
                tokens.append(_label_token(text, label_parts, cell.lineage, i))
    return tokens


def fit(values: list[Token], width: int) -> list[Token]:
    """Drop blank grid cells at either end of a run that is wider than the row (padding cells)."""
    values = list(values)
    while len(values) > width and values[0].value is not None and values[0].value.semantic == BLANK:
        values.pop(0)
    while len(values) > width and values[-1].value is not None and values[-1].value.semantic == BLANK:
        values.pop()
    return values


def _label_token(text: str, parts: list[tuple[int, int]], lineage: Lineage, line: int) -> Token:
    start, end = parts[0][0], parts[-1][1]
    return Token(normalise_text(text[start:end]), None, lineage.shifted(start, end), line)


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


# ---------------------------------------------------------------------------------------------------
# Sections


_ENUMERATOR = re.compile(r"^(第?[一二三四五六七八九十]{1,2}|[1-9])(部分)?")
_TITLE_KEYS = {n: tuple(label_key(t) for t in titles) for n, titles in SECTION_TITLES.items()}
_TITLE_SUFFIXES = ("统计表", "表", "")


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


def find_sections(doc: Document) -> dict[int, Section]:
    hits: dict[int, int] = {}
    for i, line in enumerate(doc.lines):
        number = section_of(line.text)
        if number is not None and number not in hits:
            hits[number] = i
    starts = sorted(hits.values())
    sections = {}
    if starts and starts[0] > 0:  # the preamble: title, legal basis, statistics period, contact
        text = "\n".join(line.text for line in doc.lines[: starts[0]])
        sections[0] = Section(0, "前言", 0, starts[0], text)
    for number, first in hits.items():
        later = [s for s in starts if s > first]
        end = later[0] if later else len(doc.lines)
        text = "\n".join(line.text for line in doc.lines[first + 1 : end])
        sections[number] = Section(number, normalise_text(doc.lines[first].text), first, end, text)
    return sections


# ---------------------------------------------------------------------------------------------------
# Title: agency and statistics year


_TITLE = re.compile(
    r"(?P<pre>[\u4e00-\u9fff（）()·]{0,40}?)(?P<year>(?:19|20)\d{2})年度?"
    r"(?P<mid>[\u4e00-\u9fff（）()·]{0,40}?)政府信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)
_HEADING_PREFIX = re.compile(r"^.*?(总体情况|年度报告)")
_PERIOD = re.compile(r"统计期限自((?:19|20)\d{2})年1月1日")


def read_title(doc: Document, sections: dict[int, Section]) -> tuple[str | None, int | None, str | None]:
    candidates: list[str] = []
    if doc.title:
        candidates.append(doc.title)
    head = [re.sub(r"\s+", "", normalise_text(line.text)) for line in doc.lines[:40]]
    candidates += head
    candidates += [a + b for a, b in itertools.pairwise(head)]
    for text in candidates:
        m = _TITLE.search(text)
        if not m:
            continue
        agency = (m["pre"] or m["mid"]).strip("·")
        if agency.count("(") != agency.count(")"):  # a bracket cut off by the match, not part of the name
            agency = agency.strip("()")
        agency = _HEADING_PREFIX.sub("", agency) or agency
        if len(agency) >= 2:
            return agency, int(m["year"]), m.group(0)
    whole = "\n".join(line.text for line in doc.lines[:80])
    period = _PERIOD.search(re.sub(r"\s+", "", normalise_text(whole)))
    return None, int(period[1]) if period else None, None


# ---------------------------------------------------------------------------------------------------
# Label matching


EXACT = 3


TRUNCATED = 2
TYPO = 1


@cache
def _alias_key(alias: str) -> str:
    return label_key(alias)


def label_score(key: str, alias: str, allow_typos: bool = True) -> tuple[int, int] | None:
    """How well the end of a label buffer matches one label: exact suffix, a label cut short (its
    rest continues after the values, as across a page break), or one edit away (typos)."""
    a = _alias_key(alias)
    if not a or not key:
        return None
    if key.endswith(a):
        return (EXACT, len(a))
    shortest = max(4, int(len(a) * 0.6))
    for k in range(len(a) - 1, shortest - 1, -1):
        if key.endswith(a[:k]):
            return (TRUNCATED, k)
    if allow_typos and len(a) >= 5:
        for width in (len(a) - 1, len(a), len(a) + 1):
            if len(key) >= width and edit_distance(key[-width:], a) <= 1:
                return (TYPO, len(a))
        for k in range(len(a) - 1, shortest - 1, -1):  # cut short and misread: one substituted character
            if len(key) >= k and sum(x != y for x, y in zip(key[-k:], a[:k], strict=True)) <= 1:
                return (TYPO, k)
    return None


def best_match(key: str, options: list[tuple[T, tuple[str, ...]]], min_quality: int = TYPO) -> T | None:
    """The option whose label best matches the end of `key`. Typos (edit distance) are only tried
    when no label matches exactly or cut short: they are rare and the distance is the costly part."""
    for allow_typos in (False, True):
        best: tuple[tuple[int, int], T] | None = None
        for item, aliases in options:
            for alias in aliases:
                score = label_score(key, alias, allow_typos)
                if score and score[0] >= min_quality and (best is None or score > best[0]):
                    best = (score, item)
        if best is not None or min_quality > TYPO:
            return best[1] if best else None
    return None


# ---------------------------------------------------------------------------------------------------
# Section 二


def detect_proactive_template(section: Section | None) -> str:
    key = label_key(section.text) if section else ""
    return TEMPLATE_2019 if ("本年新制作数量" in key or "上一年项目数量" in key) else TEMPLATE_2021


def parse_proactive(lines: list[Line], section: Section | None, template: Template) -> tuple[list, list]:
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    found: dict[str, list[Token]] = {}
    if section is not None:
        for run in runs(tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1)):
            if not run.values:
                continue
            options = [(p, (p.label, *p.aliases)) for p in template.proactive if p.key not in found]
            item = best_match(run.key, options, EXACT if run.blank_only else 1)
            if item is None and run.blank_only:
                continue
            if item is None:
                issues.append(ParseIssue(PROACTIVE, None, "unmatched_values", _describe(run)))
                continue
            found[item.key] = fit(run.values, len(item.columns))
    for item in template.proactive:
        values = found.get(item.key)
        if values is None:
            issues.append(ParseIssue(PROACTIVE, item.key, "row_missing", f"no values found for {item.label}"))
            cells += [ParsedCell(PROACTIVE, item.key, c, None, ABSENT) for c in item.columns]
        elif len(values) != len(item.columns):
            issues.append(
                ParseIssue(
                    PROACTIVE,
                    item.key,
                    "value_count",
                    f"{item.label}: {len(values)} values for {len(item.columns)} columns: "
                    + " ".join(v.value.raw for v in values if v.value),
                )
            )
            cells += [_unreadable(PROACTIVE, item.key, c, values) for c in item.columns]
        else:
            cells += [_cell(PROACTIVE, item.key, c, tok) for c, tok in zip(item.columns, values, strict=True)]
    return cells, issues


def _cell(table: str, row: str, col: str, tok: Token) -> ParsedCell:
    v = tok.value
    assert v is not None
    return ParsedCell(table, row, col, v.value, v.semantic, v.raw, tok.lineage, v.note, v.decimals)


def _unreadable(table: str, row: str, col: str, values: list[Token]) -> ParsedCell:
    raw = " ".join(t.value.raw for t in values if t.value)
    return ParsedCell(table, row, col, None, UNREADABLE, raw, values[0].lineage if values else None)


def _describe(run: Run) -> str:
    label = "".join(t.label or "" for t in run.labels)[-40:]
    return f"{label!r}: " + " ".join(t.value.raw for t in run.values if t.value)


# ---------------------------------------------------------------------------------------------------
# Section 三


def _header_columns(header_key: str) -> list[str]:
    return [c.key for c in APPLICANT_COLUMNS if any(label_key(a) in header_key for a in (c.label, *c.aliases))]


def _split_concatenated(digits: str, width: int) -> list[list[int]]:
    """Every way to cut a run of digits into `width` numbers whose last equals the sum of the rest
    (H2). Crawled page text sometimes loses the separators: '21710000218' is 217 1 0 0 0 0 218."""
    found = []
    for cuts in itertools.combinations(range(1, len(digits)), width - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)), strict=True)]
        if any(len(p) > 1 and p.startswith("0") for p in parts):
            continue
        nums = [int(p) for p in parts]
        if sum(nums[:-1]) == nums[-1]:
            found.append(nums)
    return found


def parse_applications(lines: list[Line], section: Section | None) -> tuple[list, list, str | None]:
    """Section 三. Returns cells, issues and the row layout (2021 or 2021-23row) seen in the labels."""
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    found: dict[str, Run] = {}
    header_key = ""
    if section is not None:
        all_runs = runs(tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1))
        order = {r.key: i for i, r in enumerate(ALL_APPLICATION_ROWS)}
        last = -1
        for run in all_runs:
            if not run.values:
                continue
            options = [(r, (r.label, *r.aliases)) for r in ALL_APPLICATION_ROWS if r.key not in found]
            row = best_match(run.key, options, EXACT if run.blank_only else 1)
            if row is None and run.blank_only:
                continue  # the rest of a row split by a page break: its label tail over empty cells
            if row is None:
                issues.append(ParseIssue(APPLICATIONS, None, "unmatched_values", _describe(run)))
                continue
            if not found:
                header_key = run.key
            if order[row.key] < last:
                issues.append(
                    ParseIssue(APPLICATIONS, row.key, "row_out_of_order", f"{row.code} {row.label} after a later row")
                )
            last = order[row.key]
            found[row.key] = run
    split = any(k.startswith("3.6.") for k in found)
    layout = TEMPLATE_2021_23ROW if "3.6" in found and not split else TEMPLATE_2021 if found else None
    template = TEMPLATES[layout or TEMPLATE_2021]
    if "3.6" in found and split:
        issues.append(ParseIssue(APPLICATIONS, "3.6", "mixed_layout", "both 三(六) as one row and its sub-rows"))

    # A text dump drops empty cells. If most rows print 7 values, a 6-value row has one blank cell
    # somewhere; if most print 6, the table itself lacks a column (seed 003).
    widths = [len(fit(r.values, 7)) for r in found.values()]
    table_lacks_column = widths.count(6) > widths.count(7)
    header_cols = _header_columns(header_key)
    missing_col = "other"
    if len(header_cols) == 6:
        missing_col = next(c.key for c in APPLICANT_COLUMNS if c.key not in header_cols)
    columns = [c.key for c in APPLICANT_COLUMNS]
    for row in template.application_rows:
        run = found.get(row.key)
        if run is None:
            issues.append(ParseIssue(APPLICATIONS, row.key, "row_missing", f"no row {row.code} {row.label}"))
            cells += [ParsedCell(APPLICATIONS, row.key, c, None, ABSENT) for c in columns]
            continue
        values = fit(run.values, len(columns))
        cells += _application_row(row, values, columns, missing_col if table_lacks_column else None, issues)
    return cells, issues, layout


def _application_row(
    row: ApplicationRow, values: list[Token], columns: list[str], missing_col: str | None, issues: list[ParseIssue]
) -> list[ParsedCell]:
    n = len(values)
    if n == len(columns):
        return [_cell(APPLICATIONS, row.key, c, t) for c, t in zip(columns, values, strict=True)]
    if n == len(columns) - 1 and missing_col is None:
        # One cell of a 7-column table left blank and dropped by the text dump: a blank 总计 always fits,
        # and so does almost any other position, so where the blank was cannot be known.
        raw = " ".join(t.value.raw for t in values if t.value)
        detail = f"{row.code}: 6 values ({raw}) in a 7-column table; which cell is blank cannot be known"
        issues.append(ParseIssue(APPLICATIONS, row.key, "ambiguous_row", detail))
        return [_unreadable(APPLICATIONS, row.key, c, values) for c in columns]
    if n == len(columns) - 1 and missing_col is not None:
        present = [c for c in columns if c != missing_col]
        issues.append(
            ParseIssue(
                APPLICATIONS,
                row.key,
                "column_missing",
                f"{row.code}: 6 values under a 7-column header; read as {missing_col} absent (NULL)",
            )
        )
        out = [_cell(APPLICATIONS, row.key, c, t) for c, t in zip(present, values, strict=True)]
        return [*out, ParsedCell(APPLICATIONS, row.key, missing_col, None, ABSENT)]
    if n == 1 and values[0].value and values[0].value.semantic in (NUMBER, ZERO):
        digits = re.sub(r"\D", "", normalise_text(values[0].value.raw))
        splits = _split_concatenated(digits, len(columns)) if len(digits) > len(columns) - 1 else []
        if len(splits) == 1:
            issues.append(
                ParseIssue(APPLICATIONS, row.key, "split_by_rule", f"{row.code}: {digits} split as {splits[0]}")
            )
            tok = values[0]
            return [
                ParsedCell(
                    APPLICATIONS, row.key, c, float(v), ZERO if v == 0 else NUMBER, tok.value.raw, tok.lineage,
                    repaired=True,
                )
                for c, v in zip(columns, splits[0], strict=True)
            ]  # fmt: skip
        detail = f"{row.code}: '{digits}' has {len(splits)} splits that satisfy the row total"
        issues.append(ParseIssue(APPLICATIONS, row.key, "ambiguous_row", detail))
        return [_unreadable(APPLICATIONS, row.key, c, values) for c in columns]
    raw = " ".join(t.value.raw for t in values if t.value)
    issues.append(
        ParseIssue(APPLICATIONS, row.key, "value_count", f"{row.code}: {n} values for {len(columns)} columns: {raw}")
    )
    return [_unreadable(APPLICATIONS, row.key, c, values) for c in columns]


# ---------------------------------------------------------------------------------------------------
# Section 四


def _h4_holds(nums: list[float | None]) -> bool:
    for b in range(3):
        block = nums[b * 5 : b * 5 + 5]
        if any(v is None for v in block) or sum(block[:4]) != block[4]:  # type: ignore[arg-type]
            return False
    return True


def parse_review(lines: list[Line], section: Section | None) -> tuple[list, list]:
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    width = len(REVIEW_BLOCKS) * len(REVIEW_COLUMNS)
    keys = [(b.key, c.key) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS]
    values: list[Token] = []
    header_key = ""
    if section is not None:
        section_runs = runs(tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1))
        long_runs = [r for r in section_runs if len(r.values) >= width]
        chosen = long_runs[0] if long_runs else None
        if chosen is None:
            all_values = [t for r in section_runs for t in r.values]
            if len(all_values) == width:
                chosen = Run([t for r in section_runs for t in r.labels], all_values)
        if chosen is not None:
            values = chosen.values
            header_key = label_key("".join(t.label or "" for r in section_runs for t in r.labels))
    if not values:
        issues.append(ParseIssue(REVIEW_LITIGATION, None, "row_missing", f"no run of {width} values in section 四"))
        return [ParsedCell(REVIEW_LITIGATION, b, c, None, ABSENT) for b, c in keys], issues

    reading: list[Token | None] = list(values[:width])
    nums = [t.value.value if t and t.value else None for t in reading]
    if len(values) > width:
        extra = " ".join(t.value.raw for t in values[width:] if t.value)
        issues.append(ParseIssue(REVIEW_LITIGATION, None, "extra_values", f"{len(values) - width} extra: {extra}"))
    if not _h4_holds(nums):
        # A merged header cell ("结果" over 维持 and 纠正) leaves one value fewer in that block. Only
        # when the header shows the merge, insert the missing cell where the rules then hold.
        merged = header_key.count("维持") < len(REVIEW_BLOCKS) and header_key.count("纠正") < len(REVIEW_BLOCKS)
        trailing_zero = len(values) == width and nums[-1] == 0
        if merged and trailing_zero:
            for b in range(len(REVIEW_BLOCKS)):
                pos = b * len(REVIEW_COLUMNS) + 1  # the 纠正 cell of block b, absorbed by the merge
                candidate = [*reading[:pos], None, *reading[pos : width - 1]]
                cand_nums = [t.value.value if t and t.value else 0.0 for t in candidate]
                if _h4_holds(cand_nums):
                    block = REVIEW_BLOCKS[b]
                    issues.append(
                        ParseIssue(
                            REVIEW_LITIGATION,
                            block.key,
                            "merged_header",
                            f"{block.label}: header merges 结果维持/结果纠正 into one cell; the merged value is "
                            "read as 维持 and 纠正 as 0 (the only reading where every 总计 adds up); "
                            "the printed split is unknown",
                        )
                    )
                    cells = []
                    for (bk, ck), tok, printed in zip(keys, candidate, nums, strict=True):
                        cell = (
                            ParsedCell(REVIEW_LITIGATION, bk, ck, 0.0, ZERO, None, None, "inferred")
                            if tok is None
                            else _cell(REVIEW_LITIGATION, bk, ck, tok)
                        )
                        if cell.value != printed or tok is None:
                            cell = replace(cell, repaired=True, printed_value=printed)
                        cells.append(cell)
                    return cells, issues
    return [_cell(REVIEW_LITIGATION, b, c, t) for (b, c), t in zip(keys, reading, strict=True)], issues


# ---------------------------------------------------------------------------------------------------


def simplified(doc: Document) -> Document:
    """The document in simplified characters when it is written in traditional ones."""
    sample = "".join(line.text for line in doc.lines[:400])
    if not is_traditional(sample):
        return doc
    lines = [Line([Cell(to_simplified(c.text), c.lineage) for c in line.cells], line.grid) for line in doc.lines]
    title = to_simplified(doc.title) if doc.title else None
    return Document(doc.format, lines, title, {**doc.meta, "converted": "traditional to simplified"}, doc.pages)


def parse_document(doc: Document) -> ParsedReport:
    doc = simplified(doc)
    sections = find_sections(doc)
    agency, year, title = read_title(doc, sections)
    report = ParsedReport(agency, year, title, None, sections)
    if not report.readable:
        return report
    for number in (1, 2, 3, 4, 5, 6):
        if number not in sections:
            report.issues.append(ParseIssue(None, None, "section_missing", f"no title found for section {number}"))
    proactive_template = detect_proactive_template(sections.get(2))
    app_cells, app_issues, layout = parse_applications(doc.lines, sections.get(3))
    template = TEMPLATE_2019 if proactive_template == TEMPLATE_2019 else (layout or TEMPLATE_2021)
    pro_cells, pro_issues = parse_proactive(doc.lines, sections.get(2), TEMPLATES[template])
    rev_cells, rev_issues = parse_review(doc.lines, sections.get(4))
    report.template = template
    report.cells = pro_cells + app_cells + rev_cells
    report.issues += pro_issues + app_issues + rev_issues
    report.figures = narrative.report_figures({n: sec.text for n, sec in sections.items()})
    head = "\n".join(sections[n].text for n in (0, 1) if n in sections) or whole_text(doc, 80)
    report.stated_parts = narrative.stated_parts(head)
    report.period_year = narrative.period_year(head)
    report.published_on = publication_date(doc)
    # Context for the agency's region: the title and preamble (or the overview's opening, where there is
    # no preamble); the body names other places too (平潭's overview mentions 台湾).
    opening = sections[0].text if 0 in sections else sections[1].text[:300] if 1 in sections else whole_text(doc, 20)
    report.agency_info = agency_metadata.resolve(agency, "\n".join(filter(None, (title, opening))))
    report.issues += [ParseIssue("reports", "agency", code, detail) for code, detail in report.agency_info.issues]
    return report


def whole_text(doc: Document, lines: int | None = None) -> str:
    return "\n".join(line.text for line in doc.lines[:lines])


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_PUBLISHED = re.compile(
    r"(?:发布|公开|成文|印发)(?:日期|时间)\s*[:：]?\s*((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)


def publication_date(doc: Document) -> date | None:
    """The publication date a page states in its metadata or in a 发布日期 line near the top."""
    candidates = [doc.meta.get("published", "")]
    published = _PUBLISHED.search(normalise_text(whole_text(doc, 60)))
    if published:
        candidates.append(published[1])
    for text in candidates:
        m = _DATE.search(text or "")
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
    return None


def template_of(report: ParsedReport) -> Template:
    return TEMPLATES[report.template or TEMPLATE_2021]


__all__ = ["ProactiveItem", "parse_document", "template_of"]
