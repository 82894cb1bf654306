"""The benchmark pieces on tiny inputs (no `xxgk run` child: that alone takes a minute), and the RESULTS
writer's headings. The full benchmarks are `make bench`."""

import math
from pathlib import Path

import duckdb
import pytest

from bench import common, corpus, digit_runs, national, parse_pdf, warehouse_100k
from bench.common import Section, Table, Target, results_markdown, section_markdown
from pipeline.settings import Settings
from pipeline.sniff import sniff
from tests.support import fuzz

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_corpus_is_generated_once_then_cached(tmp_path: Path) -> None:
    first = corpus.ensure_corpus(4, seed=5, pdf_share=0.0, root=tmp_path)
    assert not first.from_cache and len(first.paths()) == 4
    settings = Settings(raw_dir=first.folder, warehouse=tmp_path / "w.duckdb")
    for entry, path in zip(first.files, first.paths(), strict=True):
        assert sniff(path, settings).format == entry["format"]
    again = corpus.ensure_corpus(4, seed=5, pdf_share=0.0, root=tmp_path)
    assert again.from_cache and again.files == first.files
    mirror = tmp_path / "mirror"
    corpus.link_tree(first.folder, mirror)
    assert sorted(p.name for p in mirror.iterdir()) == sorted(p.name for p in first.paths())


def test_child_process_is_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "BENCH_DIR", tmp_path)
    run = common.run_child(["python3", "-c", "x = bytearray(64 * 2**20); print('ok')"])
    assert run.returncode == 0 and run.stdout.strip() == "ok"
    assert run.max_rss_mb >= 64 and run.wall_s > 0


@pytest.mark.skipif(not parse_pdf.REAL_PDF.exists(), reason="the real PDF fixture is absent")
def test_parse_benchmark_on_the_real_pdf() -> None:
    section = parse_pdf.run([], repeats=1)
    assert section.tables[0].rows[0][0] == parse_pdf.REAL_PDF.name
    # The targets are judged on the real report, as the issue checks them.
    assert [t.name for t in section.targets] == [
        f"PDF (real report {parse_pdf.REAL_PDF.name}): ours / floor",
        f"PDF (real report {parse_pdf.REAL_PDF.name}): ours / naive",
    ]
    assert all(t.measured > 0 for t in section.targets)
    stages = [row[0] for row in section.tables[1].rows]
    assert stages[-1] == "parse_document (sections, labels, cells)"
    assert any(s.startswith("table pages:") for s in stages)  # the real report's tables were read


def test_queries_run_on_a_tiny_synthetic_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warehouse_100k, "BENCH_DIR", tmp_path)
    section = warehouse_100k.run(n=50, repeats=1)
    path = tmp_path / "synthetic-50.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("select count(*) from reports").fetchone() == (50,)
        assert con.execute("select count(*) from application_cells").fetchone() == (50 * 175,)
        # the sums hold where no error was planted: H1 and H4 never fail
        failing = con.execute("select distinct rule_id from dq_results where not passed and rule_id in ('H1', 'H4')")
        assert failing.fetchall() == []
    finally:
        con.close()
    queries = warehouse_100k.load_queries()
    assert [q.number for q in queries] == [1, 2, 3, 4, 5]
    assert len(section.targets) == 5
    assert all(row[3] > 0 for row in section.tables[1].rows[:3])  # Q1–Q3 return rows


def test_digit_runs_benchmark_on_short_runs() -> None:
    # Tiny lengths and one repeat: this checks that the benchmark runs and renders, and (inside `measure`)
    # that ours reads what the baseline reads; how fast either is, is for `make bench` to say.
    plan = digit_runs.Plan(lengths=(11, 14), ours_only=(17,), review_lengths=(15,), review_ours_only=(19,), repeats=1)
    section = digit_runs.run(plan)
    rows, review = section.tables[0].rows, section.tables[1].rows
    labels = ["row (H2 holds)", "mostly zeros (H2 holds)", "all 1s (no reading)", "random digits (seed = length)"]
    assert [(r[0], r[1]) for r in rows] == [(n, label) for n in (11, 14, 17) for label in labels]
    assert [r[0] for r in review] == [15, 19]
    assert all(r[2] > 0 for r in rows + review)  # ours was timed everywhere
    with_baseline = [r for r in rows + review if r[0] in (11, 14, 15)]
    assert all(r[3] > 0 and r[4] > 0 for r in with_baseline)
    assert all(math.isnan(r[3]) for r in rows + review if r[0] in (17, 19))  # ours alone
    assert [r[5] for r in rows[:3]] == [1, 1, 0]  # 217 1 0 0 0 0 218 alone; a run of ones never reads
    assert section.targets == []  # no length a target is judged at (24, 28, 80) was measured
    text = "\n".join(section_markdown(5, section))
    assert text.startswith("## 5. Cutting digit runs into cells") and "| 11 | row (H2 holds) |" in text


def test_digit_runs_baseline_agrees_with_ours() -> None:
    groups = digit_runs.ROW_GROUPS
    assert digit_runs.exhaustive_baseline("21710000218", groups) == [[217, 1, 0, 0, 0, 0, 218]]
    both = [[1563, 1, 2, 0, 3, 17, 1586], [1563, 12, 0, 3, 1, 7, 1586]]  # the 14-digit row reads two ways
    assert digit_runs.exhaustive_baseline("15631203171586", groups) == both
    cases = [c for n in (11, 12, 13, 14) for c in digit_runs.row_cases(n)] + digit_runs.review_cases(15)
    for case in cases:
        expected = digit_runs.exhaustive_baseline(case.digits, case.groups)
        assert digit_runs.ours(case.digits, case.groups, limit=len(expected) + 1) == expected, case


def test_results_writer_headings() -> None:
    sections = [
        Section("PDF parse time", "how", [Table(["a", "b"], [["x", 1.5]])], [Target("PDF: ours / floor", 3.0, "≤", 5)]),
        Section("Nightly", "how", targets=[Target("nightly", 12.0, "≤", 10, " s")], notes=["a note"]),
        Section("Skipped one", "how", skipped="no LibreOffice"),
    ]
    text = results_markdown({"CPU": "test"}, sections, "python -m bench.run --quick", common.now_utc(), 1.0)
    lines = text.splitlines()
    for heading in (*common.HEADINGS, "## 1. PDF parse time", "## 2. Nightly", "## 3. Skipped one"):
        assert heading in lines
    assert "1 of 2 targets met." in text
    assert "| nightly | 12.0 s | ≤ 10 s | **missed** |" in text
    assert "Skipped: no LibreOffice" in text


def test_new_reports_do_not_reuse_corpus_seeds() -> None:
    chosen = corpus.choose_formats(5, 3, 0.0, start=4)
    assert [s for s, _ in chosen] == [9, 10, 11]
    assert {f for _, f in chosen} <= set(fuzz.DEFAULT_FORMATS)


def test_national_warehouse_on_a_tiny_scale(tmp_path: Path) -> None:
    """bench/national.py on 300 reports: the cells, verdicts judged on a sample and repeated, the same
    query results from the DuckDB file and from the Parquet partitions, the section written in place."""
    section = national.run(n=300, sample=40, repeats=1, workdir=tmp_path)
    con = duckdb.connect(str(tmp_path / "national-300.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from reports").fetchone() == (300,)
        assert con.execute("select count(*) from v_report_cells").fetchone() == (300 * 200,)
        # report i carries the verdicts of sample report i mod 40
        mismatched = con.execute(
            "with n as (select cast(regexp_extract(source_file, 'syn_(\\d+)', 1) as integer) as i, count(*) as k,"
            " list(rule_id || scope || coalesce(passed::varchar, '-') order by rule_id, scope) as v"
            " from dq_results group by source_file)"
            " select count(*) from n join n as s on s.i = n.i % 40 where n.k <> s.k or n.v <> s.v"
        ).fetchone()
        assert mismatched == (0,)
        assert con.execute("select count(distinct source_file) from dq_results").fetchone() == (300,)
        assert con.execute("select count(*) from report_quality").fetchone() == (300,)
    finally:
        con.close()
    queries = section.tables[1]
    assert len(queries.rows) == len(national.all_queries()) >= 13
    assert all(row[3] == row[5] for row in queries.rows)  # Parquet gives the same number of rows
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## 1. PDF parse time\n\ntext\n", encoding="utf-8")
    national.write_results(section, results)
    national.write_results(section, results)  # in place, not twice
    text = results.read_text(encoding="utf-8")
    assert text.count(f"## 2. {national.SECTION_TITLE}") == 1 and "## 1. PDF parse time" in text
    assert national.section_in(text) is not None
