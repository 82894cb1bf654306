"""Benchmark: cutting runs of digits into table cells, ours against the exhaustive splitter it replaced.

A flattened crawled page prints a row's cells run together ('21710000218' is 217 1 0 0 0 0 218). The parser
cuts such runs with `pipeline.parse.digits.segmentations(pieces, groups, limit)`, a memoised walk over
(piece, offset, group, cell, running sum). The splitter it replaced tried every set of cuts:
`itertools.combinations(range(1, len(digits)), cells - 1)`, kept where no part but '0' starts with 0 and
the total is the sum of the rest; it is re-implemented here as `exhaustive_baseline`, and on every input
where it runs the two must give the same readings in the same order (checked, not assumed).

Inputs are deterministic: for section 三 (one row of 7 cells, the last the sum of the others: H2) a
plausible row, a row that is mostly zeros, an all-'1' run (never a reading) and seeded random digits at
each length; for section 四 (15 cells in three blocks of five, each block's last the sum of its others:
H4) plausible rows. Beyond 28 digits (三) and 24 digits (四) only ours runs: the baseline would take minutes.

    python -m bench.digit_runs [--repeats 5] [--quick]
"""

import argparse
import gc
import itertools
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bench.common import Section, Table, Target, log, median, section_markdown
from pipeline.parse.digits import MAX_CELL_DIGITS, Group, segmentations, values_of

ROW_GROUPS = (Group(7, summed=True),)  # section 三: six applicant kinds and 总计 (H2), as the parser cuts a row
REVIEW_GROUPS = tuple(Group(5, summed=True) for _ in range(3))  # section 四: three blocks of five (H4)
LIMIT = 64  # the parser's default: past 64 readings a run is ambiguous whatever their number

# Targets (judged on section 三 rows, on the slowest case at the length, or the least gain).
TARGET_28_MS = 10.0  # ours ≤ 10 ms on a 28-digit row
TARGET_80_MS = 50.0  # ours ≤ 50 ms on an 80-digit run
TARGET_GAIN_24 = 100.0  # baseline / ours ≥ 100 at 24 digits

# Section 三 rows: the six applicant counts, 总计 appended as their sum. Keyed by the run's length in digits
# (checked when the case is built). The 11-digit row is the one the parser's docstring quotes.
ROWS: dict[int, tuple[int, ...]] = {
    11: (217, 1, 0, 0, 0, 0),
    14: (1563, 12, 0, 3, 1, 7),
    17: (4521, 310, 2, 15, 6, 47),
    20: (23817, 1046, 2, 5, 3, 208),
    24: (152034, 20417, 8, 36, 7, 129),
    28: (1520348, 204175, 81, 3, 7, 1290),
    40: (41234567, 30456789, 123450, 6789, 123, 456),
    60: (123456789, 134567890, 145678901, 156789012, 23456789, 3456789),
    # 80: none exists. Seven cells of at most MAX_CELL_DIGITS digits hold at most 63.
}
# Rows that are mostly zeros (most applicant kinds had no application): zeros must stand alone as cells.
ZERO_ROWS: dict[int, tuple[int, ...]] = {
    11: (150, 0, 0, 0, 0, 3),
    14: (1200, 0, 0, 0, 0, 35),
    17: (20400, 0, 0, 0, 0, 106),
    20: (300020, 0, 0, 0, 0, 5000),
    24: (1000300, 0, 0, 0, 0, 200010),
    28: (10002000, 0, 0, 0, 0, 30000100),
    40: (100000000, 200000000, 10, 0, 0, 300000000),
    60: (100000000, 100000000, 100000000, 100000000, 10000000, 1000000),
}
# Section 四 rows: per block the four outcomes (维持, 纠正, 其他, 尚未审结), 总计 appended as their sum.
REVIEW_ROWS: dict[int, tuple[tuple[int, ...], ...]] = {
    15: ((1, 0, 0, 0), (2, 1, 0, 0), (0, 0, 0, 0)),
    19: ((12, 3, 0, 1), (25, 4, 0, 2), (6, 0, 1, 0)),
    24: ((45, 12, 3, 6), (120, 8, 2, 15), (9, 4, 0, 1)),
    29: ((125, 31, 4, 12), (240, 18, 6, 35), (64, 5, 0, 9)),
}


@dataclass(frozen=True)
class Plan:
    """Which lengths run with both methods, which with ours alone, and how many repeats."""

    lengths: tuple[int, ...] = (11, 14, 17, 20, 24, 28)  # section 三, ours and the baseline
    ours_only: tuple[int, ...] = (40, 60, 80)  # section 三, ours alone
    review_lengths: tuple[int, ...] = (15, 19, 24)  # section 四, ours and the baseline
    review_ours_only: tuple[int, ...] = (29,)  # section 四, ours alone
    repeats: int = 5


FULL = Plan()
# Quick: the target lengths stay (28 and 80 by ours alone) so that every target is still judged.
QUICK = Plan(lengths=(11, 17, 24), ours_only=(28, 80), review_lengths=(15, 19), review_ours_only=(24,), repeats=1)


@dataclass(frozen=True)
class Case:
    section: str  # "三" or "四"
    label: str
    digits: str
    groups: tuple[Group, ...]

    @property
    def cells(self) -> int:
        return sum(g.cells for g in self.groups)

    @property
    def cut_sets(self) -> int:
        """How many sets of cuts the baseline tries: C(n - 1, cells - 1)."""
        return math.comb(len(self.digits) - 1, self.cells - 1)


@dataclass
class Result:
    case: Case
    with_baseline: bool
    ours_s: list[float] = field(default_factory=list)
    baseline_s: list[float] = field(default_factory=list)
    readings: int = 0
    truncated: bool = False  # ours stopped at LIMIT + 1 readings (the parser's limit)

    @property
    def ours_ms(self) -> float:
        return median(self.ours_s) * 1000

    @property
    def baseline_ms(self) -> float:
        return median(self.baseline_s) * 1000 if self.with_baseline else float("nan")

    @property
    def gain(self) -> float:
        """baseline / ours: how many times faster ours is."""
        return self.baseline_ms / self.ours_ms if self.with_baseline else float("nan")


def exhaustive_baseline(digits: str, groups: tuple[Group, ...]) -> list[list[int]]:
    """The BASELINE: the splitter the walk replaced (`_split_concatenated` in pipeline/parse.py before commit
    47507d7), which tried every set of cuts and kept those whose parts read as counts and add up.

    Two additions so that it reads exactly what ours reads (neither changes how many cut sets it tries):
    a part has at most MAX_CELL_DIGITS digits (ours never forms a longer cell), and several summed groups
    (section 四's blocks) are each checked, where the original knew only one group, the row (H2)."""
    width = sum(g.cells for g in groups)
    summed: list[tuple[int, int]] = []  # (first, last) cell index of each summed group
    start = 0
    for g in groups:
        if g.summed:
            summed.append((start, start + g.cells - 1))
        start += g.cells
    found = []
    for cuts in itertools.combinations(range(1, len(digits)), width - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)), strict=True)]
        if any((len(p) > 1 and p.startswith("0")) or len(p) > MAX_CELL_DIGITS for p in parts):
            continue
        nums = [int(p) for p in parts]
        if all(sum(nums[a:z]) == nums[z] for a, z in summed):
            found.append(nums)
    return found


def ours(digits: str, groups: tuple[Group, ...], limit: int = LIMIT) -> list[list[int]]:
    """The parser's cut of one run (no spaces kept: the worst case), as lists of counts."""
    pieces = (digits,)
    return [values_of(pieces, spans) for spans in segmentations(pieces, groups, limit)]


def _h2_row(counts: tuple[int, ...]) -> str:
    return "".join(map(str, counts)) + str(sum(counts))


def _checked(case: Case, length: int) -> Case:
    if len(case.digits) != length:  # a mistyped row would silently measure another length
        raise ValueError(f"{case.label}: {len(case.digits)} digits, listed under {length}")
    return case


def row_cases(length: int) -> list[Case]:
    """Section 三 runs of `length` digits: a plausible row, a mostly-zero row (where one fits), an all-'1'
    run and seeded random digits. At lengths where no valid row exists the zeros case is '1 0…0 1'."""
    cases = []
    if length in ROWS:
        cases.append(Case("三", "row (H2 holds)", _h2_row(ROWS[length]), ROW_GROUPS))
    if length in ZERO_ROWS:
        cases.append(Case("三", "mostly zeros (H2 holds)", _h2_row(ZERO_ROWS[length]), ROW_GROUPS))
    else:
        cases.append(Case("三", "1, zeros, 1 (no reading)", "1" + "0" * (length - 2) + "1", ROW_GROUPS))
    # A run of ones never reads: a total of m ones exceeds six parts of at most m - 1 ones each.
    cases.append(Case("三", "all 1s (no reading)", "1" * length, ROW_GROUPS))
    rng = random.Random(length)  # an int seed: the same digits on every machine and Python
    digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))
    cases.append(Case("三", "random digits (seed = length)", digits, ROW_GROUPS))
    return [_checked(c, length) for c in cases]


def review_cases(length: int) -> list[Case]:
    """Section 四 runs of `length` digits: the plausible row of REVIEW_ROWS."""
    if length not in REVIEW_ROWS:
        raise ValueError(f"no section 四 row of {length} digits (have {sorted(REVIEW_ROWS)})")
    digits = "".join(_h2_row(block) for block in REVIEW_ROWS[length])
    return [_checked(Case("四", "row (H4 holds per block)", digits, REVIEW_GROUPS), length)]


def _timed(fn: Callable[[], object]) -> float:
    gc.collect()  # the previous call's garbage is collected now, not during the timed call
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(case: Case, repeats: int, with_baseline: bool) -> Result:
    """`repeats` timed calls of ours (and of the baseline, interleaved, alternating which goes first so that
    load from other work falls on both alike), after an untimed call of each that checks they agree."""
    result = Result(case, with_baseline)
    found = ours(case.digits, case.groups)
    result.readings, result.truncated = len(found), len(found) > LIMIT
    if with_baseline:
        expected = exhaustive_baseline(case.digits, case.groups)
        everything = ours(case.digits, case.groups, limit=len(expected) + 1)  # the parser's limit lifted
        if everything != expected or found != expected[: LIMIT + 1]:
            raise AssertionError(
                f"{case.section} {case.label} {case.digits}: ours {everything[:3]}… ({len(everything)}), "
                f"baseline {expected[:3]}… ({len(expected)})"
            )
        result.readings, result.truncated = len(expected), False
    methods: list[tuple[list[float], Callable[[], object]]] = [
        (result.ours_s, lambda: segmentations((case.digits,), case.groups, LIMIT))
    ]
    if with_baseline:
        methods.append((result.baseline_s, lambda: exhaustive_baseline(case.digits, case.groups)))
    for r in range(repeats):
        for times, fn in methods[r % 2 :] + methods[: r % 2]:
            times.append(_timed(fn))
    log(
        f"digit_runs: {case.section} {len(case.digits)} digits, {case.label}: ours {result.ours_ms:.2f} ms"
        + (f", baseline {result.baseline_ms:.1f} ms" if with_baseline else "")
    )
    return result


def _slowest(results: list[Result], length: int) -> float:
    times = [r.ours_ms for r in results if r.case.section == "三" and len(r.case.digits) == length]
    return max(times) if times else float("nan")


def run(plan: Plan = FULL) -> Section:
    """The digit-run benchmark as a RESULTS section."""
    method = (
        "Time to cut one run of digits (no spaces kept) into the cells of a section 三 row (7 cells, the last "
        "the sum of the others: H2) or of section 四 (15 cells, three blocks of five each summed: H4). *ours*: "
        f"`segmentations((run,), groups, limit={LIMIT})` as the parser calls it. *baseline*: the exhaustive "
        "splitter it replaced, re-implemented in bench/digit_runs.py (`exhaustive_baseline`): every set of "
        "C(n − 1, cells − 1) cuts, kept where no part but '0' starts with 0, no part exceeds "
        f"{MAX_CELL_DIGITS} digits and the sums hold. On every input both run, they were checked to give the "
        f"same readings in the same order. Medians over {plan.repeats} timed call(s) of each, interleaved, "
        "with a garbage collection before each (the heap the process held before the benchmark frozen out of "
        "it). Inputs (deterministic): a plausible row, a mostly-zero row, an all-'1' run (no reading) and "
        "random digits (seeded by the length) per section 三 length; plausible rows for section 四. Ours runs "
        f"alone past {max(plan.lengths, default=0)} digits (三) and {max(plan.review_lengths, default=0)} (四): "
        "the baseline would take minutes. Targets, on section 三 and the slowest case at the length: ours ≤ "
        f"{TARGET_28_MS:g} ms at 28 digits, ours ≤ {TARGET_80_MS:g} ms at 80 digits, and baseline / ours ≥ "
        f"{TARGET_GAIN_24:g} at 24 digits (the least gain of its cases), written below as ours / baseline ≤ "
        f"{1 / TARGET_GAIN_24:g}."
    )
    section = Section("Cutting digit runs into cells: ours against the exhaustive splitter", method)
    results: list[Result] = []
    # Freeze what the process holds already (imports, other benchmarks' state under `make bench`, pytest's):
    # the collection before each timed call then scans only what earlier calls left, in milliseconds rather
    # than a tenth of a second each, and collections that fall inside a timed call cost the same whether
    # this benchmark runs alone or after the others.
    gc.collect()
    gc.freeze()
    try:
        for lengths, ours_only, cases_of in (
            (plan.lengths, plan.ours_only, row_cases),
            (plan.review_lengths, plan.review_ours_only, review_cases),
        ):
            for length in lengths:
                results += [measure(c, plan.repeats, with_baseline=True) for c in cases_of(length)]
            for length in ours_only:
                results += [measure(c, plan.repeats, with_baseline=False) for c in cases_of(length)]
    finally:
        gc.unfreeze()
    headers = ["digits", "case", "ours ms", "baseline ms", "baseline/ours", "readings", "cut sets (baseline)"]
    for name, title in (("三", "Section 三 rows: 7 cells, H2"), ("四", "Section 四: 15 cells, three H4 blocks")):
        rows = [
            [
                len(r.case.digits),
                r.case.label,
                r.ours_ms,
                r.baseline_ms,
                r.gain,
                f"> {LIMIT}" if r.truncated else r.readings,
                r.case.cut_sets,
            ]
            for r in results
            if r.case.section == name
        ]
        if rows:
            section.tables.append(Table(headers, rows, title))
    measured = {len(r.case.digits) for r in results if r.case.section == "三"}
    if 28 in measured:
        section.targets.append(
            Target("digit runs: ours, 28-digit 三 run (slowest case)", _slowest(results, 28), "≤", TARGET_28_MS, " ms")
        )
    if 80 in measured:
        section.targets.append(
            Target("digit runs: ours, 80-digit 三 run (slowest case)", _slowest(results, 80), "≤", TARGET_80_MS, " ms")
        )
    at_24 = [r for r in results if r.case.section == "三" and len(r.case.digits) == 24 and r.with_baseline]
    if at_24:
        least = min(at_24, key=lambda r: r.gain)
        section.targets.append(
            Target(
                f"digit runs: ours / baseline, 24-digit 三 run (least gain: {least.case.label})",
                1 / least.gain,
                "≤",
                1 / TARGET_GAIN_24,
                "×",
            )
        )
    _notes(section, results)
    return section


def _notes(section: Section, results: list[Result]) -> None:
    """The baseline's cost per cut set, what it would take where it was not run, and where ours is slow."""
    timed_baseline = [r for r in results if r.with_baseline and r.case.section == "三"]
    if timed_baseline:
        longest = max(len(r.case.digits) for r in timed_baseline)
        at_longest = [r for r in timed_baseline if len(r.case.digits) == longest]
        per_set_us = median([r.baseline_ms * 1000 / r.case.cut_sets for r in at_longest])
        alone = sorted({len(r.case.digits) for r in results if r.case.section == "三" and not r.with_baseline})
        estimates = ", ".join(
            f"{n} digits C({n - 1}, 6) = {math.comb(n - 1, 6):,} sets ≈ {_duration(math.comb(n - 1, 6) * per_set_us)}"
            for n in alone
        )
        section.notes.append(
            f"The baseline costs {per_set_us:.2f} µs per cut set (section 三, median of the {longest}-digit cases)"
            + (f"; where it was not run it would take, extrapolated: {estimates}." if estimates else ".")
        )
    slow = max((r for r in results if r.case.section == "三"), key=lambda r: r.ours_ms, default=None)
    if slow is not None:
        section.notes.append(
            f"Ours is slowest on {slow.case.label}, {len(slow.case.digits)} digits: {slow.ours_ms:.1f} ms. The "
            "walk memoises on the running sum, so it saves work only where different cuts of a prefix reach the "
            "same sum (zeros, repeated digits). On varied digits almost every cut of a prefix has its own sum, so "
            "the walk's states grow combinatorially with the length like the baseline's cut sets, only fewer of them "
            "(those whose sum still fits in the digits left), and the total is read off rather than cut."
        )


def _duration(us: float) -> str:
    seconds = us / 1e6
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.digit_runs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, help=f"timed calls per case (default {FULL.repeats})")
    parser.add_argument("--quick", action="store_true", help="fewer lengths, one repeat")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.repeats is not None:
        plan = replace(plan, repeats=args.repeats)
    print("\n".join(section_markdown(1, run(plan))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
