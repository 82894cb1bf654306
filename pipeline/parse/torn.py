"""Section 三 tables whose labels and numbers came apart (PDF-to-text, PDF-to-markdown, merged cells): read
in template order, or with every row's numbers before its label, only when the arithmetic confirms the
whole table; otherwise every cell NULL with the reason."""

from pipeline.catalogue import ApplicationRow, Template
from pipeline.normalise import UNREADABLE
from pipeline.parse.arithmetic import COLUMNS, WIDTH, table_adds_up
from pipeline.parse.cells import token_cell
from pipeline.parse.model import APPLICATIONS, BY_LABEL, BY_POSITION_VERIFIED, ParsedCell, ParseIssue
from pipeline.parse.tokens import Run


def torn_unless_verified(
    cells: list[ParsedCell], template: Template, torn: list[str], issues: list[ParseIssue]
) -> list[ParsedCell]:
    """A torn table (a row label followed by several rows' numbers, or merged markdown cells): the numbers a
    label is followed by need not be its row's, even seven of them adding up. Kept only when every cell is
    read and H2, H1 and H3 hold throughout; otherwise every cell is NULL."""
    grid: dict[str, list[float | None]] = {}
    for c in cells:
        grid.setdefault(c.row_key, []).append(c.value)
    if table_adds_up(grid, [r.key for r in template.leaves]):
        return cells
    where = f"rows {', '.join(torn[:4])} are followed by several rows' numbers" if torn else "cells merged"
    issues.append(
        ParseIssue(
            APPLICATIONS,
            None,
            "unaligned_rows",
            f"the table is torn ({where}): which numbers are whose is not known, and the rules do not confirm "
            "a reading: every cell NULL",
        )
    )
    return [
        ParsedCell(APPLICATIONS, c.row_key, c.col_key, None, UNREADABLE, c.raw, c.lineage) if c.value is not None else c
        for c in cells
    ]


def read_flipped(
    found: dict[str, Run],
    sequence: list[tuple[Run, ApplicationRow | None]],
    template: Template,
    issues: list[ParseIssue],
) -> list[ParsedCell]:
    """Every row's numbers printed before its label: read that way only when it gives every row seven
    numbers, H2 in each and H1/H3 in every column; otherwise the whole table is NULL (read the usual way,
    each row would take the numbers of the row before it)."""
    rows = template.application_rows
    grid: dict[str, list[float | None]] = {}
    for row in rows:
        run = found.get(row.key)
        if run is None or len(run.values) != WIDTH:
            break
        grid[row.key] = [t.value.value if t.value else None for t in run.values]
    complete = len(grid) == len(rows) and all(r is not None for r, _ in sequence)
    if complete and table_adds_up(grid, [r.key for r in template.leaves]):
        issues.append(
            ParseIssue(
                APPLICATIONS,
                None,
                "values_before_labels",
                "every row's numbers stand before its label; read so, every row has seven numbers and H2, H1 "
                "and H3 hold",
            )
        )
        return [
            token_cell(APPLICATIONS, r.key, c, t, BY_POSITION_VERIFIED)
            for r in rows
            for c, t in zip(COLUMNS, found[r.key].values, strict=True)
        ]
    issues.append(
        ParseIssue(
            APPLICATIONS,
            None,
            "values_before_labels",
            "the numbers stand before their labels (the first follow only the header, the last label has none "
            "after it), and read so the rows do not add up: every cell NULL",
        )
    )
    return [ParsedCell(APPLICATIONS, r.key, c, None, UNREADABLE) for r in rows for c in COLUMNS]


def read_in_order(
    sequence: list[tuple[Run, ApplicationRow | None]], template: Template, issues: list[ParseIssue]
) -> list[ParsedCell] | None:
    """A torn table (PDF-to-text, PDF-to-markdown): label and number cells came apart, so several rows'
    numbers follow one label and some labels stand elsewhere. When the section holds exactly seven values
    a row, every label printed before values sits where template order puts its row, and the rows then
    satisfy H2 each and H1 and H3 in every column, the values are read in template order. Else None."""
    rows = template.application_rows
    values = [t for run, _ in sequence for t in run.values]
    complete = all(row is not None and len(run.values) == WIDTH for run, row in sequence)
    if complete or len(values) != len(rows) * WIDTH or any(t.value is None for t in values):
        return None
    index = {r.key: i for i, r in enumerate(rows)}
    labelled: set[int] = set()
    pos = 0
    for run, row in sequence:
        if row is not None:
            if index.get(row.key, -1) * WIDTH != pos:
                return None
            labelled.add(index[row.key])
        pos += len(run.values)
    grid = {r.key: [t.value.value for t in values[i * WIDTH : (i + 1) * WIDTH]] for i, r in enumerate(rows)}
    if not table_adds_up(grid, [r.key for r in template.leaves]):
        return None  # blanks (the rules cannot be assessed) or rows and columns that do not add up
    placed = [r for i, r in enumerate(rows) if i not in labelled]
    issues.append(
        ParseIssue(
            APPLICATIONS,
            None,
            "read_in_template_order",
            f"labels and numbers came apart: {len(values)} values read as {len(rows)} rows in template order, "
            f"{len(labelled)} rows anchored by their labels, H2 in every row and H1/H3 in every column holding; "
            f"placed by order: {', '.join(r.code for r in placed)}",
        )
    )
    return [
        token_cell(APPLICATIONS, r.key, c, tok, BY_LABEL if i in labelled else BY_POSITION_VERIFIED)
        for i, r in enumerate(rows)
        for c, tok in zip(COLUMNS, values[i * WIDTH : (i + 1) * WIDTH], strict=True)
    ]
