"""Cutting digit runs into cells. A flattened table prints a row's cells run together ('21710000218' is
217 1 0 0 0 0 218); the spaces it keeps are cell boundaries, the rest must be found. A cut is accepted
only when it is the one reading the counts, the leading-zero rule or the arithmetic allow.

The search is a memoised walk over (piece, offset, group, cell, running sum): polynomial in the run's
length, where trying every set of cuts costs C(n-1, cells-1).
"""

from dataclasses import dataclass
from functools import cache

MAX_CELL_DIGITS = 9  # no count in a report has ten digits


@dataclass(frozen=True)
class Group:
    """`cells` consecutive cells; when `summed`, the last is the sum of the others (H2 per row of
    section 三, H4 per block of section 四)."""

    cells: int
    summed: bool = False


Span = tuple[int, int, int]  # (piece index, start, end) of one cell inside the run's pieces


def segmentations(pieces: tuple[str, ...], groups: tuple[Group, ...], limit: int = 64) -> list[tuple[Span, ...]]:
    """Every way (up to `limit` + 1) to cut the digit strings `pieces` into the groups' cells: each piece
    holds one or more whole cells, no cell but '0' starts with 0, and summed groups add up."""
    if not pieces or any(not p.isdigit() for p in pieces):
        return []

    after = [sum(len(p) for p in pieces[i:]) for i in range(len(pieces) + 1)]

    @cache
    def walk(i: int, j: int, g: int, k: int, s: int) -> tuple[tuple[Span, ...], ...]:
        if g == len(groups):
            return ((),) if i == len(pieces) else ()
        if i == len(pieces):
            return ()
        group = groups[g]
        piece = pieces[i]
        last = k == group.cells - 1
        remaining = len(piece) - j + after[i + 1]
        if group.summed and len(str(s)) > remaining - (group.cells - 1 - k):
            return ()  # the running sum no longer fits in the digits left for the total
        next_g, next_k = (g + 1, 0) if last else (g, k + 1)
        ends: list[int]
        if last and group.summed:
            total = str(s)
            ends = [j + len(total)] if piece.startswith(total, j) else []
        else:
            top = min(len(piece), j + (1 if piece[j] == "0" else MAX_CELL_DIGITS))
            ends = list(range(j + 1, top + 1))
        found: list[tuple[Span, ...]] = []
        for e in ends:
            value = int(piece[j:e])
            ni, nj = (i + 1, 0) if e == len(piece) else (i, e)
            for rest in walk(ni, nj, next_g, next_k, 0 if last else s + value):
                found.append(((i, j, e), *rest))
                if len(found) > limit:
                    return tuple(found)
        return tuple(found)

    return list(walk(0, 0, 0, 0, 0))


def values_of(pieces: tuple[str, ...], spans: tuple[Span, ...]) -> list[int]:
    return [int(pieces[i][a:b]) for i, a, b in spans]
