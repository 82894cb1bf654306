"""One judge per rule (issue 15): for every rule and scope, the verdict `dq_results` stores is the one
the rule's GX suite gives over the whole warehouse, and the asset checks and the Data Docs summary
show exactly those verdicts, not assessable included. Each warehouse is built in two runs (half of
the files, then the rest), so the verdicts compared are those of an incremental run.

Corpora: the seeds, the real fixtures and the wild crawled pages of ../shared (skipped without it),
and a fuzz corpus made by the generator (tests/support/fuzz.py), degraded cases among them."""

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.plan import materialize_all
from bench.corpus import render_reports
from expectations.suites import validate
from pipeline import quality, warehouse
from pipeline.rules import RULES
from pipeline.settings import Settings
from tests.conftest import SEED_DIR, SEEDS, require_shared


def _seeds() -> list[Path]:
    return [SEED_DIR / name for name in SEEDS]


def _real() -> list[Path]:
    folder = require_shared("fixtures", "real")
    return sorted(p for p in folder.iterdir() if p.suffix in (".pdf", ".html"))


def _wild() -> list[Path]:
    folder = require_shared("fixtures", "wild", "pingtan")
    return sorted(p for p in folder.iterdir() if p.name.endswith(".txt"))


def _fuzz(tmp: Path) -> list[Path]:
    # Seeds from 91000: cases the tuning never looked at; text, HTML and DOCX (no LibreOffice needed).
    chosen = [(91000 + i, ("text", "html", "docx")[i % 3]) for i in range(24)]
    return sorted(tmp / str(e["name"]) for e in render_reports(chosen, tmp, prefix="f"))


CORPORA = {"seeds": lambda tmp: _seeds(), "real": lambda tmp: _real(), "wild": lambda tmp: _wild(), "fuzz": _fuzz}


@pytest.fixture(scope="module", params=list(CORPORA))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    files = CORPORA[request.param](tmp_path_factory.mktemp("source"))
    raw = tmp_path_factory.mktemp("raw")
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path_factory.mktemp("wh") / "w.duckdb")
    instance = dg.DagsterInstance.ephemeral()
    half = len(files) // 2
    for batch in (files[:half], files[half:]):
        for path in batch:
            shutil.copy(path, raw / path.name)
        result = materialize_all(settings, instance)
        assert result.success
    return request.param, settings, result


def _rows(rows: list[tuple]) -> Counter:
    """Verdict rows as a multiset, NaN quantities (0/0 ratios) as None: NaN never equals itself."""
    return Counter(tuple(None if v != v else v for v in row) for row in rows)


def _stored(con: duckdb.DuckDBPyConnection, rule_id: str) -> Counter:
    return _rows(
        con.execute(
            "select source_file, scope, observed, expected, details, passed from dq_results where rule_id = ?",
            [rule_id],
        ).fetchall()
    )


def test_stored_verdicts_are_the_suites_verdicts_over_the_whole_warehouse(built) -> None:  # type: ignore[no-untyped-def]
    name, settings, _ = built
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        judged = 0
        for rule in RULES:
            verdicts = validate(rule, warehouse.rule_frame(con, rule)).verdicts
            again = _rows(verdicts.select("source_file", "scope", "observed", "expected", "details", "passed").rows())
            assert _stored(con, rule.id) == again, f"{name}: {rule.id}"
            judged += verdicts.height
        assert judged > 0
    finally:
        con.close()


def test_checks_show_the_stored_verdicts(built) -> None:  # type: ignore[no-untyped-def]
    name, settings, result = built
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations() if e.check_name.startswith("rule_")}
    assert set(evaluations) == {f"rule_{r.id}" for r in RULES}
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        for rule in RULES:
            passed, failed, not_assessable, reports = con.execute(
                "select count(*) filter (where passed), count(*) filter (where not passed),"
                " count(*) filter (where passed is null),"
                " coalesce(list(distinct source_file order by source_file) filter (where not passed), [])"
                " from dq_results where rule_id = ?",
                [rule.id],
            ).fetchone()
            check = evaluations[f"rule_{rule.id}"]
            shown = {k: v.value for k, v in check.metadata.items()}
            assert check.passed == (failed == 0), f"{name}: {rule.id}"
            assert (shown["scopes_passed"], shown["scopes_failed"], shown["scopes_not_assessable"]) == (
                passed, failed, not_assessable,
            ), f"{name}: {rule.id}"  # fmt: skip
            assert shown["failing_reports"] == reports, f"{name}: {rule.id}"
    finally:
        con.close()


def test_data_docs_summary_shows_the_stored_verdicts(built) -> None:  # type: ignore[no-untyped-def]
    name, settings, _ = built
    page = settings.data_docs_index.read_text(encoding="utf-8")
    cells = re.findall(r"<tr><td>(?:<a [^>]*>)?xxgk\.(\w+)(?:</a>)?</td>((?:<td>.*?</td>)+)</tr>", page)
    shown = {rule_id: [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", rest)] for rule_id, rest in cells}
    assert set(shown) == {r.id for r in RULES}
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tallies = quality.rule_tallies(con)
    finally:
        con.close()
    for rule in RULES:
        tally, rule_id = tallies[rule.id], rule.id
        severity, verdict, scopes, not_assessable, failed, reports, _ = shown[rule_id]
        assert severity == rule.severity
        assert verdict == ("Failed" if tally.failed else "Passed" if tally.passed else "Not assessable"), rule_id
        assert (int(scopes), int(not_assessable), int(failed)) == (tally.scopes, tally.not_assessable, tally.failed)
        assert reports == ", ".join(tally.failing_reports), f"{name}: {rule_id}"


def _judged(result: dg.ExecuteInProcessResult) -> tuple[int, bool]:
    meta = result.asset_materializations_for_node("dq_results")[0].metadata
    return meta["reports_judged"].value, meta["full_rejudge"].value


def test_a_run_judges_what_changed_and_the_neighbours_it_changes(tmp_path: Path) -> None:
    """Seed 000 (周口市公安局, 2022) and the same report for 2023: a new report is judged alone; editing
    the 2022 report's 四 结转下年度 changes the S1 verdict of the 2023 report, whose file did not change."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (SEED_DIR / "000_2a55ae499e2e47bc.txt").read_text(encoding="utf-8")
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    settings = Settings.from_env(raw_dir=raw, warehouse=tmp_path / "w.duckdb")
    instance = dg.DagsterInstance.ephemeral()
    assert _judged(materialize_all(settings, instance, validate=False)) == (5, True)

    (raw / "zhoukou_2023.txt").write_text(text.replace("2022", "2023"), encoding="utf-8")
    assert _judged(materialize_all(settings, instance, validate=False)) == (1, False)

    def s1_natural_person() -> tuple:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
        try:
            return con.execute(
                "select passed, details from dq_results where rule_id = 'S1' and source_file = 'zhoukou_2023.txt'"
                " and scope = 'column natural_person'"
            ).fetchone()
        finally:
            con.close()

    assert s1_natural_person() == (True, "二 上年结转 0.0 vs 000_2a55ae499e2e47bc.txt 四 结转下年度 0.0")
    carried = "四、结转下年度继续办理 0 0 0 0 0 0 0"
    assert carried in text
    (raw / "000_2a55ae499e2e47bc.txt").write_text(
        text.replace(carried, "四、结转下年度继续办理 1 0 0 0 0 0 1"), encoding="utf-8"
    )
    assert _judged(materialize_all(settings, instance, validate=False)) == (1, False)  # the edited report
    assert s1_natural_person() == (False, "二 上年结转 0.0 vs 000_2a55ae499e2e47bc.txt 四 结转下年度 1.0")
