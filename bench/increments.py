"""Benchmark 7: what one new report costs against building from scratch, measured in the same run.

The five seeds (tests/fixtures/seeds) are built from scratch into a fresh warehouse, then one new
report (seed 000 stated for another year, so a new content hash and a new agency-year) is added and
`xxgk run` runs again; repeated, interleaved, medians. Each run is a child process measured by
`os.wait4`; the step durations come from its `-v` log. Target (issue 15): one new report ≤ 0.3 × the
fresh five.

    python -m bench.increments [--repeats 3]
"""

import argparse
import shutil
import sys
from pathlib import Path

from bench.common import BENCH_DIR, ChildRun, Section, Table, Target, log, median, section_markdown
from bench.end_to_end import ONE_NEW_RATIO_TARGET, breakdown, xxgk_run
from tests.conftest import SEED_DIR, SEEDS

NEW_REPORT_SOURCE = "000_2a55ae499e2e47bc.txt"


def _fresh(workdir: Path) -> tuple[Path, Path]:
    shutil.rmtree(workdir, ignore_errors=True)
    raw = workdir / "raw"
    raw.mkdir(parents=True)
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    return raw, workdir / "warehouse.duckdb"


def _listed(runs: list[ChildRun]) -> str:
    return ", ".join(f"{x.wall_s:.1f}" for x in runs)


def _middle(runs: list[ChildRun]) -> ChildRun:
    return sorted(runs, key=lambda x: x.wall_s)[len(runs) // 2]


def run(repeats: int = 3, workdir: Path = BENCH_DIR / "increments") -> Section:
    section = Section(
        "Increments: one new report into the five seeds",
        f"`xxgk run -v` on the five seeds into a fresh warehouse (parse, load, judge, checks, Data Docs), then "
        f"one new report added (seed 000 for another year) and `xxgk run -v` again; {repeats} rounds, "
        "interleaved, medians of wall clock. Target: the increment ≤ "
        f"{ONE_NEW_RATIO_TARGET:g} × the fresh build.",
    )
    fresh_runs: list[ChildRun] = []
    one_runs: list[ChildRun] = []
    text = (SEED_DIR / NEW_REPORT_SOURCE).read_text(encoding="utf-8")
    for r in range(repeats):
        raw, warehouse = _fresh(workdir)
        log(f"increments: the five seeds from scratch ({r + 1}/{repeats})")
        fresh_runs.append(xxgk_run(raw, warehouse))
        (raw / "new_2023.txt").write_text(text.replace("2022", "2023"), encoding="utf-8")
        log(f"increments: one new report ({r + 1}/{repeats})")
        one_runs.append(xxgk_run(raw, warehouse))
    fresh, one = median([x.wall_s for x in fresh_runs]), median([x.wall_s for x in one_runs])
    section.tables.append(
        Table(
            ["run", "wall s (median)", "CPU s", "runs"],
            [
                ["five seeds, fresh warehouse", fresh, median([x.cpu_s for x in fresh_runs]), _listed(fresh_runs)],
                ["one new report into them", one, median([x.cpu_s for x in one_runs]), _listed(one_runs)],
                ["ratio", one / fresh, None, None],
            ],
        )
    )
    section.tables.append(breakdown({"five, fresh": _middle(fresh_runs), "one new": _middle(one_runs)}))
    section.targets.append(Target("increment: one new report / the fresh five", one / fresh, "≤", ONE_NEW_RATIO_TARGET))
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.increments", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("\n".join(section_markdown(7, run(args.repeats))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
