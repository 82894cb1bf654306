"""Run every benchmark and write bench/RESULTS.md (`make bench`).

    python -m bench.run                 # the full profile: 1,000-report corpus, 100k warehouse
    python -m bench.run --quick         # smoke test: 12 reports, 2,000-report warehouse, 1 repeat
    python -m bench.run --only digit_runs --out /tmp/digit_runs.md   # one benchmark, results elsewhere
    XXGK_BENCH_QUICK=1 make bench       # the same through make

The quick profile writes data/bench/RESULTS.quick.md (git-ignored) unless --out says otherwise, so a
smoke run never overwrites the committed full results.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import digit_runs, end_to_end, increments, national, ocr_pages, parse_pdf, warehouse_100k
from bench.common import BENCH_DIR, RESULTS_FILE, Section, log, machine_facts, now_utc, results_markdown, shown
from bench.corpus import DEFAULT_SEED, ensure_corpus


@dataclass(frozen=True)
class Profile:
    corpus_size: int
    pdf_share: float
    pdf_repeats: int
    noop_repeats: int
    synthetic_reports: int
    query_repeats: int
    digit_runs: digit_runs.Plan  # run lengths and repeats of the digit-run benchmark
    ocr_repeats: int


FULL = Profile(
    corpus_size=1000,
    pdf_share=0.02,
    pdf_repeats=5,
    noop_repeats=3,
    synthetic_reports=100_000,
    query_repeats=5,
    digit_runs=digit_runs.FULL,
    ocr_repeats=3,
)
QUICK = Profile(
    corpus_size=12,
    pdf_share=0.1,
    pdf_repeats=1,
    noop_repeats=1,
    synthetic_reports=2_000,
    query_repeats=1,
    digit_runs=digit_runs.QUICK,
    ocr_repeats=1,
)
# New benchmarks go last: the sections keep their numbers.
BENCHMARKS = ("parse_pdf", "end_to_end", "warehouse_100k", "digit_runs", "ocr_pages", "increments")


def run(profile: Profile, seed: int = DEFAULT_SEED, only: tuple[str, ...] = BENCHMARKS) -> list[Section]:
    """The benchmarks of `only`, in order, as RESULTS sections."""
    sections: list[Section] = []
    corpus_warehouse: Path | None = None
    if "parse_pdf" in only or "end_to_end" in only:
        corpus = ensure_corpus(profile.corpus_size, seed, profile.pdf_share)
        log(f"corpus {shown(corpus.folder)}: {len(corpus.files)} reports {corpus.formats()}")
    if "parse_pdf" in only:
        pdfs = [(corpus.folder / str(f["name"]), str(f["quirks"])) for f in corpus.files if f["format"] == "pdf"]
        sections.append(parse_pdf.run(pdfs, profile.pdf_repeats))
    if "end_to_end" in only:
        e2e, nightly, corpus_warehouse = end_to_end.run(corpus, profile.noop_repeats)
        sections += [e2e, nightly]
    if "warehouse_100k" in only:
        sections.append(warehouse_100k.run(profile.synthetic_reports, profile.query_repeats, corpus_warehouse))
    if "digit_runs" in only:  # needs no corpus: its inputs are built in bench/digit_runs.py
        sections.append(digit_runs.run(profile.digit_runs))
    if "ocr_pages" in only:  # the real report and its scan, made in the run
        sections.append(ocr_pages.run(profile.ocr_repeats))
    if "increments" in only:  # the five seeds, then one new report
        sections.append(increments.run(profile.noop_repeats))
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        default=bool(os.environ.get("XXGK_BENCH_QUICK")),
        help="small inputs, one repeat (also XXGK_BENCH_QUICK=1)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus generator seed")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only these (repeatable)")
    parser.add_argument("--out", type=Path, help="where to write the results (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    profile = QUICK if args.quick else FULL
    out = args.out or (BENCH_DIR / "RESULTS.quick.md" if args.quick else RESULTS_FILE)
    started_at, started = now_utc(), time.perf_counter()
    facts = machine_facts()
    sections = run(profile, args.seed, tuple(args.only or BENCHMARKS))
    command = "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv)
    text = results_markdown(facts, sections, command.strip(), started_at, time.perf_counter() - started)
    out.parent.mkdir(parents=True, exist_ok=True)
    # The national warehouse (`make bench-national`) is measured apart: its section stays.
    previous = national.section_in(out.read_text(encoding="utf-8")) if out.exists() else None
    if previous:
        text = national.with_section(text, previous)
    out.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {shown(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
