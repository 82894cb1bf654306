"""Cutting digit runs into cells. A flattened table prints a row's cells run together ('21710000218' is
217 1 0 0 0 0 218); the spaces it keeps are cell boundaries, the rest must be found. A cut is accepted
only when it is the one reading the counts, the leading-zero rule or the arithmetic allow.

A summed group's total is chosen first (a cell of at most nine digits at the group's end); the cells
before it are then cut by a memoised walk over (position, cells left, what is left of the total), where
no cell may exceed what is left: trying every set of cuts costs C(n-1, cells-1).
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
    """Every way (up to `limit` + 1, in the order of their cut positions) to cut the digit strings
    `pieces` into the groups' cells: each piece holds one or more whole cells, no cell but '0' starts
    with 0, no cell has more than nine digits, and summed groups add up."""
    if not pieces or any(not p.isdigit() for p in pieces):
        return []
    digits = "".join(pieces)
    # A number is its digit sum modulo 9, so however digits[a:b] is cut its cells add up to the digit sum
    # modulo 9: a total that disagrees is ruled out before any cut is tried.
    digit_sum = [0]
    for ch in digits:
        digit_sum.append(digit_sum[-1] + int(ch))
    # Where each piece starts and ends in `digits`: a cell never runs over a piece's end.
    starts = [sum(len(p) for p in pieces[:i]) for i in range(len(pieces) + 1)]
    piece_end = [0] * len(digits)
    for i, _p in enumerate(pieces):
        for pos in range(starts[i], starts[i + 1]):
            piece_end[pos] = starts[i + 1]

    def cells_from(a: int, longest: int) -> range:
        """Ends of the cells that may start at `a`: within its piece, no leading zero, `longest` digits."""
        if a >= len(digits):
            return range(0)
        top = a + 1 if digits[a] == "0" else min(piece_end[a], a + longest)
        return range(a + 1, top + 1)

    def span(a: int, b: int) -> Span:
        i = next(n for n in range(len(pieces)) if starts[n] <= a < starts[n + 1])
        return (i, a - starts[i], b - starts[i])

    @cache
    def summing(a: int, b: int, k: int, rest: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Cuts of digits[a:b] into k cells adding up to `rest`: no cell exceeds what is left of it."""
        if k == 0:
            return ((),) if a == b and rest == 0 else ()
        width = len(str(rest))
        # k cells from b - a digits: at least a digit each, at most `width` each (none exceeds the rest),
        # and together at most one cell of every spare digit plus k - 1 nines.
        most = 10 ** (b - a - k + 1) + 9 * (k - 1)
        if not k <= b - a <= k * width or rest >= most or (rest - digit_sum[b] + digit_sum[a]) % 9:
            return ()
        found: list[tuple[tuple[int, int], ...]] = []
        for e in cells_from(a, len(str(rest))):
            value = int(digits[a:e])
            if value > rest:
                break
            for tail in summing(e, b, k - 1, rest - value):
                found.append(((a, e), *tail))
                if len(found) > limit:
                    return tuple(found)
        return tuple(found)

    @cache
    def free(a: int, k: int, b: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Cuts of digits[a:b] into k cells, nothing else asked of them."""
        if k == 0:
            return ((),) if a == b else ()
        found: list[tuple[tuple[int, int], ...]] = []
        for e in cells_from(a, MAX_CELL_DIGITS):
            if e > b:
                break
            for tail in free(e, k - 1, b):
                found.append(((a, e), *tail))
                if len(found) > limit:
                    return tuple(found)
        return tuple(found)

    @cache
    def groups_from(g: int, a: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        """Cuts of digits[a:] into groups g, g+1, …: a summed group's total is chosen first (it is a cell
        at the group's end), then the cells before it are cut to add up to it, so the walk never carries a
        running sum the total does not bound."""
        if g == len(groups):
            return ((),) if a == len(digits) else ()
        group = groups[g]
        ends = [len(digits)] if g == len(groups) - 1 else range(a + group.cells, len(digits) + 1)
        found: list[tuple[tuple[int, int], ...]] = []
        for end in ends:
            if group.summed:
                heads = []
                for t in range(max(a + group.cells - 1, end - MAX_CELL_DIGITS), end):
                    if end in cells_from(t, MAX_CELL_DIGITS) and (t == a or piece_end[t - 1] >= t):
                        heads += [(*cut, (t, end)) for cut in summing(a, t, group.cells - 1, int(digits[t:end]))]
            else:
                heads = list(free(a, group.cells, end))
            for head in heads:
                for tail in groups_from(g + 1, end):
                    found.append((*head, *tail))
                    if len(found) > limit:
                        return tuple(sorted(found))
        return tuple(sorted(found))

    return [tuple(span(a, b) for a, b in cut) for cut in groups_from(0, 0)]


def values_of(pieces: tuple[str, ...], spans: tuple[Span, ...]) -> list[int]:
    return [int(pieces[i][a:b]) for i, a, b in spans]
