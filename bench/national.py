"""A warehouse the size of the country (`make bench-national`, not part of `make bench` or CI).

About 100,000–150,000 bodies publish a report every year; since 2008 that is well over a million
reports. This builds a synthetic warehouse of 1.5 million reports (the generator of bench/warehouse_100k.py:
same schema, value distributions and faults; 2008–2025 over 83,334 agencies, 200 cells a report, 300
million cells) and times the README's example queries, `bench/queries.sql` and the scorecards on it.

Verdicts: `dq_results` and `report_quality` of a sample of reports are judged by the pipeline's judge
(each rule's SQL, its GX suite deciding), then repeated over the other reports by position (report i
carries the verdicts of sample report i mod S): the shape and distribution of a judged warehouse.
Judging all 1.5 million with GX would take hours on two cores (the judge's throughput is measured here
on the sample).

Then the alternative shape for the same data, measured: the cell tables and `dq_results` as Parquet
partitions by year (ZSTD), read by DuckDB views, the same queries timed on it.

Targets (issue 15): each query < 5 s, peak RSS < 4 GB, on disk ≤ 20 GB. Results go into a section of
bench/RESULTS.md (beside the 100k figures), replaced in place.

    python -m bench.national [--reports 1500000] [--sample 5000] [--repeats 3]
"""

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

import duckdb

from bench import warehouse_100k as synthetic
from bench.common import (
    BENCH_DIR,
    PROJECT_ROOT,
    RESULTS_FILE,
    Section,
    Table,
    Target,
    log,
    machine_facts,
    now_utc,
    section_markdown,
)
from pipeline import warehouse

YEARS = tuple(range(2008, 2026))
CHUNK_REPORTS = 100_000  # reports generated per insert: bounds the generator's memory
MEMORY_LIMIT = "3GB"  # DuckDB's buffer pool: the 4 GB RSS target leaves room for Python and Arrow results
QUERY_TARGET_S = 5.0
RSS_TARGET_MB = 4096.0
DISK_TARGET_GB = 20.0
SECTION_TITLE = "A warehouse the size of the country"
README_QUERIES = PROJECT_ROOT / "README.md"
CELL_TABLES = ("application_cells", "proactive_cells", "review_litigation_cells")


def readme_queries() -> list[tuple[str, str]]:
    """The example queries of the README (its ```sql blocks), titled by their first comment line; a
    block's statements that name a report of the seeds are left out (they find nothing here)."""
    text = README_QUERIES.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.S):
        for statement in (s.strip() for s in block.split(";")):
            if not statement or ".txt'" in statement:
                continue
            comment = next((ln[2:].strip() for ln in statement.splitlines() if ln.startswith("--")), None)
            body = "\n".join(ln for ln in statement.splitlines() if not ln.startswith("--"))
            out.append((comment or " ".join(body.split())[:70], body))
    return out


def scorecard_queries() -> list[tuple[str, str]]:
    return [
        ("v_report_scorecard: every report", "select * from v_report_scorecard"),
        ("v_agency_year_scorecard: every agency and year", "select * from v_agency_year_scorecard"),
        (
            "v_agency_year_scorecard: the 100 worst agency-years of 2024",
            "select * from v_agency_year_scorecard where year = 2024 order by score nulls last limit 100",
        ),
    ]


def all_queries() -> list[tuple[str, str]]:
    timed = [(f"bench/queries.sql Q{q.number}. {q.title}", q.sql) for q in synthetic.load_queries()]
    return timed + [(f"README: {t}", s) for t, s in readme_queries()] + scorecard_queries()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(path: Path, n: int, sample: int) -> list[tuple[str, float, int]]:
    """The warehouse at `path`: (step, seconds, rows) per step."""
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False})
    steps: list[tuple[str, float, int]] = []

    def step(name: str, table: str | None, fn: object) -> None:
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        rows = con.execute(f"select count(*) from {table}").fetchall()[0][0] if table else 0
        steps.append((name, seconds, rows))
        log(f"national: {name}: {seconds:.1f} s, {rows:,} rows, RSS peak {_rss_mb():,.0f} MB")

    try:
        step(
            "schema and dim_regions", "dim_regions", lambda: (warehouse.ensure_schema(con), warehouse.load_regions(con))
        )
        step("report skeleton (temporary)", None, lambda: _skeleton(con, n))
        for first in range(0, n, CHUNK_REPORTS):
            last = min(n, first + CHUNK_REPORTS)
            step(f"reports {first:,}–{last:,} and their cells", None, lambda a=first, b=last: _chunk(con, a, b))
            if first == 0:
                judged = f"verdicts of the first {sample:,} reports, judged (rule SQL, GX)"
                step(judged, "dq_results", lambda: _judge_sample(con, sample))
        repeated = "verdicts of the other reports, repeated from the sample"
        step(repeated, "dq_results", lambda: _repeat_verdicts(con, sample))
        step("checkpoint", None, lambda: con.execute("checkpoint"))
    finally:
        con.close()
    return steps


def _skeleton(con: duckdb.DuckDBPyConnection, n: int) -> None:
    synthetic._setup_sql(con, n, YEARS)
    con.execute("alter table syn_reports rename to syn_all")


def _chunk(con: duckdb.DuckDBPyConnection, first: int, last: int) -> None:
    con.execute(
        "create or replace temp table syn_reports as select * from syn_all where i >= $a and i < $b",
        {"a": first, "b": last},
    )
    with warehouse.transaction(con):
        for insert in (synthetic._insert_reports, synthetic._insert_applications, synthetic._insert_proactive,
                       synthetic._insert_review, synthetic._insert_sections):  # fmt: skip
            insert(con)


def _judge_sample(con: duckdb.DuckDBPyConnection, sample: int) -> None:
    """Judge the first `sample` reports with the run's own judge (`quality.judge_warehouse`, in batches)."""
    from expectations.suites import JUDGE_VERSION, Judge
    from pipeline import quality

    judge = Judge()
    con.execute("create or replace temp table judged_sample as select source_file from syn_all where i < $s",
                {"s": sample})  # fmt: skip
    # The other reports of the chunk get their verdicts by repetition: they count as judged (a
    # report_quality row each), and the stored fingerprint is current, so the judge takes the sample only.
    con.execute("insert into report_quality (source_file) select source_file from reports "
                "where source_file not in (select source_file from judged_sample)")  # fmt: skip
    con.execute(
        "insert or replace into warehouse_meta values ('rules_fingerprint', $f)",
        {"f": quality.rules_fingerprint(JUDGE_VERSION)},
    )
    quality.judge_warehouse(con, judge.verdicts, JUDGE_VERSION)
    for table in ("dq_results", "report_quality"):  # cross-report rules also judged the others: repeated later
        con.execute(f"delete from {table} where source_file not in (select source_file from judged_sample)")


def _repeat_verdicts(con: duckdb.DuckDBPyConnection, sample: int) -> None:
    """Report i ≥ sample carries the verdicts and counts of sample report i mod sample."""
    with warehouse.transaction(con):
        con.execute(
            """
            create or replace temp table syn_map as
            select a.source_file, s.source_file as sample_file
            from syn_all as a join syn_all as s on s.i = a.i % $s
            where a.i >= $s
            """,
            {"s": sample},
        )
        con.execute(
            """
            insert into dq_results by name
            select m.source_file, d.rule_id, d.severity, d.scope, d.passed, d.observed, d.expected, d.details,
                   d.attribution
            from syn_map as m join dq_results as d on d.source_file = m.sample_file
            """
        )
        con.execute(
            """
            insert into report_quality by name
            select q.* replace (m.source_file as source_file)
            from syn_map as m join report_quality as q on q.source_file = m.sample_file
            """
        )


def export_parquet(path: Path, folder: Path) -> tuple[float, float]:
    """The cell tables and dq_results as Parquet partitions by year (ZSTD): (seconds, GB)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    con = duckdb.connect(str(path), read_only=True, config={"memory_limit": MEMORY_LIMIT})
    started = time.perf_counter()
    try:
        for table in (*CELL_TABLES, "dq_results"):
            con.execute(
                f"copy (select t.*, r.year from {table} as t join reports as r using (source_file)) "
                f"to '{folder / table}' (format parquet, partition_by (year), compression zstd)"
            )
    finally:
        con.close()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**30
    return seconds, size


def parquet_catalog(path: Path, folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose cell tables and dq_results are views over the Parquet partitions and
    whose other tables are those of the warehouse (attached read-only); the public views on top."""
    from pipeline.sql import load_sql

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    con.execute(f"attach '{path}' as src (read_only)")
    small = [t for t in warehouse.PUBLIC_TABLES if t not in (*CELL_TABLES, "dq_results")]
    for table in small:
        con.execute(f"create view {table} as select * from src.{table}")
    for table in (*CELL_TABLES, "dq_results"):
        con.execute(
            f"create view {table} as select * exclude (year) from "
            f"read_parquet('{folder / table}/*/*.parquet', hive_partitioning = true)"
        )
    for view in warehouse.VIEWS:
        con.execute(load_sql(view))
    return con


def time_queries(con: duckdb.DuckDBPyConnection, queries: list[tuple[str, str]], repeats: int) -> list[tuple]:
    con.execute("set enable_progress_bar = false")
    out = []
    for title, sql in queries:
        seconds, rows, runs = synthetic._timed_sql(con, sql, repeats)
        out.append((title, seconds, rows, runs))
        log(f"national: {title[:60]}: {seconds:.2f} s, {rows:,} rows, RSS peak {_rss_mb():,.0f} MB")
    return out


def run(n: int, sample: int, repeats: int, workdir: Path = BENCH_DIR / "national") -> Section:
    path = workdir / f"national-{n}.duckdb"
    section = Section(
        SECTION_TITLE,
        f"A synthetic warehouse of {n:,} reports in one DuckDB file with the product schema "
        f"(`python -m bench.national`, `make bench-national`): the generator of §4 over {len(YEARS)} years "
        f"({YEARS[0]}–{YEARS[-1]}), {-(-n // len(YEARS)):,} agencies, 200 cells a report, inserted "
        f"{CHUNK_REPORTS:,} reports at a time, DuckDB memory limit {MEMORY_LIMIT}. Verdicts: the first "
        f"{sample:,} reports judged by the pipeline's judge (rule SQL, GX suites), the others carrying the "
        f"verdicts of sample report i mod {sample:,}. Then the same data with the cell tables and "
        "`dq_results` as Parquet partitions by year (ZSTD) read through views. Queries: `bench/queries.sql`, "
        f"the README's examples and the scorecard views, each result fetched whole as an Arrow table, one "
        f"warm-up run then up to {repeats} runs, median. Peak RSS: this process's high-water mark (VmHWM).",
    )
    started = time.perf_counter()
    steps = build(path, n, sample)
    build_s = time.perf_counter() - started
    size_gb = path.stat().st_size / 2**30
    con = duckdb.connect(str(path), read_only=True, config={"memory_limit": MEMORY_LIMIT})
    try:
        counts = dict(
            zip(
                ("reports", "cells", "dq_results"),
                con.execute(
                    "select (select count(*) from reports), (select count(*) from v_report_cells), "
                    "(select count(*) from dq_results)"
                ).fetchall()[0],
                strict=True,
            )
        )
        timed = time_queries(con, all_queries(), repeats)
    finally:
        con.close()
    rss_duckdb = _rss_mb()
    parquet_dir = workdir / f"parquet-{n}"
    export_s, parquet_gb = export_parquet(path, parquet_dir)
    pcon = parquet_catalog(path, parquet_dir)
    try:
        timed_parquet = time_queries(pcon, all_queries(), repeats)
    finally:
        pcon.close()
    section.tables.append(
        Table(
            ["step", "s", "rows"],
            [[name, s, rows or None] for name, s, rows in steps] + [["total", build_s, None]],
            f"Build: {build_s / 60:.0f} min; {counts['reports']:,} reports, {counts['cells']:,} cells, "
            f"{counts['dq_results']:,} verdicts; file {size_gb:.1f} GB",
        )
    )
    by_title = {t: (s, r) for t, s, r, _ in timed_parquet}
    section.tables.append(
        Table(
            ["query", "s (DuckDB file)", "runs", "rows", "s (Parquet by year)", "rows"],
            [[t, s, runs, r, by_title[t][0], by_title[t][1]] for t, s, r, runs in timed],
            "Queries, median after a warm-up run",
        )
    )
    section.tables.append(
        Table(
            ["shape", "on disk GB", "written in s", "slowest query s"],
            [
                ["one DuckDB file (chosen)", size_gb, build_s, max(s for _, s, _, _ in timed)],
                [
                    "Parquet by year (cells, dq_results) + the other tables",
                    parquet_gb + _small_tables_gb(path),
                    export_s,
                    max(s for _, s, _, _ in timed_parquet),
                ],
            ],
            "The two shapes of the same data",
        )
    )
    for title, seconds, _, _ in timed:
        section.targets.append(Target(f"national: {title[:70]}", seconds, "<", QUERY_TARGET_S, " s"))
    section.targets += [
        Target("national: peak RSS (build and queries)", rss_duckdb, "<", RSS_TARGET_MB, " MB"),
        Target("national: DuckDB file on disk", size_gb, "≤", DISK_TARGET_GB, " GB"),
    ]
    return section


def _small_tables_gb(path: Path) -> float:
    """What the tables other than the cell tables and dq_results take on disk: copied into a DuckDB
    file of their own, measured, deleted."""
    other = path.with_name("other-tables.duckdb")
    other.unlink(missing_ok=True)
    con = duckdb.connect(str(other), config={"memory_limit": MEMORY_LIMIT})
    try:
        con.execute(f"attach '{path}' as src (read_only)")
        for table in warehouse.PUBLIC_TABLES:
            if table not in (*CELL_TABLES, "dq_results"):
                con.execute(f"create table {table} as select * from src.{table}")
        con.execute("checkpoint")
    finally:
        con.close()
    size = other.stat().st_size / 2**30
    other.unlink()
    return size


_SECTION = re.compile(rf"\n## \d+\. {re.escape(SECTION_TITLE)}\n.*?(?=\n## \d+\. |\Z)", re.S)


def with_section(text: str, section_text: str | None) -> str:
    """`text` (a RESULTS.md) with the national section replaced by `section_text` (markdown from its
    heading on, renumbered after the other sections), or dropped when None."""
    text = _SECTION.sub("", text).rstrip("\n")
    if section_text is None:
        return text + "\n"
    numbers = [int(x) for x in re.findall(r"^## (\d+)\. ", text, flags=re.M)]
    body = re.sub(r"^## \d+\. ", f"## {max(numbers, default=0) + 1}. ", section_text.strip("\n"), count=1)
    return f"{text}\n\n{body}\n"


def section_in(text: str) -> str | None:
    """The national section of a RESULTS.md, if it has one (`make bench` carries it over)."""
    found = _SECTION.search(text)
    return found[0] if found else None


def write_results(section: Section, results: Path = RESULTS_FILE) -> None:
    """Put the section into RESULTS.md in place of an earlier one (numbered after the others)."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    section.method += f" Measured {now_utc():%Y-%m-%d %H:%M} UTC on {machine_facts().get('cores', '?')} cores."
    results.write_text(with_section(text, "\n".join(section_markdown(0, section))), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_500_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS_FILE)
    parser.add_argument("--keep", action="store_true", help="keep the warehouse and Parquet (GBs) afterwards")
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    section = run(args.reports, args.sample, args.repeats)
    write_results(section, args.out)
    if not args.keep:
        shutil.rmtree(BENCH_DIR / "national", ignore_errors=True)
    print("\n".join(section_markdown(0, section)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
