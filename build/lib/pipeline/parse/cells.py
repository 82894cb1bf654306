"""Cells from tokens: one printed token per cell, or cells cut from digit runs."""

from pipeline.normalise import NUMBER, UNREADABLE, ZERO
from pipeline.parse.digits import Span, values_of
from pipeline.parse.model import BY_LABEL, SPLIT_BY_RULE, ParsedCell
from pipeline.parse.tokens import Token


def token_cell(table: str, row: str, col: str, tok: Token, read_as: str = BY_LABEL) -> ParsedCell:
    v = tok.value
    assert v is not None
    read = read_as if v.value is not None else None
    return ParsedCell(table, row, col, v.value, v.semantic, v.raw, tok.lineage, v.note, v.decimals, read_as=read)


def unreadable_cell(table: str, row: str, col: str, values: list[Token]) -> ParsedCell:
    raw = " ".join(t.value.raw for t in values if t.value)
    return ParsedCell(table, row, col, None, UNREADABLE, raw, values[0].lineage if values else None)


def cut_cells(
    table: str, row: str, cols: list[str], tokens: list[Token], spans: tuple[Span, ...], read_as: str
) -> list[ParsedCell]:
    """The cells of a digit run cut at `spans`: each keeps its own digits and its own character span."""
    pieces = tuple(t.digits or "" for t in tokens)
    out = []
    for col, span, value in zip(cols, spans, values_of(pieces, spans), strict=True):
        i, a, b = span
        tok = tokens[i]
        lineage = tok.lineage.shifted(a, b) if tok.lineage.char_start is not None else tok.lineage
        raw = pieces[i][a:b]
        semantic = ZERO if value == 0 else NUMBER
        # A cut the rules chose is a repair: rule failures on it are then attributed to extraction.
        out.append(
            ParsedCell(
                table,
                row,
                col,
                float(value),
                semantic,
                raw,
                lineage,
                repaired=read_as == SPLIT_BY_RULE,
                read_as=read_as,
            )
        )
    return out


def digit_pieces(tokens: list[Token]) -> tuple[str, ...] | None:
    """The digit strings of a run of plain counts, or None when one token is anything else."""
    pieces = tuple(t.digits for t in tokens)
    return None if any(p is None for p in pieces) else pieces  # type: ignore[return-value]
