"""Benchmark 7: what one new report costs against building from scratch, measured in the same run.

The five seeds are built from scratch into a fresh warehouse, then one new report (seed 000 stated for
another year, so a new content hash and a new agency-year) is added; repeated, interleaved, medians.
Two ways, each measured the same way for both runs:

- `xxgk run`, a new process each run (as a shell or the Dagster daemon starts one), measured by
  `os.wait4`, step durations from its `-v` log;
- `xxgk watch`, one process that stays loaded: a watcher started on an empty folder (and ready), the
  five seeds dropped in, then the new report; each run's own wall clock as the watcher prints it, its
  CPU from /proc, its step durations from the watcher's `-v` log.

Target (issue 15): one new report ≤ 0.3 × the fresh five, judged on the watcher, where a run costs
what it does rather than what starting Python, Dagster and GX costs.

    python -m bench.increments [--repeats 3]
"""

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import BENCH_DIR, ChildRun, Section, Table, Target, log, median, section_markdown
from bench.end_to_end import ONE_NEW_RATIO_TARGET, as_child_run, breakdown, xxgk_run
from tests.conftest import SEED_DIR, SEEDS
from tests.support.watcher import WatchedRun, Watcher

NEW_REPORT_SOURCE = "000_2a55ae499e2e47bc.txt"


def _fresh(workdir: Path, with_seeds: bool = True) -> tuple[Path, Path]:
    shutil.rmtree(workdir, ignore_errors=True)
    raw = workdir / "raw"
    raw.mkdir(parents=True)
    if with_seeds:
        _copy_seeds(raw)
    return raw, workdir / "warehouse.duckdb"


def _copy_seeds(raw: Path) -> None:
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)


def _new_report(raw: Path, text: str) -> None:
    """The new report, written beside the folder and renamed in (as a careful copy does)."""
    tmp = raw.parent / ".new_2023.txt.part"
    tmp.write_text(text.replace("2022", "2023"), encoding="utf-8")
    tmp.replace(raw / "new_2023.txt")


def _listed(values: list[float]) -> str:
    return ", ".join(f"{x:.1f}" for x in values)


def _row(label: str, walls: list[float], runs: list[ChildRun] | list[WatchedRun]) -> list[object]:
    """A table row: the median wall clock, the median CPU, every round's wall clock."""
    return [label, median(walls), median([x.cpu_s for x in runs]), _listed(walls)]


def _middle(runs: list[ChildRun]) -> ChildRun:
    return sorted(runs, key=lambda x: x.wall_s)[len(runs) // 2]


def _cold(repeats: int, workdir: Path, text: str) -> tuple[list[ChildRun], list[ChildRun]]:
    fresh_runs: list[ChildRun] = []
    one_runs: list[ChildRun] = []
    for r in range(repeats):
        raw, warehouse = _fresh(workdir)
        log(f"increments, xxgk run: the five seeds from scratch ({r + 1}/{repeats})")
        fresh_runs.append(xxgk_run(raw, warehouse))
        _new_report(raw, text)
        log(f"increments, xxgk run: one new report ({r + 1}/{repeats})")
        one_runs.append(xxgk_run(raw, warehouse))
    return fresh_runs, one_runs


@dataclass
class WatchedRounds:
    fresh: list[WatchedRun] = field(default_factory=list)
    one: list[WatchedRun] = field(default_factory=list)
    ready_s: list[float] = field(default_factory=list)  # from start to "ready" (imports, GX, jieba)
    peak_rss_mb: list[float] = field(default_factory=list)


def _watched(repeats: int, workdir: Path, text: str) -> WatchedRounds:
    """Per round a watcher on an empty folder: ready, then the five seeds, then the new report."""
    rounds = WatchedRounds()
    for r in range(repeats):
        raw, warehouse = _fresh(workdir, with_seeds=False)
        watcher = Watcher(raw, warehouse, interval=0.2, verbose=True)
        try:
            rounds.ready_s.append(watcher.wait_ready())
            log(f"increments, xxgk watch ({r + 1}/{repeats}): ready in {rounds.ready_s[-1]:.1f} s")
            watcher.next_line()  # waiting for reports
            rounds.fresh.append(watcher.run_after(lambda raw=raw: _copy_seeds(raw)))
            rounds.one.append(watcher.run_after(lambda raw=raw: _new_report(raw, text)))
            rounds.peak_rss_mb.append(watcher.peak_rss_mb())
        finally:
            watcher.kill()
        for run in (rounds.fresh[-1], rounds.one[-1]):
            if not run.parsed_something:
                raise RuntimeError(f"the watcher's run failed: {run.line}; its log: {watcher.log_path}")
    return rounds


def run(repeats: int = 3, workdir: Path = BENCH_DIR / "increments") -> Section:
    section = Section(
        "Increments: one new report into the five seeds",
        f"The five seeds into a fresh warehouse (parse, load, judge, checks, Data Docs), then one new report "
        f"(seed 000 for another year); {repeats} rounds, medians of wall clock. Two ways: `xxgk run -v`, a "
        "new process each run (wall clock of the process), and `xxgk watch -v`, one process that stays "
        "loaded (a watcher started on an empty folder and ready, the seeds dropped in, then the new report; "
        "the wall clock of each run as the watcher prints it). Target: on the watcher, the increment ≤ "
        f"{ONE_NEW_RATIO_TARGET:g} × the fresh build.",
    )
    text = (SEED_DIR / NEW_REPORT_SOURCE).read_text(encoding="utf-8")
    cold_fresh, cold_one = _cold(repeats, workdir, text)
    watched = _watched(repeats, workdir, text)
    warm_fresh, warm_one = watched.fresh, watched.one
    fresh, one = median([x.wall_s for x in cold_fresh]), median([x.wall_s for x in cold_one])
    w_fresh, w_one = median([x.run_s for x in warm_fresh]), median([x.run_s for x in warm_one])
    section.tables.append(
        Table(
            ["run", "wall s (median)", "CPU s", "runs"],
            [
                _row("`xxgk run`: five seeds, fresh warehouse", [x.wall_s for x in cold_fresh], cold_fresh),
                _row("`xxgk run`: one new report into them", [x.wall_s for x in cold_one], cold_one),
                ["`xxgk run`: ratio", one / fresh, None, None],
                _row("`xxgk watch`: five seeds, fresh warehouse", [x.run_s for x in warm_fresh], warm_fresh),
                _row("`xxgk watch`: one new report into them", [x.run_s for x in warm_one], warm_one),
                ["`xxgk watch`: ratio", w_one / w_fresh, None, None],
            ],
        )
    )
    by_run = sorted(range(repeats), key=lambda i: warm_one[i].run_s)[repeats // 2]
    section.tables.append(
        breakdown(
            {
                "run: five, fresh": _middle(cold_fresh),
                "run: one new": _middle(cold_one),
                "watch: five, fresh": as_child_run(warm_fresh[by_run]),
                "watch: one new": as_child_run(warm_one[by_run]),
            }
        )
    )
    section.targets.append(
        Target("increment under `xxgk watch`: one new report / the fresh five", w_one / w_fresh, "≤",
               ONE_NEW_RATIO_TARGET)
    )  # fmt: skip
    section.notes += [
        f"`xxgk watch`: ready {_listed(watched.ready_s)} s after start (imports, GX and its suites, jieba), "
        f"peak RSS {max(watched.peak_rss_mb):.0f} MB; from the new file landing to the watcher's line "
        f"{median([x.latency_s for x in warm_one]):.1f} s (median; looks every 0.2 s, and a run starts once "
        "the folder held still for one look).",
        f"`xxgk run` pays its start-up in every run: the increment is {one:.1f} s there against "
        f"{w_one:.1f} s in the watcher (ratio {one / fresh:.2f} against {w_one / w_fresh:.2f}). The fresh five "
        f"cost {fresh:.1f} s with `xxgk run` and {w_fresh:.1f} s in a ready watcher.",
    ]
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.increments", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("\n".join(section_markdown(7, run(args.repeats))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
