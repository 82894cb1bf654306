"""Benchmark 4: a synthetic 100k-report warehouse, its load time, and the analytic queries of
bench/queries.sql on it.

The warehouse has the real schema (`pipeline.warehouse.ensure_schema` on a fresh DuckDB file, then the
pinned division list). Rows are generated in bulk by SQL, deterministically (hashes, not a random
generator): agencies over the 3,210 divisions and 20 kinds of body, each reporting 2021–2025 (2021
template), with per report 10 proactive, 175 application and 15 review/litigation cells whose sums
hold (H1–H4), the six section titles, 2% of reports with a 总计 one too high (H2) and 3% with blank
cells. `dq_results` is then judged as a run judges it (`pipeline.quality.judge_warehouse`: each rule's SQL,
its GX suite deciding), timed apart. Each query runs once to warm up, then up to `repeats` times; medians.

    python -m bench.warehouse_100k [--reports 100000] [--repeats 5]
"""

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.common import BENCH_DIR, PROJECT_ROOT, Section, Table, Target, log, median, section_markdown, shown
from pipeline import quality, warehouse
from pipeline.catalogue import REVIEW_BLOCKS, REVIEW_COLUMNS, SECTION_TITLES, SECTION_TOPICS, TEMPLATE_2021, TEMPLATES
from pipeline.settings import parser_version

QUERIES_FILE = PROJECT_ROOT / "bench" / "queries.sql"
QUERY_TARGET_S = 1.0
YEARS = (2021, 2022, 2023, 2024, 2025)
KINDS = (
    "人民政府",
    "人民政府办公室",
    "公安局",
    "自然资源和规划局",
    "生态环境局",
    "教育局",
    "财政局",
    "卫生健康委员会",
    "市场监督管理局",
    "交通运输局",
    "住房和城乡建设局",
    "司法局",
    "民政局",
    "退役军人事务局",
    "发展和改革委员会",
    "农业农村局",
    "应急管理局",
    "审计局",
    "人力资源和社会保障局",
    "医疗保障局",
)
PEOPLE = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other",
)
# Share of a column's handled requests going to each result leaf (before noise).
LEAF_WEIGHTS = {"3.1": 0.45, "3.2": 0.1, "3.4.1": 0.15, "3.5.1": 0.05, "3.5.2": 0.05}
DEFAULT_LEAF_WEIGHT = 0.015


@dataclass
class Query:
    number: int
    title: str
    sql: str


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    """The numbered queries of queries.sql: each starts at a `-- Qn. title` comment line and ends at a
    `;` that ends a line."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^-- Q(\d+)\. (.+?)$(.*?);[ \t]*$", text, flags=re.M | re.S):
        found.append(Query(int(match[1]), match[2].strip(), f"-- Q{match[1]}. {match[2]}{match[3]}".strip()))
    return found


def _setup_sql(con: duckdb.DuckDBPyConnection, n: int, years: tuple[int, ...] = YEARS) -> None:
    """Temporary helper tables: the report skeleton (n reports: n / len(years) agencies, each reporting
    every year), the application row catalogue with weights."""
    template = TEMPLATES[TEMPLATE_2021]
    rows = [
        (r.key, r.is_leaf, i, LEAF_WEIGHTS.get(r.key, DEFAULT_LEAF_WEIGHT))
        for i, r in enumerate(template.application_rows)
    ]
    con.execute("create or replace temp table syn_rows (row_key varchar, is_leaf boolean, ord integer, weight double)")
    con.executemany("insert into syn_rows values (?, ?, ?, ?)", rows)
    con.execute("create or replace temp table syn_people (col_key varchar, ord integer)")
    con.executemany("insert into syn_people values (?, ?)", [(c, i) for i, c in enumerate(PEOPLE)])
    # u(key, salt): a uniform number in [0, 1) from a hash (the same warehouse on every run); pick: 0..n-1
    con.execute("create or replace temp macro u(k, salt) as (hash(k, salt) % 1000003) / 1000003.0")
    con.execute("create or replace temp macro pick(k, salt, n) as cast(hash(k, salt) % n as bigint)")
    con.execute(
        "create or replace temp table syn_regions as "
        "select row_number() over (order by division_code) - 1 as k, * from dim_regions"
    )
    agencies = -(-n // len(years))
    con.execute(
        f"""
        create or replace temp table syn_reports as
        select
            i,
            printf('syn_%06d.%s', i, ['txt', 'html', 'docx', 'pdf'][1 + pick(i, 'fmt', 4)]) as source_file,
            i % {agencies} as agency_id,
            {years[0]} + i // {agencies} as year,
            [0, 3, 10, 60, 400, 5000][1 + pick(i, 'scale', 6)] as scale,
            u(i, 'h2') < 0.02 as h2_error,
            u(i, 'blank') < 0.03 as has_blanks
        from range({n}) as t(i)
        """
    )


def _insert_reports(con: duckdb.DuckDBPyConnection) -> None:
    """One report per agency and year: agency i sits in division (i × 7919) mod 3,210 (a permutation)
    and is body kind (i // 3,210) mod 20, so every agency name is distinct up to 64,200 agencies."""
    regions = con.execute("select count(*) from syn_regions").fetchone()[0]  # type: ignore[index]
    con.execute(
        """
        insert into reports by name
        select
            s.source_file,
            sha256(s.source_file) as sha256,
            case split_part(s.source_file, '.', 2) when 'txt' then 'text' else split_part(s.source_file, '.', 2) end
                as format,
            g.name || k.kind as agency,
            g.name || k.kind as agency_normalised,
            k.kind as agency_kind,
            case when k.kind = '人民政府' and g.level = 'county' and u(s.agency_id, 'town') < 0.3 then 'township'
                 else g.level end as agency_level,
            false as agency_corrected,
            g.province, g.city, g.county,
            null as township,
            g.division_code,
            s.year,
            g.name || k.kind || s.year || '年政府信息公开工作年度报告' as title,
            '2021' as template,
            'parsed' as status,
            cast(u(s.i, 'issues') * 3 as integer) as issue_count,
            s.year as period_year,
            6 as stated_parts,
            make_date(s.year + 1, 1, 10 + cast(u(s.i, 'day') * 21 as integer)) as published_on,
            $version as parser_version,
            now()::timestamp as ingested_at
        from syn_reports as s
        join syn_regions as g on g.k = (s.agency_id * 7919) % $regions
        join (select unnest($kinds) as kind, generate_subscripts($kinds, 1) - 1 as kk) as k
            on k.kk = (s.agency_id // $regions) % len($kinds)
        """,
        {"version": parser_version(), "kinds": list(KINDS), "regions": regions},
    )


_CELL_COLUMNS = """
    case when value is null then 'blank' when value = 0 then 'zero' else 'number' end as semantic,
    case when value is null then '' else cast(cast(value as bigint) as varchar) end as raw_text,
    0 as decimals, false as repaired
"""


def _insert_applications(con: duckdb.DuckDBPyConnection) -> None:
    """Section 三: leaves by weight and noise; 三(七) their sum; 二 and 四 small shares of it; 一 so that
    一 + 二 = 三(七) + 四 (H1); 总计 the sum of the six applicant columns (H2), one too high in 2%."""
    con.execute(
        f"""
        insert into application_cells by name
        with active as (
            select s.i, s.source_file, s.scale, s.h2_error, s.has_blanks, p.col_key,
                   case when p.col_key = 'natural_person' then 1.0
                        when u(s.i, p.col_key) < 0.3 then 0.15 else 0.0 end as share
            from syn_reports as s cross join syn_people as p
        ),
        leaves as (
            select a.*, r.row_key, floor(a.scale * a.share * r.weight * 2 * u(a.i, r.row_key || a.col_key)) as value
            from active as a join syn_rows as r on r.is_leaf
        ),
        columns as (
            select i, source_file, col_key, any_value(scale) as scale, sum(value) as handled
            from leaves group by all
        ),
        derived as (
            select c.*, floor(c.handled * 0.05 * u(c.i, 'carried' || c.col_key)) as carried,
                   floor(c.handled * 0.08 * u(c.i, 'pending' || c.col_key)) as pending
            from columns as c
        ),
        people as (
            select i, source_file, row_key, col_key, value from leaves
            union all select i, source_file, '3.7', col_key, handled from derived
            union all select i, source_file, '2', col_key, carried from derived
            union all select i, source_file, '4', col_key, pending from derived
            union all select i, source_file, '1', col_key, handled + pending - carried from derived
        ),
        with_total as (
            select i, source_file, row_key, col_key, value from people
            union all
            select p.i, p.source_file, p.row_key, 'total', sum(p.value) + case when s.h2_error and p.row_key = '3.1'
                then 1 else 0 end
            from people as p join syn_reports as s using (i)
            group by p.i, p.source_file, p.row_key, s.h2_error
        ),
        final as (
            select
                w.source_file, w.row_key, w.col_key,
                case when s.has_blanks and w.value = 0 and w.col_key not in ('natural_person', 'total') then null
                     else w.value end as value
            from with_total as w join syn_reports as s using (i)
        )
        select source_file, row_key, col_key, value, {_CELL_COLUMNS} from final
        """
    )


def _insert_proactive(con: duckdb.DuckDBPyConnection) -> None:
    """Section 二: documents made, repealed and in force (in force ≥ made), decisions, the fee; 20% of
    bodies print 规章 as "/" (no rule-making power)."""
    con.execute(
        """
        insert into proactive_cells by name
        with cells as (
            select s.source_file, c.row_key, c.col_key,
                case
                    when c.row_key = 'regulations' and u(s.agency_id, 'no_rules') < 0.2 then null
                    when c.col_key = 'issued' then floor(u(s.i, c.row_key || 'i') * 8)
                    when c.col_key = 'repealed' then floor(u(s.i, c.row_key || 'r') * 4)
                    when c.col_key = 'in_force' then floor(u(s.i, c.row_key || 'i') * 8) + floor(u(s.i, c.row_key) * 60)
                    when c.col_key = 'decisions' then floor(pow(10, 1 + 4 * u(s.i, c.row_key)))
                    else round(pow(u(s.i, 'fee'), 3) * 1000, 2)
                end as value,
                c.row_key = 'regulations' and u(s.agency_id, 'no_rules') < 0.2 as na
            from syn_reports as s
            cross join (select * from dim_proactive_items where template = '2021') as c
        )
        select source_file, row_key, col_key, value,
            case when na then 'na' when value = 0 then 'zero' else 'number' end as semantic,
            case when na then '/' else cast(value as varchar) end as raw_text,
            case when col_key = 'amount_10k_yuan' then 2 else 0 end as decimals, false as repaired
        from cells
        """
    )


def _insert_review(con: duckdb.DuckDBPyConnection) -> None:
    """Section 四: three blocks × 维持/纠正/其他/尚未审结, 总计 their sum (H4)."""
    blocks = [b.key for b in REVIEW_BLOCKS]
    parts = [c.key for c in REVIEW_COLUMNS if c.key != "total"]
    con.execute(
        f"""
        insert into review_litigation_cells by name
        with parts as (
            select s.source_file, s.i, b.row_key, p.col_key,
                floor(u(s.i, b.row_key || p.col_key) * [0, 0, 3, 20][1 + pick(s.i, b.row_key, 4)]) as value
            from syn_reports as s
            cross join (select unnest($blocks) as row_key) as b
            cross join (select unnest($parts) as col_key) as p
        ),
        cells as (
            select source_file, row_key, col_key, value from parts
            union all
            select source_file, row_key, 'total', sum(value) from parts group by source_file, row_key
        )
        select source_file, row_key, col_key, value, {_CELL_COLUMNS} from cells
        """,
        {"blocks": blocks, "parts": parts},
    )


def _insert_sections(con: duckdb.DuckDBPyConnection) -> None:
    titles = [(n, "一二三四五六"[n - 1] + "、" + t[0], SECTION_TOPICS[n]) for n, t in SECTION_TITLES.items()]
    con.execute("create or replace temp table syn_titles (section_no integer, title varchar, topic varchar)")
    con.executemany("insert into syn_titles values (?, ?, ?)", titles)
    con.execute(
        """
        insert into report_sections by name
        select s.source_file, t.section_no, t.title, t.topic, t.section_no * 10 as first_line, '' as body
        from syn_reports as s cross join syn_titles as t
        """
    )


def build(path: Path, n: int) -> list[tuple[str, float, int]]:
    """A fresh synthetic warehouse of n reports at `path`: (step, seconds, rows) per step."""
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    steps: list[tuple[str, float, int]] = []

    def step(name: str, table: str | None, fn: object) -> None:
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        seconds = time.perf_counter() - started
        rows = con.execute(f"select count(*) from {table}").fetchone()[0] if table else 0  # type: ignore[index]
        steps.append((name, seconds, rows))
        log(f"warehouse_100k: {name}: {seconds:.1f} s, {rows:,} rows")

    try:
        step(
            "schema (ensure_schema) and dim_regions",
            "dim_regions",
            lambda: (warehouse.ensure_schema(con), warehouse.load_regions(con)),
        )
        step("report skeleton (temporary)", None, lambda: _setup_sql(con, n))
        step("reports", "reports", lambda: _insert_reports(con))
        step("application_cells", "application_cells", lambda: _insert_applications(con))
        step("proactive_cells", "proactive_cells", lambda: _insert_proactive(con))
        step("review_litigation_cells", "review_litigation_cells", lambda: _insert_review(con))
        step("report_sections", "report_sections", lambda: _insert_sections(con))
        step("checkpoint", None, lambda: con.execute("checkpoint"))
        step(
            "dq_results (judge_warehouse: every rule's SQL, its GX suite deciding)",
            "dq_results",
            lambda: (_judge_all(con), con.execute("checkpoint")),
        )
    finally:
        con.close()
    return steps


def _judge_all(con: duckdb.DuckDBPyConnection) -> None:
    from expectations.suites import JUDGE_VERSION, Judge

    judge = Judge()
    quality.judge_warehouse(con, judge.verdicts, JUDGE_VERSION)


def _timed_sql(con: duckdb.DuckDBPyConnection, sql: str, repeats: int) -> tuple[float, int, int]:
    """(median seconds, rows, runs) of a query, its whole result fetched as an Arrow table (as polars,
    pandas or an export would take it), after one warm-up run; a query slower than 5 s is repeated less
    (at least once) so that a slow one does not dominate the benchmark's duration."""
    started = time.perf_counter()
    rows = con.sql(sql).to_arrow_table().num_rows
    warm = time.perf_counter() - started
    runs = max(1, min(repeats, int(10 / max(warm, 1e-9))))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        con.sql(sql).to_arrow_table()
        times.append(time.perf_counter() - started)
    return median(times), rows, runs


def time_queries(path: Path, queries: list[Query], repeats: int) -> list[tuple[Query, float, int, int]]:
    """(query, median seconds, rows, runs) on a read-only connection."""
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set enable_progress_bar = false")
    out = []
    try:
        for q in queries:
            seconds, rows, runs = _timed_sql(con, q.sql, repeats)
            out.append((q, seconds, rows, runs))
            log(f"warehouse_100k: {path.name}: Q{q.number} {seconds * 1000:.0f} ms, {rows} rows")
    finally:
        con.close()
    return out


def run(n: int = 100_000, repeats: int = 5, corpus_warehouse: Path | None = None) -> Section:
    """Benchmark 4 as a RESULTS section (and the queries on the corpus warehouse, when given)."""
    path = BENCH_DIR / f"synthetic-{n}.duckdb"
    queries = load_queries()
    agencies = -(-n // len(YEARS))
    section = Section(
        f"Synthetic {n:,}-report warehouse: load time and analytic queries",
        f"A fresh DuckDB file with the real schema (`warehouse.ensure_schema`, then the pinned division "
        f"list), rows generated in bulk by SQL from hashes (the same warehouse every run): {agencies:,} "
        f"agencies over the 3,210 divisions and {len(KINDS)} kinds of body, each reporting "
        f"{YEARS[0]}–{YEARS[-1]} in the 2021 template; per report 10 proactive, 175 application and 15 "
        "review/litigation cells whose sums hold (H1–H4), the six section titles; 2% of reports print a "
        "总计 one too high (H2), 3% leave zeros blank. `dq_results` is judged as a run judges it "
        "(`quality.judge_warehouse`: each rule's SQL, its GX suite deciding). Then the five queries of "
        "`bench/queries.sql` on a read-only connection, each whole result fetched as an Arrow table: "
        "one warm-up run, then up to "
        f"{repeats} runs (fewer for a query over 5 s), median. "
        f"Target: every query < {QUERY_TARGET_S:g} s.",
    )
    started = time.perf_counter()
    steps = build(path, n)
    total = time.perf_counter() - started
    load = sum(s for name, s, _ in steps if not name.startswith("dq_results"))
    section.tables.append(
        Table(
            ["step", "s", "rows"],
            [[name, s, rows] for name, s, rows in steps] + [["total", total, None]],
            f"Load: {load:.0f} s for the tables, {total:.0f} s with the rules; file "
            f"{path.stat().st_size / 2**20:,.0f} MB",
        )
    )
    timed = time_queries(path, queries, repeats)
    corpus = (
        {q.number: (s, r) for q, s, r, _ in time_queries(corpus_warehouse, queries, repeats)}
        if corpus_warehouse
        else {}
    )
    headers = ["query", f"ms ({n:,} reports)", "runs", "rows"]
    headers += ["ms (corpus warehouse)", "rows"] if corpus else []
    rows = []
    for q, seconds, count, runs in timed:
        extra = [corpus[q.number][0] * 1000, corpus[q.number][1]] if corpus else []
        rows.append([f"Q{q.number}. {q.title}", seconds * 1000, runs, count, *extra])
        section.targets.append(Target(f"{n // 1000}k warehouse: Q{q.number}", seconds, "<", QUERY_TARGET_S, " s"))
    caption = "bench/queries.sql, median after a warm-up run"
    if corpus_warehouse:
        caption += f"; the corpus warehouse is {shown(corpus_warehouse)}"
    section.tables.append(Table(headers, rows, caption))
    dq_rows = next(rows for name, _, rows in steps if name.startswith("dq_results"))
    section.notes.append(
        f"`dq_results` holds {dq_rows:,} verdicts ({dq_rows / n:.0f} per report: C3 and D1 give one per "
        "cell). The scorecard views (Q4) do not aggregate them at query time: they read `report_quality`, "
        "the per-report counts after reviewer verdicts that `judge_warehouse` stores (timed within the "
        "dq_results step above)."
    )
    missed = [t.name for t in section.targets if not t.met]
    if missed:
        section.notes.append(f"Gap: {', '.join(missed)} over {QUERY_TARGET_S:g} s on this machine in this run.")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.warehouse_100k", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--corpus-warehouse", type=Path, help="also time the queries on this warehouse")
    args = parser.parse_args(argv)
    print("\n".join(section_markdown(4, run(args.reports, args.repeats, args.corpus_warehouse))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
