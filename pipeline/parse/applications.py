"""Section 三 (收到和处理政府信息公开申请情况): rows by label in template order, seven applicant columns.

Where a flattened crawl ran a row's cells together, the row is a digit run: it is cut into seven cells
where only one cut exists, or where the rules single one out, H2 in the row first and then H1 and H3
down the columns over every row still open. What no rule decides stays NULL with a parse issue.
"""

import itertools
import re
import statistics

from pipeline.catalogue import (
    ALL_APPLICATION_ROWS,
    APPLICANT_COLUMNS,
    TEMPLATE_2021,
    TEMPLATE_2021_23ROW,
    TEMPLATES,
    ApplicationRow,
)
from pipeline.document import Line
from pipeline.normalise import ABSENT, label_key
from pipeline.parse.arithmetic import COLUMNS, WIDTH, h2_holds
from pipeline.parse.cells import cut_cells, digit_pieces, token_cell, unreadable_cell
from pipeline.parse.digits import Group, segmentations, values_of
from pipeline.parse.joint_cuts import OpenRow, resolve_open_rows
from pipeline.parse.labels import EXACT, GROUP_CHARS, best_match
from pipeline.parse.model import (
    APPLICATIONS,
    SPLIT_BY_COUNT,
    ParsedCell,
    ParseIssue,
    Section,
)
from pipeline.parse.tokens import (
    Run,
    Token,
    describe,
    fit,
    glued_digits,
    runs,
    spread_over_lines,
    tokenize,
    values_before_labels,
)
from pipeline.parse.torn import read_flipped, read_in_order, torn_unless_verified

_ROW_CUTS = (Group(WIDTH, summed=True),)
# Words of the 三(六) sub-row labels: printed, they say 三(六) is split into three rows.
_SUB_ROW_MARKERS = (
    "逾期不补正",
    "逾期未按收费",
    "收费通知",
    "不再处理其政府信息公开申请",
    "不再受理其政府信息公开申请",
)


def _header_columns(header_key: str) -> list[str]:
    return [c.key for c in APPLICANT_COLUMNS if any(label_key(a) in header_key for a in (c.label, *c.aliases))]


def parse_applications(lines: list[Line], section: Section | None) -> tuple[list, list, str | None]:
    """Section 三. Returns cells, issues and the row layout (2021 or 2021-23row) seen in the labels."""
    issues: list[ParseIssue] = []
    found: dict[str, Run] = {}
    sequence: list[tuple[Run, ApplicationRow | None]] = []  # every run with values, in printed order
    header_key = ""
    glued = False
    section_key = ""
    if section is not None:
        section_key = label_key(section.text)
        tokens = tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1)
        glued = glued_digits(tokens)
        order = {r.key: i for i, r in enumerate(ALL_APPLICATION_ROWS)}
        last = -1
        section_runs = runs(tokens)
        # '其他' (三(六)3) also ends the applicant header ('…法律服务机构其他'): only long labels tell a row here.
        every_row = [(r, tuple(a for a in (r.label, *r.aliases) if len(a) >= 4)) for r in ALL_APPLICATION_ROWS]
        flipped = values_before_labels(section_runs, lambda key: best_match(key, every_row) is not None)
        if flipped is not None:
            section_runs = flipped
        # Which layout the labels print decides which rows can be matched: '（六）其他处理' followed by numbers
        # is the 23-row layout's single row, or, where the sub-rows are printed, a torn group label.
        if any(marker in section_key for marker in _SUB_ROW_MARKERS):
            rows = [r for r in ALL_APPLICATION_ROWS if r.key != "3.6"]
        elif "其他处理" in section_key:
            rows = [r for r in ALL_APPLICATION_ROWS if not r.key.startswith("3.6.")]
        else:
            rows = list(ALL_APPLICATION_ROWS)
        for run in section_runs:
            if not run.values:
                continue
            options = [(r, (r.label, *r.aliases)) for r in rows if r.key not in found]
            row = best_match(run.key, options, EXACT if run.blank_only else 1)
            if row is None and run.blank_only:
                continue  # the rest of a row split by a page break: its label tail over empty cells
            if row is None and sequence and _continues(sequence[-1], run):
                before, before_row = sequence[-1]
                merged = Run(before.labels + run.labels, before.values + run.values)
                sequence[-1] = (merged, before_row)
                found[before_row.key] = merged  # type: ignore[union-attr]
                continue
            sequence.append((run, row))
            if row is None:
                issues.append(ParseIssue(APPLICATIONS, None, "unmatched_values", describe(run)))
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
    if section is not None and not split and "3.6" not in found:  # none read with values: the labels tell
        split = any(marker in section_key for marker in _SUB_ROW_MARKERS)
        layout = TEMPLATE_2021 if split or "其他处理" not in section_key else TEMPLATE_2021_23ROW
    template = TEMPLATES[layout or TEMPLATE_2021]
    if "3.6" in found and split:
        issues.append(ParseIssue(APPLICATIONS, "3.6", "mixed_layout", "both 三(六) as one row and its sub-rows"))
    if section is not None and flipped is not None:
        return read_flipped(found, sequence, template, issues), issues, layout
    in_order = read_in_order(sequence, template, issues)
    if in_order is not None:
        return in_order, [i for i in issues if i.code != "unmatched_values"], layout

    # A text dump drops empty cells. If most rows print 7 values, a 6-value row has one blank cell
    # somewhere; if most print 6, the table itself lacks a column (seed 003).
    # Rows with a count printed with a leading zero ('00', '01') ran cells together: they say nothing
    # about the table's width.
    widths = [
        len(fit(r.values, WIDTH))
        for r in found.values()
        if not any((d := t.digits) and len(d) > 1 and d.startswith("0") for t in r.values)
    ]
    # ... but only if no row prints seven: rows of seven beside rows of six are blanks in some rows (a
    # 总计 left blank on the result rows), where which cell is blank cannot be known.
    table_lacks_column = widths.count(6) * 2 > len(widths) and widths.count(7) == 0
    header_cols = _header_columns(header_key)
    missing_col = None
    if len(header_cols) == 6:  # the header names the six columns the table has
        missing_col = next(c.key for c in APPLICANT_COLUMNS if c.key not in header_cols)
    elif table_lacks_column and _lacks_other(found):
        missing_col = "other"
    cells: dict[str, list[ParsedCell]] = {}
    open_rows: list[OpenRow] = []
    columns = _layout_columns(list(found.values()), lines)
    # A run with fewer digits than cells ('0000' for seven) shows the page drops blank cells: then no run
    # can be trusted to hold seven cells ('350002964' cuts by H2 as 3 50 0 0 2 9 64 when it was 35 0 0 0 ·
    # 29 64), and none is cut.
    short = [
        r.code
        for r in template.application_rows
        if (run := found.get(r.key)) is not None
        and (p := digit_pieces(fit(run.values, WIDTH))) is not None
        and len(fit(run.values, WIDTH)) < WIDTH
        and len("".join(p)) < WIDTH
    ]
    for row in template.application_rows:
        run = found.get(row.key)
        if run is None:
            issues.append(ParseIssue(APPLICATIONS, row.key, "row_missing", f"no row {row.code} {row.label}"))
            cells[row.key] = [ParsedCell(APPLICATIONS, row.key, c, None, ABSENT) for c in COLUMNS]
            continue
        values = fit(run.values, WIDTH)
        pieces = digit_pieces(values)
        # Cells run together: the section shows it (glued digits, leading zeros), or one token holds a row.
        if len(values) < WIDTH and pieces is not None and (glued or len(values) == 1) and not table_lacks_column:
            if short:
                detail = (
                    f"{row.code}: '{' '.join(pieces)}' not cut: the table drops blank cells (row "
                    f"{', '.join(short[:3])} has fewer digits than cells), so a run need not hold seven"
                )
                issues.append(ParseIssue(APPLICATIONS, row.key, "ambiguous_segmentation", detail))
                cells[row.key] = [unreadable_cell(APPLICATIONS, row.key, c, values) for c in COLUMNS]
                continue
            plain = segmentations(pieces, (Group(WIDTH),), limit=1)
            if len(plain) == 1 and h2_holds(values_of(pieces, plain[0])):
                cells[row.key] = cut_cells(APPLICATIONS, row.key, COLUMNS, values, plain[0], SPLIT_BY_COUNT)
            elif len(plain) == 1:
                # One digit a cell, yet 总计 is not the sum: a blank cell the crawl dropped (its digits then
                # belong elsewhere), or a misprint. Either way the cells are not known.
                run = " ".join(pieces)
                detail = f"{row.code}: '{run}' cut one digit a cell breaks H2; a blank cell may have vanished"
                issues.append(ParseIssue(APPLICATIONS, row.key, "ambiguous_segmentation", detail))
                cells[row.key] = [unreadable_cell(APPLICATIONS, row.key, c, values) for c in COLUMNS]
            else:
                open_rows.append(OpenRow(row, values, pieces, segmentations(pieces, _ROW_CUTS)))
            continue
        placed = None
        if len(values) == WIDTH and spread_over_lines(values) and columns is not None:
            placed = _by_column(values, lines, columns)  # the layout's columns give the order
        missing = missing_col if table_lacks_column else None
        cells[row.key] = _application_row(
            row, placed or values, missing, issues, ordered=placed is not None, lacks_column=table_lacks_column
        )
    resolve_open_rows(open_rows, cells, template, issues)
    out = [c for row in template.application_rows for c in cells[row.key]]
    torn = [
        r.code for r in template.application_rows if (run := found.get(r.key)) and len(fit(run.values, WIDTH)) > WIDTH
    ]
    if section is not None and (torn or _merged_pipe_cells(lines[section.first_line + 1 : section.end_line])):
        out = torn_unless_verified(out, template, torn, issues)
    return out, issues, layout


_PIPE_CELL_VALUES = re.compile(r"(?:^|\s)(?:[0-9０-９]+|[/／—－-])(?=\s|$)")


def _merged_pipe_cells(lines: list[Line]) -> bool:
    """A markdown table whose cells hold two values each ('| / １ | / / |'): a converter merged columns,
    and rows' values moved with them."""
    return any(
        not line.grid and len(line.cells) > 1 and any(len(_PIPE_CELL_VALUES.findall(c.text)) > 1 for c in line.cells)
        for line in lines
    )


def _lacks_other(found: dict[str, Run]) -> bool:
    """Six values a row under a header naming seven: the table drops 其他 (seed 003, the usual variant) when,
    read so, 总计 is the sum of the others in every six-value row. A blank 总计 column (its six values the
    applicants) does not add up so unless every row is zero."""
    rows = [[t.value.value for t in fit(r.values, WIDTH) if t.value] for r in found.values()]
    # A blank or '/' among the applicants counts nothing; a row with a blank 总计 says nothing.
    six = [r for r in rows if len(r) == WIDTH - 1 and r[-1] is not None]
    return bool(six) and all(sum(v or 0 for v in r[:-1]) == r[-1] for r in six)


def _continues(previous: tuple[Run, ApplicationRow | None], run: Run) -> bool:
    """An unlabelled run that completes the row before it: its label wrapped onto a second line and took
    the rest of the row's numbers with it ('1.申请人无正当理由逾期不补正、 0' / '行政机关不再处理其政府信息公开
    0 0 0 0 0 0'). Its text must be a piece of that row's label (group-label debris aside)."""
    before, row = previous
    if row is None or len(before.values) + len(run.values) not in (WIDTH - 1, WIDTH):  # a table may lack a column
        return False
    piece = "".join(ch for ch in run.key if ch not in GROUP_CHARS)
    label = "".join(ch for ch in label_key(row.label) if ch not in GROUP_CHARS)
    return len(piece) >= 2 and piece in label


def _column(tok: Token, lines: list[Line]) -> float | None:
    """The column a layout dump printed a token at (the middle of its characters), for text dumps."""
    offset = lines[tok.line].offset if 0 <= tok.line < len(lines) else None
    if offset is None or tok.lineage.char_start is None or tok.lineage.char_end is None:
        return None
    return (tok.lineage.char_start + tok.lineage.char_end) / 2 - offset


def _layout_columns(found: list[Run], lines: list[Line]) -> tuple[list[float], float] | None:
    """Where a layout dump (pdftotext -layout) prints the seven applicant columns: the median column of
    each value over the rows printed whole on one line, with how far a value may sit from it. None
    unless at least three rows agree and the columns stand apart in order."""
    samples = []
    for run in found:
        values = fit(run.values, WIDTH)
        if len(values) == WIDTH and len({t.line for t in values}) == 1:
            cols = [_column(t, lines) for t in values]
            if None not in cols:
                samples.append(cols)
    if len(samples) < 3:
        return None
    centres = [statistics.median(c[i] for c in samples) for i in range(WIDTH)]  # type: ignore[misc]
    gaps = [b - a for a, b in itertools.pairwise(centres)]
    if min(gaps) < 2:
        return None
    tolerance = min(gaps) / 2
    agreeing = [c for c in samples if all(abs(c[i] - centres[i]) < tolerance for i in range(WIDTH))]  # type: ignore[operator]
    return (centres, tolerance) if len(agreeing) >= 3 else None


def _by_column(values: list[Token], lines: list[Line], columns: tuple[list[float], float]) -> list[Token] | None:
    """A row's values put in column order by where the layout printed them, when each sits within reach
    of a different column. None otherwise."""
    centres, tolerance = columns
    placed: dict[int, Token] = {}
    for tok in values:
        col = _column(tok, lines)
        if col is None:
            return None
        nearest = min(range(WIDTH), key=lambda i: abs(centres[i] - col))
        if abs(centres[nearest] - col) >= tolerance or nearest in placed:
            return None
        placed[nearest] = tok
    return [placed[i] for i in range(WIDTH)]


def _application_row(
    row: ApplicationRow,
    values: list[Token],
    missing_col: str | None,
    issues: list[ParseIssue],
    ordered: bool = False,
    lacks_column: bool = False,
) -> list[ParsedCell]:
    """One row's cells from its values; `ordered` when the values were put in column order by where a
    layout dump printed them."""
    n = len(values)
    if n == WIDTH and not ordered and spread_over_lines(values):
        nums = [t.value.value if t.value else None for t in values]
        if len(set(nums)) > 1 and (None in nums or sum(nums[:-1]) != nums[-1]):  # type: ignore[arg-type]
            lines = dict.fromkeys(t.line for t in values)
            raw = " | ".join(" ".join(t.value.raw for t in values if t.value and t.line == n) for n in lines)
            detail = (
                f"{row.code}: the values stand on several lines ({raw}); in that order 总计 is not the sum "
                "(H2), so the order is not the columns'"
            )
            issues.append(ParseIssue(APPLICATIONS, row.key, "unaligned_rows", detail))
            return [unreadable_cell(APPLICATIONS, row.key, c, values) for c in COLUMNS]
    if n == WIDTH:
        return [token_cell(APPLICATIONS, row.key, c, t) for c, t in zip(COLUMNS, values, strict=True)]
    if n == WIDTH - 1 and missing_col is None:
        # One cell of a 7-column table left blank and dropped by the text dump: a blank 总计 always fits,
        # and so does almost any other position, so where the blank was cannot be known. So too when
        # every row has six values under a header naming seven (a whole column printed blank).
        raw = " ".join(t.value.raw for t in values if t.value)
        where = "a column printed blank" if lacks_column else "a 7-column table"
        detail = f"{row.code}: 6 values ({raw}) in {where}; which cell is blank cannot be known"
        issues.append(ParseIssue(APPLICATIONS, row.key, "ambiguous_row", detail))
        return [unreadable_cell(APPLICATIONS, row.key, c, values) for c in COLUMNS]
    if n == WIDTH - 1 and missing_col is not None:
        present = [c for c in COLUMNS if c != missing_col]
        issues.append(
            ParseIssue(
                APPLICATIONS,
                row.key,
                "column_missing",
                f"{row.code}: 6 values under a 7-column header; read as {missing_col} absent (NULL)",
            )
        )
        out = [token_cell(APPLICATIONS, row.key, c, t) for c, t in zip(present, values, strict=True)]
        return [*out, ParsedCell(APPLICATIONS, row.key, missing_col, None, ABSENT)]
    raw = " ".join(t.value.raw for t in values if t.value)
    issues.append(
        ParseIssue(APPLICATIONS, row.key, "value_count", f"{row.code}: {n} values for {WIDTH} columns: {raw}")
    )
    return [unreadable_cell(APPLICATIONS, row.key, c, values) for c in COLUMNS]
