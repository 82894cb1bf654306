"""The whole Dagster graph over the seeds, into a temporary warehouse: contract, rules, quarantine."""

import dagster as dg
import duckdb

from expectations.suites import validate
from pipeline import warehouse
from pipeline.rules import HARD, RULES
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells, expected_figures

SEED_002 = "002_06f53fae4bd534e1.txt"
SEED_003 = "003_226aef2534b3d20a.txt"


def test_graph_succeeds_with_every_rule_check(seed_run: tuple[dg.ExecuteInProcessResult, object]) -> None:
    result, _ = seed_run
    assert result.success
    every = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(every) == {f"rule_{r.id}" for r in RULES} | {"coverage_gaps"}
    evaluations = {name: e for name, e in every.items() if name.startswith("rule_")}
    failing = {name for name, e in evaluations.items() if not e.passed}
    assert failing == {"rule_H2", "rule_H3", "rule_C3", "rule_S4", "rule_S9", "rule_S12"}
    assert {e.severity.value for name, e in evaluations.items() if not e.passed and name[5] in "HD"} == {"ERROR"}
    assert {e.severity.value for name, e in evaluations.items() if not e.passed and name[5] in "CS"} == {"WARN"}
    h2 = evaluations["rule_H2"].metadata
    assert h2["failing_reports"].value == [SEED_002]
    assert h2["scopes_failed"].value == 5
    assert h2["scopes_not_assessable"].value == 25  # seed 003: every row lacks its 其他 cell


def test_report_cells_view_holds_every_seed_cell(seed_db: duckdb.DuckDBPyConnection) -> None:
    rows = seed_db.execute("select source_file, table_name, row_key, col_key, value from v_report_cells").fetchall()
    got: dict[str, dict] = {}
    for f, t, r, c, v in rows:
        got.setdefault(f, {})[(t, r, c)] = v
    for name in SEEDS:
        assert got[name] == expected_cells(expected(name)), name
    meta = seed_db.execute("select source_file, agency, year, template, format, status from reports").fetchall()
    assert {m[0]: m[1:3] for m in meta} == {n: (expected(n)["agency"], expected(n)["year"]) for n in SEEDS}
    assert {m[3] for m in meta} == {"2021"} and {m[4] for m in meta} == {"text"}


def test_hard_rules_on_the_seeds(seed_db: duckdb.DuckDBPyConnection) -> None:
    failed = seed_db.execute(
        "select source_file, rule_id, scope, attribution from dq_results "
        "where severity = 'hard' and passed = false order by all"
    ).fetchall()
    assert failed == [
        (SEED_002, "H2", "row 3.1", "source"),
        (SEED_002, "H2", "row 3.2", "source"),
        (SEED_002, "H2", "row 3.3.7", "source"),
        (SEED_002, "H2", "row 3.4.1", "source"),
        (SEED_002, "H2", "row 3.5.4", "source"),
        (SEED_002, "H3", "column total", "source"),
    ]


def test_not_assessable_is_null_never_a_pass(seed_db: duckdb.DuckDBPyConnection) -> None:
    h2 = seed_db.execute(
        "select count(*), count(passed) from dq_results where source_file = ? and rule_id = 'H2'", [SEED_003]
    ).fetchone()
    assert h2 == (25, 0)
    h1_other = seed_db.execute(
        "select passed, details from dq_results where source_file = ? and rule_id = 'H1' and scope = 'column other'",
        [SEED_003],
    ).fetchone()
    assert h1_other[0] is None and h1_other[1].startswith("not assessable")


def test_gx_verdicts_match_dq_results(seed_run: tuple[dg.ExecuteInProcessResult, object]) -> None:
    con = duckdb.connect(str(seed_run[1]), read_only=True)
    try:
        for rule in RULES:
            result = validate(rule, warehouse.rule_frame(con, rule))
            failing_sql = con.execute(
                "select source_file, scope from dq_results where rule_id = ? and passed = false order by all", [rule.id]
            ).fetchall()
            assert sorted(result.failures.select("source_file", "scope").iter_rows()) == failing_sql, rule.id
            assert result.success == (not failing_sql)
    finally:
        con.close()


def test_bad_files_are_quarantined_and_the_run_carries_on(seed_db: duckdb.DuckDBPyConnection) -> None:
    rows = seed_db.execute("select source_file, reason_code, reason from quarantine order by 1").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("empty.txt", "empty_file"), ("metadata.json", "not_a_report")]
    assert "JSON" in rows[1][2]
    assert seed_db.execute("select count(*) from reports").fetchone()[0] == 5


def test_severities_and_dimensions_come_from_the_catalogue(seed_db: duckdb.DuckDBPyConnection) -> None:
    assert seed_db.execute("select count(*) from dim_application_rows where is_data_row").fetchone()[0] == 26
    leaves = seed_db.execute("select count(*) from dim_application_rows where is_leaf and row_key <> '3.6'").fetchone()
    assert leaves[0] == 21
    hard = {r.id for r in RULES if r.severity == HARD}
    assert {r[0] for r in seed_db.execute("select rule_id from dim_rules where severity = 'hard'").fetchall()} == hard


def test_every_cell_points_to_its_source(seed_db: duckdb.DuckDBPyConnection) -> None:
    row = seed_db.execute(
        "select sha256, raw_text, location from v_cell_sources "
        "where source_file = ? and table_name = 'proactive' and row_key = 'administrative_fees'",
        ["000_2a55ae499e2e47bc.txt"],
    ).fetchone()
    assert len(row[0]) == 64 and row[1] == "17452.83"
    start, end = (int(x) for x in row[2].removeprefix("chars ").split("-"))
    text = (SEED_DIR / "000_2a55ae499e2e47bc.txt").read_text(encoding="utf-8")
    assert text[start:end] == "17452.83"
    unlocated = seed_db.execute(
        "select count(*) from v_cell_sources where semantic in ('number', 'zero') and location = ''"
    )
    assert unlocated.fetchone()[0] == 0


def test_soft_and_compliance_findings_on_the_seeds(seed_db: duckdb.DuckDBPyConnection) -> None:
    failed = seed_db.execute(
        "select source_file, rule_id, scope from dq_results "
        "where severity <> 'hard' and passed = false and rule_id <> 'C3' order by all"
    ).fetchall()
    assert failed == [
        (SEED_002, "S12", "report"),  # says 共五个部分 but has six
        (SEED_003, "S4", "proactive administrative_fees"),  # 227.3466 万元 vs 170.3466 listed in 元
        (SEED_003, "S9", "disputes per 100 requests"),  # 30 reviews and lawsuits on 47 requests
    ]
    s4 = seed_db.execute("select observed, expected from dq_results where rule_id = 'S4'").fetchone()
    assert s4 == (170.3466, 227.3466)


def test_narrative_figures_agree_with_the_tables(seed_db: duckdb.DuckDBPyConnection) -> None:
    for name in SEEDS:
        want = expected_figures(expected(name))
        got = dict(
            seed_db.execute(
                "select kind, arg_min(value, char_start) from narrative_figures where source_file = ? "
                "and kind <> 'fee_item_yuan' group by kind",
                [name],
            ).fetchall()
        )
        assert {k: got.get(k) for k in want} == want, name
    s5 = seed_db.execute("select count(*), count(*) filter (where passed) from dq_results where rule_id = 'S5'")
    assert s5.fetchone() == (5, 5)


def test_narrative_figures_point_into_their_section(seed_db: duckdb.DuckDBPyConnection) -> None:
    rows = seed_db.execute(
        "select f.value, substr(s.body, f.char_start + 1, f.char_end - f.char_start) from narrative_figures f "
        "join report_sections s on s.source_file = f.source_file and s.section_no = f.section_no "
        "where f.kind <> 'no_review_litigation'"
    ).fetchall()
    assert rows and all(str(int(value)) == printed for value, printed in rows)
