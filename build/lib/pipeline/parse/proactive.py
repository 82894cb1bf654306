"""Section 二 (主动公开政府信息情况): items by label, one value per column."""

from pipeline.catalogue import TEMPLATE_2019, TEMPLATE_2021, ProactiveItem, Template
from pipeline.document import Line
from pipeline.normalise import ABSENT, UNREADABLE, label_key
from pipeline.parse.cells import cut_cells, digit_pieces, token_cell, unreadable_cell
from pipeline.parse.digits import Group, segmentations, values_of
from pipeline.parse.labels import EXACT, best_match
from pipeline.parse.model import PROACTIVE, SPLIT_BY_COUNT, SPLIT_BY_RULE, ParsedCell, ParseIssue, Section
from pipeline.parse.tokens import Run, Token, describe, fit, glued_digits, runs, tokenize, values_before_labels

# Outside evidence that may choose between cuts of a run of section-二 digits (spec Appendix C): what
# is in force includes what was issued this year; what is published in all includes this year's.
_AT_LEAST = {"in_force": "issued", "total_published": "new_published"}


# Column headers only one format prints, cut short as a wrapped header cell leaves them ('本年新制作 / 数量').
_MARKERS_2019 = ("本年新制作", "本年新公开", "对外公开总", "上一年项目", "本年增减", "采购项目", "采购总金")
_MARKERS_2021 = ("本年制发", "本年废止", "现行有效", "本年处理决定", "本年收费金")


def detect_proactive_template(section: Section | None) -> str:
    key = label_key(section.text) if section else ""
    score_2019 = sum(m in key for m in _MARKERS_2019)
    return TEMPLATE_2019 if score_2019 and score_2019 >= sum(m in key for m in _MARKERS_2021) else TEMPLATE_2021


def parse_proactive(
    lines: list[Line], section: Section | None, template: Template, zeros_printed: bool = True
) -> tuple[list, list]:
    """Section 二. `zeros_printed`: the report prints its zeros (a digit run's count can then be trusted)."""
    cells: list[ParsedCell] = []
    issues: list[ParseIssue] = []
    found: dict[str, list[Token]] = {}
    glued = False
    flipped: list[Run] | None = None
    if section is not None:
        tokens = tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1)
        glued = glued_digits(tokens)
        section_runs = runs(tokens)
        every_item = [(p, (p.label, *p.aliases)) for p in template.proactive]
        # Section 二's last item (行政事业性收费, 政府集中采购) left with nothing after it is the mark alone: its
        # first label can be an item whose numbers stand after it by chance of the flow.
        flipped = values_before_labels(
            section_runs, lambda key: best_match(key, every_item, EXACT) is not None, header_first=False
        )
        if flipped is not None:
            section_runs = flipped
        previous: ProactiveItem | None = None
        for run in section_runs:
            if not run.values:
                continue
            if previous is not None and _label_continues(previous, run.key):
                # '政府集中采 114 21108' / '购 5': the row's label wrapped, and a value wrapped with it.
                detail = f"{previous.label}: its label wraps onto a line with more numbers ({describe(run)})"
                issues.append(ParseIssue(PROACTIVE, previous.key, "value_count", detail))
                found[previous.key] = [*found[previous.key], *run.values]
                previous = None
                continue
            options = [(p, (p.label, *p.aliases)) for p in template.proactive if p.key not in found]
            # Numbers before labels: an item's label is followed by the next sub-table's header.
            key = run.key if flipped is None else run.key.split("第二十条")[0]
            item = best_match(key, options, EXACT if run.blank_only else 1)
            if item is None and run.blank_only:
                continue
            if item is None:
                issues.append(ParseIssue(PROACTIVE, None, "unmatched_values", describe(run)))
                previous = None
                continue
            found[item.key] = fit(run.values, len(item.columns))
            previous = item
    if flipped is not None:
        counts_fit = all(
            len(v) == len(template_item.columns)
            for template_item in template.proactive
            if (v := found.get(template_item.key)) is not None
        )
        if not counts_fit or any(i.code == "unmatched_values" for i in issues):
            issues.append(
                ParseIssue(
                    PROACTIVE,
                    None,
                    "values_before_labels",
                    "the numbers stand before their labels and do not pair up with them one row each: every cell NULL",
                )
            )
            return [
                ParsedCell(PROACTIVE, p.key, c, None, UNREADABLE) for p in template.proactive for c in p.columns
            ], issues
        issues.append(
            ParseIssue(PROACTIVE, None, "values_before_labels", "every item's numbers stand before its label: read so")
        )
    for item in template.proactive:
        values = found.get(item.key)
        if values is None:
            issues.append(ParseIssue(PROACTIVE, item.key, "row_missing", f"no values found for {item.label}"))
            cells += [ParsedCell(PROACTIVE, item.key, c, None, ABSENT) for c in item.columns]
        elif len(values) == len(item.columns):
            cells += [token_cell(PROACTIVE, item.key, c, tok) for c, tok in zip(item.columns, values, strict=True)]
        else:
            cells += _cut_item(item, values, glued, issues, zeros_printed)
    return _siblings_of_misread(template, cells, issues), issues


def _label_continues(item: ProactiveItem, key: str) -> bool:
    """`key` is the rest of the item's label, wrapped onto the next line ('购' of 政府集中采购)."""
    label = label_key(item.label)
    return 0 < len(key) <= 4 and key in label and not label.startswith(key)


def _siblings_of_misread(template: Template, cells: list[ParsedCell], issues: list[ParseIssue]) -> list[ParsedCell]:
    """Items of one sub-table (规章 and 行政规范性文件; 行政处罚 and 行政强制) share its columns. When one item's
    numbers do not fit them (too few or too many: the extraction moved numbers across rows), the other's
    numbers may be the moved ones: they are not taken either."""
    misread = {i.row_key for i in issues if i.code == "value_count"}
    tables: dict[str, list[ProactiveItem]] = {}
    for item in template.proactive:
        tables.setdefault(item.article, []).append(item)
    doubtful: set[str] = set()
    for items in tables.values():
        keys = {i.key for i in items}
        if keys & misread and len(items) > 1:
            doubtful |= {k for k in keys - misread if any(c.row_key == k and c.value is not None for c in cells)}
    for key in sorted(doubtful):
        issues.append(
            ParseIssue(
                PROACTIVE,
                key,
                "unaligned_rows",
                "another row of its sub-table is misread: its numbers may be that row's",
            )
        )
    return [
        ParsedCell(PROACTIVE, c.row_key, c.col_key, None, UNREADABLE, c.raw, c.lineage) if c.row_key in doubtful else c
        for c in cells
    ]


def _cut_item(
    item: ProactiveItem, values: list[Token], glued: bool, issues: list[ParseIssue], zeros_printed: bool
) -> list[ParsedCell]:
    """An item whose cells ran together ('规章000', '行政规范性文件9234'): cut where only one cut exists, or
    where the outside evidence leaves only one; otherwise the cells stay NULL."""
    cols = list(item.columns)
    # Only an item whose own digits ran into the text around them ('规章000第二十条', a leading zero) is
    # cut: a lone '16' under two columns is more likely a cell whose neighbour went missing.
    run_together = any(t.embedded or ((d := t.digits) and len(d) > 1 and d.startswith("0")) for t in values)
    pieces = digit_pieces(values) if glued and run_together and len(values) < len(cols) else None
    if pieces is None:
        raw = " ".join(t.value.raw for t in values if t.value)
        issues.append(
            ParseIssue(
                PROACTIVE, item.key, "value_count", f"{item.label}: {len(values)} values for {len(cols)} columns: {raw}"
            )
        )
        return [unreadable_cell(PROACTIVE, item.key, c, values) for c in cols]
    cuts = segmentations(pieces, (Group(len(cols)),))
    if not zeros_printed:
        detail = (
            f"{item.label}: '{' '.join(pieces)}' for {len(cols)} cells in a report that leaves cells blank (section "
            "三 not fully printed): a blank cell may have vanished, so the cut is not known"
        )
        issues.append(ParseIssue(PROACTIVE, item.key, "ambiguous_segmentation", detail))
        return [unreadable_cell(PROACTIVE, item.key, c, values) for c in cols]
    if len(cuts) == 1:
        return cut_cells(PROACTIVE, item.key, cols, values, cuts[0], SPLIT_BY_COUNT)
    readings = [dict(zip(cols, values_of(pieces, c), strict=True)) for c in cuts]
    kept = [
        cut
        for cut, reading in zip(cuts, readings, strict=True)
        if all(
            reading[big] >= reading[small] for big, small in _AT_LEAST.items() if big in reading and small in reading
        )
    ]
    run = " ".join(pieces)
    if len(kept) == 1 and len(cuts) <= 64:
        chosen = dict(zip(cols, values_of(pieces, kept[0]), strict=True))
        issues.append(
            ParseIssue(
                PROACTIVE,
                item.key,
                "split_by_rule",
                f"{item.label}: '{run}' read as {' | '.join(str(chosen[c]) for c in cols)}, the only cut of "
                f"{len(cuts)} where 现行有效/对外公开总数 is at least 本年制发/新公开",
            )
        )
        return cut_cells(PROACTIVE, item.key, cols, values, kept[0], SPLIT_BY_RULE)
    shown = "; ".join(" | ".join(str(r[c]) for c in cols) for r in readings[:6]) + (" …" if len(readings) > 6 else "")
    issues.append(
        ParseIssue(
            PROACTIVE,
            item.key,
            "ambiguous_segmentation",
            f"{item.label}: '{run}' has {len(cuts) if len(cuts) <= 64 else 'over 64'} cuts into {len(cols)} cells "
            f"({shown}); nothing decides between them",
        )
    )
    return [unreadable_cell(PROACTIVE, item.key, c, values) for c in cols]


__all__ = ["TEMPLATE_2021", "detect_proactive_template", "parse_proactive"]
