"""One judge per rule (issue 15): for every rule and scope, the verdict `dq_results` stores is the one
the rule's GX suite gives over the whole warehouse, and the asset checks and the Data Docs summary
show exactly those verdicts, not assessable included. Each warehouse is built in two runs (half of
the files, then the rest), so the verdicts compared are those of an incremental run.

Corpora: the seeds, the real fixtures and the wild crawled pages of ../shared (skipped without it),
and a fuzz corpus made by the generator (pipeline/fuzz.py), degraded cases among them."""

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.automation import materialize_all
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
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
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
