"""Real crawled pages (../shared/fixtures/wild/pingtan, 2009–2025), read in place: flattened one-line
bodies, cells run together, misprinted titles, reports from before the 2019 format. Every labelled cell
is right or NULL with a reason (never a wrong number), and no report is quarantined."""

import json
from pathlib import Path

import duckdb

# What the rules cannot decide in these files: the runs of section 二 in the 2019 format (no rule
# between 上一年项目数量, 本年增/减 and 处理决定数量; '898989' has ten cuts), and a section 四 whose
# published numbers break H4 ('00202000001324015' has no cut where every block adds up).
UNDECIDABLE = {
    "80576_平潭综合实验区2019年度政府信息公开工作年度报告__page.txt": {
        ("proactive", row, col)
        for row, cols in {
            "normative_documents": ("new_made", "new_published", "total_published"),
            "administrative_licensing": ("previous_year_items", "change", "decisions"),
            "other_external_services": ("previous_year_items", "change", "decisions"),
            "administrative_punishment": ("previous_year_items", "change", "decisions"),
            "administrative_coercion": ("previous_year_items", "change", "decisions"),
            "administrative_fees": ("previous_year_items", "change"),
            "government_procurement": ("items", "amount"),
        }.items()
        for col in cols
    },
    "96777_平潭综合实验区社会事业局2024年政府信息公开工作年度报告__page.txt": {
        ("review_litigation", block, col)
        for block in ("administrative_review", "litigation_direct", "litigation_after_review")
        for col in ("upheld", "corrected", "other", "pending", "total")
    },
}


def _expected(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.expected.json"))]


def test_no_real_report_is_quarantined(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    folder, con = wild
    assert con.execute("select count(*) from quarantine").fetchone() == (0,)
    pages = sorted(p.name for p in folder.glob("*__page.txt"))
    assert sorted(r[0] for r in con.execute("select source_file from reports").fetchall()) == pages
    older = con.execute(
        "select r.source_file, r.year, r.status, r.template, count(c.value) from reports r "
        "left join v_report_cells c using (source_file) where r.year < 2019 group by all order by r.year"
    ).fetchall()
    # Reports of the 2008 regulation are read in their own format (tests/test_pre2019.py): no template cell.
    assert [row[1] for row in older] == [2009, 2011, 2011, 2012, 2013, 2013, 2014, 2015, 2017, 2018]
    assert all(row[3:] == ("pre-2019", 0) for row in older)


def test_labelled_reports_cell_by_cell(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    folder, con = wild
    got: dict[tuple[str, str, str, str], float | None] = {
        (f, t, r, c): v
        for f, t, r, c, v in con.execute(
            "select source_file, table_name, row_key, col_key, value from v_report_cells"
        ).fetchall()
    }
    for exp in _expected(folder):
        name = exp["file"]
        missed = set()
        for table in ("proactive", "applications", "review_litigation"):
            for row, cols in exp[table].items():
                for col, want in cols.items():
                    have = got[(name, table, row, col)]
                    if have is None and want is not None:
                        missed.add((table, row, col))
                    else:
                        assert have == want, (name, table, row, col)  # never a wrong number
        assert missed == UNDECIDABLE.get(name, set()), name


def test_undecidable_cells_say_why(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    for name, cells in UNDECIDABLE.items():
        issues = con.execute(
            "select table_name, row_key, detail from parse_issues where source_file = $f "
            "and issue_code = 'ambiguous_segmentation'",
            {"f": name},
        ).fetchall()
        tables = {t for t, _, _ in issues}
        assert tables == {t for t, _, _ in cells}
    detail = con.execute(
        "select detail from parse_issues where source_file like '80576%' and row_key = 'normative_documents'"
    ).fetchone()
    assert detail is not None and detail[0].startswith("规范性文件: '898989' has 10 cuts into 3 cells (8 | 9 | 8989;")


def test_agency_and_year(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    folder, con = wild
    meta = dict(((f), (a, y)) for f, a, y in con.execute("select source_file, agency, year from reports").fetchall())
    for exp in _expected(folder):
        assert meta[exp["file"]] == (exp["agency"], exp["year"])
    assert meta["80751_平潭县卫生局2013年度政府信息公开情况总结__page.txt"] == ("平潭县卫生局", 2013)
    assert meta["80541_平潭综合实验区经济发展局2018年政务公开工作年度报告__page.txt"] == (
        "平潭综合实验区经济发展局",
        2018,
    )


def test_how_each_cell_was_read(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild

    def read(prefix: str, table: str, row: str) -> list[tuple]:
        return con.execute(
            "select col_key, value, raw_text, read_as, location from v_cell_sources "
            "where source_file like $p and table_name = $t and row_key = $r order by col_key",
            {"p": prefix + "%", "t": table, "r": row},
        ).fetchall()

    # '行政规范性文件1027': three cuts, only one where 现行有效 >= 本年制发.
    assert [r[:4] for r in read("96996", "proactive", "normative_documents")] == [
        ("in_force", 27.0, "27", "split_by_rule"),
        ("issued", 1.0, "1", "split_by_rule"),
        ("repealed", 0.0, "0", "split_by_rule"),
    ]
    # '1000001': seven digits for seven cells; each cell points at its own character.
    row = {r[0]: r for r in read("80607", "applications", "1")}
    assert row["total"][1:4] == (1.0, "1", "split_by_count")
    assert row["natural_person"][4].startswith("chars ")
    start = int(row["natural_person"][4].split()[1].split("-")[0])
    assert int(row["total"][4].split()[1].split("-")[0]) == start + 6
    # '230 000023' (the crawl kept two spaces): H2 leaves one cut.
    assert [r[1] for r in read("80576", "applications", "1")] == [0.0, 0.0, 23.0, 0.0, 0.0, 0.0, 23.0]
    assert {r[3] for r in read("80576", "applications", "1")} == {"split_by_rule"}
    # Space-separated cells are read one token per cell.
    assert {r[3] for r in read("80589", "applications", "3.7")} == {"by_label"}


def test_source_errors_stay_as_printed(wild: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    _, con = wild
    failures = con.execute(
        "select rule_id, scope, attribution from dq_results where source_file like '80607%' "
        "and severity = 'hard' and passed = false order by all"
    ).fetchall()
    assert failures == [("H1", "column natural_person", "source"), ("H1", "column total", "source")]
