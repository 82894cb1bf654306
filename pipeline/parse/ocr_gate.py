"""Cells read by OCR are kept only where the rules confirm their digits.

OCR reads a table cell twice (the page-wide pass and the cell alone, `pipeline/read/ocr.py`); the two may
differ (6 and 9 trade places either way, a lone 0 goes missing). Section 三 is confirmed as a whole table
that adds up (H2 in every row, H3 and H1 down every column) and each section-四 block by H4, choosing
among the readings where exactly one choice makes everything add up. Where no choice, or more than one,
does (a report may print totals that do not add up), only the cells both passes read alike stand, as
printed; section 二, with no rule, keeps those and the cells read once all but surely. Every other OCR'd
figure is NULL with an `ocr_unconfirmed` issue: a digit read two ways never lands unless the rules choose.

Measured on scans of the seeds and the real PDF (2,000+ figure cells): no cell read alike twice was
wrong; a single pass is (9 for 6 at confidence 0.99)."""

from collections.abc import Iterator
from dataclasses import replace
from itertools import product

from pipeline.catalogue import Template
from pipeline.normalise import ABSENT, BLANK, NOT_APPLICABLE, NUMBER, UNREADABLE, ZERO, read_value
from pipeline.parse.arithmetic import table_adds_up
from pipeline.parse.model import (
    APPLICATIONS,
    OCR_READING_BY_RULE,
    PROACTIVE,
    REVIEW_LITIGATION,
    ParsedCell,
    ParseIssue,
)

# Section 二 cells read by OCR once (the two passes did not both read them) below this confidence are not
# taken (no rule can check them).
MIN_UNCHECKED_CONFIDENCE = 0.98
# At most this many combinations of readings are tried for one table (the readings that differ are few).
MAX_CHOICES = 4096
_NOTHING = (BLANK, NOT_APPLICABLE, ABSENT)
# What OCR reads a digit's shape as in a figure cell: a reading in these letters is that digit's reading.
_LOOK_ALIKES = str.maketrans("OoО〇lI|一SsB", "00001111558")


def _ocr(cell: ParsedCell) -> bool:
    return cell.lineage is not None and cell.lineage.ocr_confidence is not None


def _null(cell: ParsedCell) -> ParsedCell:
    return replace(cell, value=None, semantic=UNREADABLE, read_as=None) if cell.value is not None else cell


def _figures(cell: ParsedCell) -> list[float] | None:
    """Every reading of the cell's ink that is a figure (a digit's look-alike read as the digit), in
    order and with repeats; None where the lineage's readings are not this cell's own (a row whose
    cells were not told apart shares one lineage)."""
    readings = (cell.lineage.ocr_readings if cell.lineage else None) or ()
    if not readings or "".join((cell.raw or "").split()) != readings[0]:
        return None
    figures = []
    for text in readings:
        value = read_value(text.translate(_LOOK_ALIKES))
        if value is not None and value.semantic in (NUMBER, ZERO) and value.value is not None:
            figures.append(value.value)
    return figures


def _readings(cell: ParsedCell) -> list[float | None]:
    """The values the cell's ink was read as, the cell's own first. A cell with no ink (a printed blank,
    a '/', a column the table does not have: seed 003 drops 其他) counts nothing."""
    if cell.semantic in _NOTHING:
        return [0.0]
    values: list[float | None] = [cell.value]
    for figure in _figures(cell) or ():
        if figure not in values:
            values.append(figure)
    if cell.value is None and len(values) > 1:
        values.remove(None)  # unreadable as first read ('Q'), a number as read again
    return values


def _read_alike(cell: ParsedCell) -> bool:
    """Both passes read the cell's ink as the same figure (a digit's look-alike counting as the digit);
    a reading that is no figure at all ('XX') confirms nothing."""
    figures = _figures(cell) or []
    return cell.value is not None and len(figures) >= 2 and set(figures) == {cell.value}


def _agreed(cell: ParsedCell) -> bool:
    """Read alike twice; or read as a figure once (the other pass saw nothing, or no figure), all but
    surely."""
    if len(_figures(cell) or []) >= 2:
        return _read_alike(cell)
    return (cell.lineage.ocr_confidence or 0) >= MIN_UNCHECKED_CONFIDENCE  # type: ignore[union-attr]


def _as_printed(cells: list[ParsedCell]) -> tuple[list[ParsedCell], int]:
    """Where the rules do not confirm a reading (the table may not add up as printed: reports print
    inconsistent totals too), each cell both passes read alike stands as printed, for the rules to judge
    like any other report's; every other OCR'd figure is NULL. Returns the cells and how many were NULLed."""
    kept = [c if not _ocr(c) or c.value is None or _read_alike(c) else _null(c) for c in cells]
    return kept, sum(a.value != b.value for a, b in zip(cells, kept, strict=True))


def _choices(rows: dict[str, list[ParsedCell]]) -> Iterator[dict[str, list[float | None]]]:
    """Every grid of values the readings allow whose rows each add up (H2/H4), up to MAX_CHOICES."""
    per_row: dict[str, list[list[float | None]]] = {}
    for key, group in rows.items():
        options = [
            list(values)
            for values in product(*(_readings(c) for c in group))
            if None not in values and sum(values[:-1]) == values[-1]  # type: ignore[arg-type]
        ]
        if not options:
            return
        per_row[key] = options
    for n, pick in enumerate(product(*per_row.values())):
        if n >= MAX_CHOICES:
            return
        yield dict(zip(per_row, pick, strict=True))


def _apply(rows: dict[str, list[ParsedCell]], grid: dict[str, list[float | None]]) -> list[ParsedCell]:
    """The rows' cells with the grid's values, a changed one marked as chosen by the rules."""
    chosen = []
    for key, group in rows.items():
        for c, value in zip(group, grid[key], strict=True):
            if value != c.value and c.semantic not in _NOTHING:
                c = replace(c, value=value, semantic=ZERO if value == 0 else NUMBER, read_as=OCR_READING_BY_RULE)
            chosen.append(c)
    return chosen


def _confirm_applications(cells: list[ParsedCell], leaves: list[str], issues: list[ParseIssue]) -> list[ParsedCell]:
    rows: dict[str, list[ParsedCell]] = {}
    for c in cells:
        rows.setdefault(c.row_key, []).append(c)
    fits = []
    for grid in _choices(rows):
        if table_adds_up(grid, leaves):
            fits.append(grid)
            if len(fits) > 1:
                break
    if len(fits) == 1:
        confirmed = _apply(rows, fits[0])
        changed = [c for c in confirmed if c.read_as == OCR_READING_BY_RULE]
        if changed:
            issues.append(
                ParseIssue(
                    APPLICATIONS,
                    None,
                    "ocr_reading_by_rule",
                    "read by OCR two ways; the only readings with which the table adds up (H2, H3, H1): "
                    + ", ".join(f"三 {c.row_key} {c.col_key} = {c.value:g}" for c in changed),
                )
            )
        return confirmed
    kept, nulled = _as_printed(cells)
    reason = "more than one reading of its digits adds up" if fits else "no reading of its digits adds up"
    issues.append(
        ParseIssue(
            APPLICATIONS,
            None,
            "ocr_unconfirmed",
            f"read by OCR, the table is not confirmed ({reason} in every row and down every column: H2, H3, "
            f"H1): the cells read alike twice stand as printed, {nulled} cell(s) read two ways or once are NULL",
        )
    )
    return kept


def _confirm_block(block: list[ParsedCell], issues: list[ParseIssue]) -> list[ParsedCell]:
    fits = list(_choices({block[0].row_key: block}))[:2]
    if len(fits) == 1:
        return _apply({block[0].row_key: block}, fits[0])
    kept, nulled = _as_printed(block)
    issues.append(
        ParseIssue(
            REVIEW_LITIGATION,
            block[0].row_key,
            "ocr_unconfirmed",
            f"read by OCR as {[c.value for c in block]}: {'more than one reading' if fits else 'no reading'} of "
            f"its digits satisfies H4; the cells read alike twice stand as printed, {nulled} read two ways or "
            "once are NULL",
        )
    )
    return kept


def _confirm_proactive(row: list[ParsedCell], issues: list[ParseIssue]) -> list[ParsedCell]:
    doubtful = [c for c in row if _ocr(c) and c.value is not None and not _agreed(c)]
    if not doubtful:
        return row
    issues.append(
        ParseIssue(
            PROACTIVE,
            row[0].row_key,
            "ocr_unconfirmed",
            f"read by OCR with confidence {min(c.lineage.ocr_confidence for c in doubtful):.3f}"  # type: ignore[union-attr]
            f"{' and read differently again' if any(len(_readings(c)) > 1 for c in doubtful) else ''}, "
            "and no rule to check it",
        )
    )
    return [_null(c) for c in row]


def confirm_ocr(cells: list[ParsedCell], template: Template, issues: list[ParseIssue]) -> list[ParsedCell]:
    """`cells` with every OCR'd group the rules confirm (choosing among OCR's readings where exactly one
    choice adds up: section 三 down the `template`'s leaf rows) and every other OCR'd group NULL, with an
    issue for each."""
    if not any(_ocr(c) for c in cells):
        return cells
    groups: dict[tuple[str, str], list[ParsedCell]] = {}
    for c in cells:
        groups.setdefault((c.table, c.row_key), []).append(c)
    out: list[ParsedCell] = []
    applications = [c for c in cells if c.table == APPLICATIONS]
    if any(_ocr(c) for c in applications):
        out += _confirm_applications(applications, [r.key for r in template.leaves], issues)
    else:
        out += applications
    for (table, _), group in groups.items():
        if table == APPLICATIONS:
            continue
        if not any(_ocr(c) for c in group):
            out += group
        elif table == REVIEW_LITIGATION:
            out += _confirm_block(group, issues)
        else:
            out += _confirm_proactive(group, issues)
    order = {(c.table, c.row_key, c.col_key): i for i, c in enumerate(cells)}
    return sorted(out, key=lambda c: order[(c.table, c.row_key, c.col_key)])
