"""Section 四 (行政复议、行政诉讼): one row of 15 cells in three blocks of five."""

from dataclasses import replace

from pipeline.catalogue import REVIEW_BLOCKS, REVIEW_COLUMNS
from pipeline.document import Line
from pipeline.normalise import ABSENT, ZERO, label_key
from pipeline.parse.cells import cut_cells, digit_pieces, token_cell, unreadable_cell
from pipeline.parse.digits import Group, segmentations, values_of
from pipeline.parse.model import (
    BY_POSITION_VERIFIED,
    INFERRED_BY_RULE,
    REVIEW_LITIGATION,
    SPLIT_BY_COUNT,
    SPLIT_BY_RULE,
    ParsedCell,
    ParseIssue,
    Section,
)
from pipeline.parse.tokens import Run, Token, glued_digits, runs, spread_over_lines, tokenize

_WIDTH = len(REVIEW_BLOCKS) * len(REVIEW_COLUMNS)
_KEYS = [(b.key, c.key) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS]
_BLOCKS = tuple(Group(len(REVIEW_COLUMNS)) for _ in REVIEW_BLOCKS)
_BLOCKS_SUMMED = tuple(Group(len(REVIEW_COLUMNS), summed=True) for _ in REVIEW_BLOCKS)


def _h4_holds(nums: list[float | None]) -> bool:
    for b in range(3):
        block = nums[b * 5 : b * 5 + 5]
        if any(v is None for v in block) or sum(block[:4]) != block[4]:  # type: ignore[arg-type]
            return False
    return True


def parse_review(lines: list[Line], section: Section | None) -> tuple[list, list]:
    issues: list[ParseIssue] = []
    values: list[Token] = []
    header_key = ""
    glued = False
    if section is not None:
        tokens = tokenize(lines[section.first_line + 1 : section.end_line], section.first_line + 1)
        glued = glued_digits(tokens)
        section_runs = runs(tokens)
        long_runs = [r for r in section_runs if len(r.values) >= _WIDTH]
        chosen = long_runs[0] if long_runs else None
        if chosen is None:
            all_values = [t for r in section_runs for t in r.values]
            if len(all_values) == _WIDTH or (all_values and digit_pieces(all_values) is not None):
                chosen = Run([t for r in section_runs for t in r.labels], all_values)
            pieces = sum(1 for r in section_runs if r.values)
            if len(all_values) == _WIDTH and pieces > 1:
                return _torn(all_values, pieces, issues), issues
        if chosen is not None:
            values = chosen.values
            header_key = label_key("".join(t.label or "" for r in section_runs for t in r.labels))
    if not values:
        issues.append(ParseIssue(REVIEW_LITIGATION, None, "row_missing", f"no run of {_WIDTH} values in section 四"))
        return [ParsedCell(REVIEW_LITIGATION, b, c, None, ABSENT) for b, c in _KEYS], issues
    if len(values) < _WIDTH:
        return _cut_review(values, glued, issues), issues

    if len(values) > _WIDTH:
        # More values than the row has: a column-flow extraction (pdfminer) ran another table's numbers
        # into this one. Which fifteen are the row's is not known.
        raw = " ".join(t.value.raw for t in values if t.value)
        detail = f"{len(values)} values where the row has {_WIDTH} ({raw[:120]}): which are the row's is not known"
        issues.append(ParseIssue(REVIEW_LITIGATION, None, "unaligned_rows", detail))
        return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS], issues
    reading: list[Token | None] = list(values[:_WIDTH])
    nums = [t.value.value if t and t.value else None for t in reading]
    if not _h4_holds(nums):
        merged = _merged_header_reading(reading, nums, header_key, len(values) == _WIDTH, issues)
        if merged is not None:
            return merged, issues
        # A printed row that breaks H4 is kept as printed (a source error to flag), but not when the values
        # are more than the row holds (leftovers of another table before it) or stand over several text
        # lines: their order is then not the cells' order.
        if spread_over_lines(values) and len(set(nums)) > 1:
            raw = " ".join(t.value.raw for t in values if t.value)
            detail = (
                f"{len(values)} values ({raw}) over several lines or more than 15; read in order the blocks "
                "break H4, so which values are the row's, in which order, is not known"
            )
            issues.append(ParseIssue(REVIEW_LITIGATION, None, "unaligned_rows", detail))
            return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS], issues
    return [token_cell(REVIEW_LITIGATION, b, c, t) for (b, c), t in zip(_KEYS, reading, strict=True)], issues


def _torn(values: list[Token], pieces: int, issues: list[ParseIssue]) -> list[ParsedCell]:
    """The 15 values stand in several pieces between header labels (a PDF-to-text extraction tore the
    table): their printed order is not the cells' order. Read in order only when H4 then holds in every
    block (or every value is the same); otherwise NULL."""
    nums = [t.value.value if t.value else None for t in values]
    if len(set(nums)) == 1 or _h4_holds(nums):
        return [
            token_cell(REVIEW_LITIGATION, b, c, t, BY_POSITION_VERIFIED)
            for (b, c), t in zip(_KEYS, values, strict=True)
        ]
    raw = " ".join(t.value.raw for t in values if t.value)
    detail = (
        f"the 15 values stand in {pieces} pieces between the header's labels ({raw}); read in that order they "
        "break H4, so their order is not the table's"
    )
    issues.append(ParseIssue(REVIEW_LITIGATION, None, "unaligned_rows", detail))
    return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS]


def _cut_review(values: list[Token], glued: bool, issues: list[ParseIssue]) -> list[ParsedCell]:
    """Fewer than 15 tokens: cells run together ('000000000000000', '00202000001324015'). Cut where only one
    cut exists, or where H4 in each block leaves one; otherwise NULL."""
    pieces = digit_pieces(values)
    raw = " ".join(t.value.raw for t in values if t.value)
    if pieces is None or not (glued or len(values) == 1):
        issues.append(
            ParseIssue(REVIEW_LITIGATION, None, "value_count", f"{len(values)} values for {_WIDTH} cells: {raw}")
        )
        return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS]
    cols = [f"{b}.{c}" for b, c in _KEYS]
    plain = segmentations(pieces, _BLOCKS, limit=1)
    if len(plain) == 1 and not _h4_holds([float(v) for v in values_of(pieces, plain[0])]):
        # One digit a cell, yet a block does not add up: a blank cell the crawl dropped, or a misprint.
        detail = f"'{raw}' cut one digit a cell breaks H4; a blank cell may have vanished"
        issues.append(ParseIssue(REVIEW_LITIGATION, None, "ambiguous_segmentation", detail))
        return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS]
    if len(plain) == 1:
        cells = cut_cells(REVIEW_LITIGATION, "", cols, values, plain[0], SPLIT_BY_COUNT)
    else:
        ruled = segmentations(pieces, _BLOCKS_SUMMED)
        if len(ruled) != 1:
            detail = (
                f"'{raw}' has {len(ruled) if len(ruled) <= 64 else 'over 64'} cuts into {_WIDTH} cells where every "
                "block's 总计 is the sum of its outcomes (H4)"
                + (f": {'; '.join(str(values_of(pieces, r)) for r in ruled[:3])}" if ruled else "")
            )
            issues.append(ParseIssue(REVIEW_LITIGATION, None, "ambiguous_segmentation", detail))
            return [unreadable_cell(REVIEW_LITIGATION, b, c, values) for b, c in _KEYS]
        issues.append(
            ParseIssue(REVIEW_LITIGATION, None, "split_by_rule", f"'{raw}' cut as {values_of(pieces, ruled[0])} (H4)")
        )
        cells = cut_cells(REVIEW_LITIGATION, "", cols, values, ruled[0], SPLIT_BY_RULE)
    return [replace(cell, row_key=b, col_key=c) for cell, (b, c) in zip(cells, _KEYS, strict=True)]


def _merged_header_reading(
    reading: list[Token | None], nums: list[float | None], header_key: str, exact: bool, issues: list[ParseIssue]
) -> list[ParsedCell] | None:
    """A merged header cell ("结果" over 维持 and 纠正) leaves one value fewer in that block. Only when the
    header shows the merge, insert the missing cell where the rules then hold."""
    merged = header_key.count("维持") < len(REVIEW_BLOCKS) and header_key.count("纠正") < len(REVIEW_BLOCKS)
    if not (merged and exact and nums[-1] == 0):
        return None
    for b in range(len(REVIEW_BLOCKS)):
        pos = b * len(REVIEW_COLUMNS) + 1  # the 纠正 cell of block b, absorbed by the merge
        candidate = [*reading[:pos], None, *reading[pos : _WIDTH - 1]]
        cand_nums = [t.value.value if t and t.value else 0.0 for t in candidate]
        if not _h4_holds(cand_nums):
            continue
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
        for (bk, ck), tok, printed in zip(_KEYS, candidate, nums, strict=True):
            cell = (
                ParsedCell(REVIEW_LITIGATION, bk, ck, 0.0, ZERO, None, None, "inferred", read_as=INFERRED_BY_RULE)
                if tok is None
                else token_cell(REVIEW_LITIGATION, bk, ck, tok)
            )
            if cell.value != printed or tok is None:
                cell = replace(cell, repaired=True, printed_value=printed)
            cells.append(cell)
        return cells
    return None
