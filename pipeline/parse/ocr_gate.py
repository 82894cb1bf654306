"""Cells read by OCR are kept only where the rules confirm their digits: every section-三 row must add up
(H2) and every section-四 block (H4); section 二 has no rule, so only cells the engine is all but sure of
stay. A misread digit (9 read as 6) otherwise lands silently: the row or block is NULL instead."""

from dataclasses import replace

from pipeline.normalise import UNREADABLE
from pipeline.parse.applications import table_adds_up
from pipeline.parse.model import APPLICATIONS, PROACTIVE, REVIEW_LITIGATION, ParsedCell, ParseIssue

# Section 二 cells read by OCR below this confidence are not taken (no rule can check them).
MIN_UNCHECKED_CONFIDENCE = 0.98


def _ocr(cell: ParsedCell) -> bool:
    return cell.lineage is not None and cell.lineage.ocr_confidence is not None


def _null(cell: ParsedCell) -> ParsedCell:
    return replace(cell, value=None, semantic=UNREADABLE, read_as=None) if cell.value is not None else cell


def confirm_ocr(cells: list[ParsedCell], issues: list[ParseIssue]) -> list[ParsedCell]:
    """`cells` with every OCR'd group the rules do not confirm set NULL, and an issue for each."""
    if not any(_ocr(c) for c in cells):
        return cells
    groups: dict[tuple[str, str], list[ParsedCell]] = {}
    for c in cells:
        groups.setdefault((c.table, c.row_key), []).append(c)
    doubtful: set[tuple[str, str]] = set()
    for (table, row), group in groups.items():
        if not any(_ocr(c) for c in group):
            continue
        values = [c.value for c in group]
        if table in (APPLICATIONS, REVIEW_LITIGATION) and None not in values:
            if sum(values[:-1]) != values[-1]:  # type: ignore[arg-type]
                doubtful.add((table, row))
                rule = "H2" if table == APPLICATIONS else "H4"
                issues.append(
                    ParseIssue(
                        table,
                        row,
                        "ocr_unconfirmed",
                        f"read by OCR as {values}: {rule} does not hold, a digit may be misread",
                    )
                )
        elif table == PROACTIVE:
            low = [
                c
                for c in group
                if _ocr(c) and c.value is not None and c.lineage.ocr_confidence < MIN_UNCHECKED_CONFIDENCE
            ]  # type: ignore[union-attr]
            if low:
                doubtful.add((table, row))
                issues.append(
                    ParseIssue(
                        table,
                        row,
                        "ocr_unconfirmed",
                        f"read by OCR with confidence {min(c.lineage.ocr_confidence for c in low):.3f} "  # type: ignore[union-attr]
                        "and no rule to check it",
                    )  # type: ignore[union-attr]
                )
    # A digit misread the same way in a row's cell and its 总计 (6 read as 9 twice) keeps H2: only the
    # columns (H3, H1) can tell. Section 三 read by OCR stands only as a whole table that adds up.
    rows = {row: group for (table, row), group in groups.items() if table == APPLICATIONS}
    if any(_ocr(c) for group in rows.values() for c in group):
        grid = {row: [c.value for c in group] for row, group in rows.items() if (APPLICATIONS, row) not in doubtful}
        leaves = [row for row in rows if row not in ("1", "2", "3.7", "4")]
        if len(grid) < len(rows) or not table_adds_up(grid, leaves):
            doubtful |= {(APPLICATIONS, row) for row in rows}
            issues.append(
                ParseIssue(
                    APPLICATIONS,
                    None,
                    "ocr_unconfirmed",
                    "read by OCR, the table does not add up down its columns (H3, H1) or has rows that do not: "
                    "a digit misread alike in a row and its 总计 cannot be ruled out, so no row is kept",
                )
            )
    return [_null(c) if (c.table, c.row_key) in doubtful else c for c in cells]
