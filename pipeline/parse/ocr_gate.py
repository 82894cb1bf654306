"""Cells read by OCR are kept only where the rules confirm their digits: every section-三 row must add up
(H2) and every section-四 block (H4); section 二 has no rule, so only cells the engine is all but sure of
stay. A misread digit (9 read as 6) otherwise lands silently: the row or block is NULL instead."""

from dataclasses import replace

from pipeline.normalise import UNREADABLE
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
    return [_null(c) if (c.table, c.row_key) in doubtful else c for c in cells]
