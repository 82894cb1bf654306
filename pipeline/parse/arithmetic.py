"""Section 三's arithmetic on a grid of values (row key → the seven applicant columns): H2 in a row, H3
and H1 down the columns; what decides between readings of a digit run or a torn table."""

from pipeline.catalogue import APPLICANT_COLUMNS

COLUMNS = [c.key for c in APPLICANT_COLUMNS]
WIDTH = len(COLUMNS)


def columns_hold(grid: dict[str, list[float | None]], leaves: list[str], assessable: bool = False) -> bool:
    """H3 (三(七) = the sum of the result rows) and H1 (一 + 二 = 三(七) + 四) in every column where every
    cell they need holds a number (in every column at all when `assessable`)."""
    total = grid.get("3.7") or [None] * WIDTH
    for c in range(WIDTH):
        h3 = [grid.get(k, [None] * WIDTH)[c] for k in leaves] + [total[c]]
        h1 = [grid.get(k, [None] * WIDTH)[c] for k in ("1", "2", "3.7", "4")]
        for needed in (h3, h1):
            if any(v is None for v in needed) and assessable:
                return False
        if all(v is not None for v in h3) and sum(h3[:-1]) != h3[-1]:  # type: ignore[arg-type]
            return False
        if all(v is not None for v in h1) and h1[0] + h1[1] != h1[2] + h1[3]:  # type: ignore[operator]
            return False
    return True


def table_adds_up(grid: dict[str, list[float | None]], leaves: list[str]) -> bool:
    """Section 三 confirmed whole: every cell of every row read, 总计 the sum of each row (H2), and H3 and H1
    in every column."""
    rows = list(grid.values())
    if any(v is None for row in rows for v in row):
        return False
    return all(h2_holds(row) for row in rows) and columns_hold(grid, leaves, assessable=True)  # type: ignore[arg-type]


def h2_holds(nums: list[int] | list[float]) -> bool:
    return sum(nums[:-1]) == nums[-1]
