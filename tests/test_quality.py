"""Data quality as a product: attribution, repairs kept beside the printed reading, reviews, scorecards."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from expectations.suites import JUDGE_VERSION, Judge, JudgingError, docs_judge
from pipeline import quality, warehouse
from pipeline.reviews import ReviewFileError, load_reviews
from pipeline.rules import RULES
from tests.conftest import SEED_DIR, materialize_into

SEED_001 = "001_1bd61549078e1a1a.txt"


ORG = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other")


@pytest.fixture(scope="module")
def repaired_db(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """Seed 001 with its row 一 printed without separators, two ways: one the rules can split back
    (310000031 → 31 0 0 0 0 0 31), one they split into numbers that break H1 (300000030)."""
    raw = tmp_path_factory.mktemp("raw")
    text = (SEED_DIR / SEED_001).read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量\t\t31\t0\t0\t0\t0\t0\t31\t"
    assert row in text
    (raw / "joined_ok.txt").write_text(text.replace(row, "一、本年新收政府信息公开申请数量 310000031"), "utf-8")
    (raw / "joined_bad.txt").write_text(text.replace(row, "一、本年新收政府信息公开申请数量 300000030"), "utf-8")
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    assert materialize_into(raw, db).success
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_concatenated_row_is_split_by_the_rules_and_flagged(repaired_db: duckdb.DuckDBPyConnection) -> None:
    rows = repaired_db.execute(
        "select col_key, value, repaired, raw_text, read_as from application_cells "
        "where source_file = 'joined_ok.txt' and row_key = '1' order by col_key"
    ).fetchall()
    assert {r[0]: r[1] for r in rows}["natural_person"] == 31
    assert {r[0]: r[1] for r in rows}["total"] == 31
    # Each cell keeps its own digits of the run; the cut is a rule-backed repair.
    assert {r[0]: r[3] for r in rows} == {c: "0" for c in ORG} | {"natural_person": "31", "total": "31"}
    assert all(r[2] and r[4] == "split_by_rule" for r in rows)
    failed = repaired_db.execute("select count(*) from dq_results where source_file = 'joined_ok.txt' "
                                 "and severity = 'hard' and not passed").fetchone()  # fmt: skip
    assert failed == (0,)


def test_failure_on_a_repaired_row_is_attributed_to_extraction(repaired_db: duckdb.DuckDBPyConnection) -> None:
    rows = repaired_db.execute(
        "select rule_id, scope, attribution from dq_results where source_file = 'joined_bad.txt' "
        "and severity = 'hard' and not passed order by all"
    ).fetchall()
    assert rows == [
        ("H1", "column natural_person", "extraction"),  # 一 30 + 二 0 != 三(七) 31 + 四 0
        ("H1", "column total", "extraction"),
        ("H5", "column natural_person", "extraction"),  # 三(七) 31 > 一 + 二 = 30
        ("H5", "column total", "extraction"),
    ]


def test_reviews_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "reviews.yaml"
    path.write_text("reviews:\n  - report: a.txt\n    rule: H9\n    verdict: confirmed\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="entry 1: unknown rule 'H9'"):
        load_reviews(path)
    path.write_text("reviews:\n  - report: a.txt\n    rule: H2\n    verdict: maybe\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="verdict must be one of confirmed, dismissed"):
        load_reviews(path)
    assert load_reviews(tmp_path / "absent.yaml").height == 0


def test_scorecards_apply_the_reviews(seed_db: duckdb.DuckDBPyConnection) -> None:
    cards = {
        r[0]: r[1:]
        for r in seed_db.execute(
            "select source_file, hard_failed, source_errors, confirmed, dismissed, warnings, completeness, score "
            "from v_report_scorecard"
        ).fetchall()
    }
    assert cards["002_06f53fae4bd534e1.txt"][:4] == (6, 6, 5, 0)  # H2 confirmed by the reviewer on 5 rows
    assert cards["003_226aef2534b3d20a.txt"][3:7] == (1, 1, 0.875, 87.5)  # S9 dismissed; 25 of 200 cells absent
    assert cards["001_1bd61549078e1a1a.txt"][-1] == 100.0
    by_year = seed_db.execute("select count(*), sum(reports) from v_agency_year_scorecard").fetchone()
    assert by_year == (5, 5)


def test_report_quality_is_recounted_with_the_verdicts(
    seed_run: tuple[dg.ExecuteInProcessResult, Path], tmp_path: Path
) -> None:
    """The scorecards read per-report counts stored when dq_results is rebuilt: a changed review
    changes them at the next rebuild, and they always equal a recount of dq_results."""
    copy = tmp_path / "w.duckdb"
    shutil.copy(seed_run[1], copy)
    con = duckdb.connect(str(copy))
    try:
        recount = (
            "select source_file, count(*) filter (where severity = 'hard' and passed),"
            " count(*) filter (where rule_id = 'C3') from dq_results group by all order by all"
        )
        stored = "select source_file, hard_passed, cells_expected from report_quality order by all"
        assert con.execute(stored).fetchall() == con.execute(recount).fetchall()
        assert len(con.execute(stored).fetchall()) == 5
        reviews = tmp_path / "reviews.yaml"
        reviews.write_text(
            "reviews:\n  - report: 002_06f53fae4bd534e1.txt\n    rule: H2\n    verdict: dismissed\n", "utf-8"
        )
        assert warehouse.load_reviews(con, load_reviews(reviews))
        run = quality.judge_warehouse(con, Judge().verdicts, JUDGE_VERSION, reviews_changed=True)
        assert (run.full, run.reports) == (False, 0)  # no verdict judged again: only the counts change
        row = con.execute(
            "select hard_failed, confirmed, dismissed from v_report_scorecard"
            " where source_file = '002_06f53fae4bd534e1.txt'"
        ).fetchone()
        assert row == (1, 0, 5)  # the five H2 rows no longer count as failures; H3 总计 still does
        assert con.execute(
            "select dismissed from report_quality where source_file = '003_226aef2534b3d20a.txt'"
        ).fetchone() == (0,)  # its S9 dismissal is gone from the reviews
    finally:
        con.close()


def test_s13_region_report_vs_the_bodies_inside_it(tmp_path: Path) -> None:
    """A province government's report (6 requests) against two city bureaus of that province in the
    same year (6 + 6): the hierarchy check warns on the province report only."""
    text = (SEED_DIR / "004_9d29cacfbc1688a2.txt").read_text(encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "huaibei.txt").write_text(text, "utf-8")
    (raw / "suzhou.txt").write_text(text.replace("淮北市公安局", "宿州市公安局"), "utf-8")
    (raw / "anhui.txt").write_text(text.replace("淮北市公安局", "安徽省人民政府"), "utf-8")
    db = tmp_path / "w.duckdb"
    assert materialize_into(raw, db).success
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select source_file, scope, observed, expected, passed, details from dq_results where rule_id = 'S13'"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        (
            "anhui.txt", "row 1 total", 6.0, 12.0, False,
            "一 总计 6.0 vs 2 bodies in the region: 12.0 (huaibei.txt, suzhou.txt)",
        )
    ]  # fmt: skip


def _frame(**columns: list) -> pl.DataFrame:  # type: ignore[type-arg]
    n = len(next(iter(columns.values())))
    return pl.DataFrame({"source_file": ["a.txt"] * n, "scope": [f"s{i}" for i in range(n)], **columns,
                         "details": [""] * n})  # fmt: skip


def test_one_judge_serves_many_validations_and_keeps_none() -> None:
    """The judge a long-lived process keeps (`xxgk watch`) answers every validation alike, failing rows
    named, and holds none of GX's results afterwards (they would pile up run after run)."""
    rule = next(r for r in RULES if r.id == "H2")
    frame = _frame(observed=[3.0, 5.0, None], expected=[3.0, 4.0, 1.0], assessable=[True, True, False])
    judge = Judge()
    for _ in range(3):
        assert judge.verdicts({rule: frame})[rule]["passed"].to_list() == [True, False, None]
        assert judge.verdicts({rule: frame.head(1)})[rule]["passed"].to_list() == [True]
    assert judge._context.validation_results_store.list_keys() == []


def test_rules_judged_together_get_their_own_suites_verdicts() -> None:
    """A run judges every rule's frame in one validation of the run suite, each expectation over its own
    columns: each scope gets the verdict its rule's own suite gives it, whatever the other rules hold
    in the same columns (H5's observed above expected fails H5 only; D4 expects nulls that H2 rejects)."""
    by_id = {r.id: r for r in RULES}
    frames = {
        by_id["H2"]: _frame(observed=[3.0, 5.0, None, 2.0], expected=[3.0, 4.0, 1.0, None],
                            assessable=[True, True, False, True]),
        by_id["H5"]: _frame(observed=[3.0, 5.0, 1.0], expected=[3.0, 4.0, 2.0], assessable=[True, True, True]),
        by_id["D1"]: _frame(observed=[1.0, -1.0, 2.0, 3.0], fraction=[0.0, 0.0, 0.5, None],
                            assessable=[True, True, True, True]),
        by_id["D4"]: _frame(observed=[None, 7.0], assessable=[True, True]),
        by_id["C1"]: _frame(observed=[1.0, 1.0, 2.0], expected=[1.0, 1.0, 1.0], in_order=[True, False, True],
                            assessable=[True, True, True]),
        by_id["C3"]: _frame(semantic=["number", "zero", "dash", None], assessable=[True, True, True, True]),
        by_id["S11"]: _frame(duplicate_of=[None, "b.txt"], assessable=[True, True]),
    }  # fmt: skip
    together = Judge().verdicts(frames)
    assert {rule.id: together[rule]["passed"].to_list() for rule in frames} == {
        "H2": [True, False, None, None],
        "H5": [True, False, True],
        "D1": [True, False, False, None],
        "D4": [True, False],
        "C1": [True, False, False],
        "C3": [True, True, False, None],
        "S11": [True, False],
    }
    alone = Judge()
    for rule, frame in frames.items():
        assert together[rule].equals(alone.validate(rule, frame).verdicts), rule.id
        assert together[rule].drop("passed").equals(frame), rule.id


def test_an_expectation_gx_cannot_evaluate_stops_the_judge() -> None:
    """GX fails an expectation that raised (text where H6 compares numbers) without listing a rejected
    row: read naively, every scope would pass. The judge says what went wrong instead."""
    rule = next(r for r in RULES if r.id == "H6")
    frame = _frame(observed=["x", "3"], assessable=[True, True])
    with pytest.raises(JudgingError, match="could not evaluate expect_column_values_to_be_between"):
        Judge().verdicts({rule: frame})
    with pytest.raises(JudgingError, match="could not evaluate expect_column_values_to_be_between"):
        Judge().validate(rule, frame)


def test_a_later_judge_reads_the_suites_a_data_docs_project_holds(tmp_path: Path) -> None:
    """A process's Data Docs judge registers a rule's suite, validation definition and checkpoint in the
    GX project on disk; a later process's judge (another `xxgk run`) reads them as they are instead of
    saving them again, keeps the project's datasource when it registers another rule (replacing it
    would drop the first rule's asset), and validates alike."""
    by_id = {r.id: r for r in RULES}
    frame = _frame(observed=[3.0, 5.0], expected=[3.0, 4.0], assessable=[True, True])
    first = Judge(tmp_path).validate(by_id["H2"], frame)
    stored = [tmp_path / "gx" / p for p in ("expectations/xxgk/H2.json", "validation_definitions/xxgk.H2.json",
                                            "checkpoints/xxgk.H2.json")]  # fmt: skip
    written = [p.stat().st_mtime_ns for p in stored]
    later = Judge(tmp_path)
    again = later.validate(by_id["H2"], frame)
    later.validate(by_id["H3"], frame)
    assert [p.stat().st_mtime_ns for p in stored] == written
    assert again.verdicts.equals(first.verdicts) and again.verdicts["passed"].to_list() == [True, False]
    assert again.identifier is not None and again.identifier != first.identifier
    project = (tmp_path / "gx" / "great_expectations.yml").read_text(encoding="utf-8")
    assert "rule_h2:" in project and "rule_h3:" in project


def test_a_new_data_docs_project_holds_every_rules_suite(tmp_path: Path) -> None:
    """The Data Docs judge of a new project registers every rule's suite at once: a rule with no scopes
    yet is listed too, and no later run pays for registering it."""
    docs_judge(tmp_path)
    checkpoints = sorted(p.name for p in (tmp_path / "gx" / "checkpoints").iterdir())
    assert checkpoints == sorted(f"xxgk.{r.id}.json" for r in RULES)
