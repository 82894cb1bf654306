"""Rows of section 三 whose digits ran together, cut together: each where H2 leaves one cut, else the
cuts every combination satisfying H1 and H3 down the columns agrees on; what no rule decides is NULL."""

import itertools
from dataclasses import dataclass

from pipeline.catalogue import ApplicationRow, Template
from pipeline.parse.arithmetic import COLUMNS, WIDTH, columns_hold
from pipeline.parse.cells import cut_cells, unreadable_cell
from pipeline.parse.digits import Span, values_of
from pipeline.parse.model import APPLICATIONS, SPLIT_BY_RULE, ParsedCell, ParseIssue
from pipeline.parse.tokens import Token

_MAX_COMBINATIONS = 20_000  # readings of the open rows tried together against H1/H3


@dataclass
class OpenRow:
    """A row whose digits ran together, with every cut that satisfies H2."""

    row: ApplicationRow
    tokens: list[Token]
    pieces: tuple[str, ...]
    cuts: list[tuple[Span, ...]]


def resolve_open_rows(
    open_rows: list[OpenRow], cells: dict[str, list[ParsedCell]], template: Template, issues: list[ParseIssue]
) -> None:
    """Cut each open row where H2 leaves one cut; where it leaves several, try the open rows together
    against H1 and H3 in every column and keep a row's cut only if every consistent whole agrees on it."""
    if not open_rows:
        return
    chosen: dict[str, tuple[Span, ...] | None] = {
        o.row.key: (o.cuts[0] if len(o.cuts) == 1 else None) for o in open_rows
    }
    ambiguous = [o for o in open_rows if len(o.cuts) > 1]
    joint_note = ""
    if ambiguous and all(len(o.cuts) <= 64 for o in ambiguous):
        combos = 1
        for o in ambiguous:
            combos *= len(o.cuts)
        if combos <= _MAX_COMBINATIONS:
            agreed = _agreed_by_columns(open_rows, ambiguous, cells, template)
            if agreed is not None:
                chosen.update(agreed)
                joint_note = " and H1/H3 down the columns"
    for o in open_rows:
        key, code, run = o.row.key, o.row.code, " ".join(o.pieces)
        cut = chosen[o.row.key]
        if cut is not None:
            values = values_of(o.pieces, cut)
            rule = "H2" + (joint_note if len(o.cuts) > 1 else "")
            issues.append(ParseIssue(APPLICATIONS, key, "split_by_rule", f"{code}: '{run}' cut as {values} ({rule})"))
            cells[key] = cut_cells(APPLICATIONS, key, COLUMNS, o.tokens, cut, SPLIT_BY_RULE)
            continue
        if not o.cuts:
            detail = f"{code}: no cut of '{run}' into {WIDTH} cells satisfies H2 (总计 = the sum of the others)"
        else:
            shown = "; ".join(str(values_of(o.pieces, c)) for c in o.cuts[:4])
            many = "over 64" if len(o.cuts) > 64 else str(len(o.cuts))
            detail = f"{code}: '{run}' has {many} cuts that satisfy H2 ({shown}…); the columns do not decide"
        issues.append(ParseIssue(APPLICATIONS, key, "ambiguous_segmentation", detail))
        cells[key] = [unreadable_cell(APPLICATIONS, key, c, o.tokens) for c in COLUMNS]


def _agreed_by_columns(
    open_rows: list[OpenRow], ambiguous: list[OpenRow], cells: dict[str, list[ParsedCell]], template: Template
) -> dict[str, tuple[Span, ...] | None] | None:
    """The cut of each ambiguous row that every combination satisfying H1 and H3 agrees on (None where
    they differ), or None when no combination satisfies them (a source error, or a misread row)."""
    base: dict[str, list[float | None]] = {k: [c.value for c in row] for k, row in cells.items()}
    for o in open_rows:
        if len(o.cuts) == 1:
            base[o.row.key] = [float(v) for v in values_of(o.pieces, o.cuts[0])]
    leaves = [r.key for r in template.leaves]
    consistent: list[tuple[tuple[Span, ...], ...]] = []
    for combo in itertools.product(*(o.cuts for o in ambiguous)):
        grid = dict(base)
        for o, cut in zip(ambiguous, combo, strict=True):
            grid[o.row.key] = [float(v) for v in values_of(o.pieces, cut)]
        if columns_hold(grid, leaves):
            consistent.append(combo)
            if len(consistent) > 64:
                break
    if not consistent:
        return None
    return {
        o.row.key: (consistent[0][i] if all(c[i] == consistent[0][i] for c in consistent) else None)
        for i, o in enumerate(ambiguous)
    }
