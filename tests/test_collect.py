"""The collector against a portal served over real HTTP on 127.0.0.1 (tests/support/portal.py): what lands
in the raw folder and in the ledger / `source_documents`, what is never fetched, politeness, a second
run that downloads nothing unchanged, a run killed half way, and coverage in the warehouse."""

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests

from pipeline.collect import Ledger, Source, SourcesFileError, collect, ledger_path, load_sources
from pipeline.collect.fetch import ROBOTS_AGENT, PoliteFetcher
from pipeline.collect.pages import read_page
from pipeline.settings import Settings
from tests.conftest import SEED_DIR, SEEDS, expected, materialize_into, require_shared
from tests.support import render
from tests.support.portal import Documents, Route, portal_routes, serve


@pytest.fixture(scope="module")
def documents() -> Documents:
    real = require_shared("fixtures", "real")
    return Documents(
        html_report=(real / "pingtan-2023.page.html").read_bytes(),
        gbk_report=render.render_html(expected(SEEDS[1]), encoding="gbk"),
        redirected_report=render.render_html(expected(SEEDS[0])),
        pdf=(real / "szfgs2024.pdf").read_bytes(),
        docx=render.render_docx(expected(SEEDS[3]), real / "政务公开年报模版.docx"),
        text=(SEED_DIR / SEEDS[4]).read_bytes(),
    )


def _settings(tmp: Path) -> Settings:
    return replace(
        Settings(), raw_dir=tmp / "raw", warehouse=tmp / "warehouse.duckdb", sources_file=tmp / "sources.yaml",
        collect_delay_seconds=0.05, collect_timeout_seconds=0.8, collect_retries=1,
    )  # fmt: skip


def _source(base: str) -> Source:
    return Source("portal", f"{base}/nb/index.html", "平潭综合实验区", publishers=("某某县民政局", "某某乡人民政府"),
                  first_year=2021)  # fmt: skip


def _files(raw: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.iterdir()}


def _ledger(settings: Settings) -> dict[str, dict]:
    ledger = Ledger(ledger_path(settings))
    try:
        return {row["url"].split("127.0.0.1:", 1)[-1].split("/", 1)[-1]: row for row in ledger.rows()}
    finally:
        ledger.close()


def test_collects_every_report_once_and_nothing_it_should_not(tmp_path: Path, documents: Documents) -> None:
    settings = _settings(tmp_path)
    with serve(portal_routes(documents)) as portal:
        runs = collect(settings, [_source(portal.base)])
    assert [(r.source, r.list_pages, r.failure) for r in runs] == [("portal", 2, None)]
    # Six reports: the HTML page, the GBK page, the redirect's target, the PDF (linked twice, kept once),
    # the DOCX, the text file linked from the list; and the broken PDF (a report item: the warehouse says why).
    kept = _files(settings.raw_dir)
    want = {hashlib.sha256(b).hexdigest() for b in (documents.html_report, documents.gbk_report,
            documents.redirected_report, documents.pdf, documents.docx, documents.text)}  # fmt: skip
    assert len(kept) == 7 and want <= set(kept.values())
    assert all(name.startswith("portal__") and "/" not in name for name in kept)
    assert sorted(Path(n).suffix for n in kept) == [".docx", ".html", ".html", ".html", ".pdf", ".pdf", ".txt"]
    assert not list(settings.raw_dir.glob(".*.part"))
    paths = [r.path for r in portal.log]
    assert not any(p.startswith("/private/") for p in paths)  # robots.txt forbids it
    assert "/nb/t_notice.html" not in paths  # not a report
    assert paths.count("/robots.txt") == 1
    assert paths.count("/nb/t_missing.html") == 1  # a 404 is final: not retried
    assert paths.count("/nb/t_slow.html") == 2  # a timeout is retried (collect_retries = 1), then given up
    # the second item linking the same PDF asks for it conditionally: downloaded once
    assert [(r.status, bool(r.if_none_match)) for r in portal.requested("/files/szfgs2024.pdf")] == [
        (200, False), (304, True),
    ]  # fmt: skip
    assert all(ROBOTS_AGENT in r.user_agent for r in portal.log)
    gaps = [b.at - a.at for a, b in zip(portal.log, portal.log[1:], strict=False)]
    assert min(gaps) >= 0.04  # one request at a time, the configured delay apart
    rows = _ledger(settings)
    assert (rows["nb/t_missing.html"]["http_status"], rows["nb/t_missing.html"]["error"]) == (404, "HTTP 404")
    assert rows["nb/t_slow.html"]["http_status"] is None and rows["nb/t_slow.html"]["error"].startswith("timed out")
    assert rows["nb/t_away.html"]["error"] == "other.invalid is not a configured host"
    assert rows["private/t_secret.html"]["error"] == "robots.txt of 127.0.0.1 forbids /private/t_secret.html"
    pdf = rows["files/szfgs2024.pdf"]
    # its last fetch (from the second item) was a 304: the row keeps what the 200 before brought
    assert (pdf["kind"], pdf["http_status"], pdf["sha256"], pdf["size_bytes"]) == (
        "attachment", 304, hashlib.sha256(documents.pdf).hexdigest(), len(documents.pdf),
    )  # fmt: skip
    assert pdf["referrer"].endswith("/nb/t20240120_2.html") and pdf["etag"] and pdf["last_modified"]
    assert pdf["title"] == "深圳市规划和自然资源局2024年度政府信息公开工作年度报告"
    assert rows["nb/t_moved.html"]["file_name"] == next(
        n for n, h in kept.items() if h == hashlib.sha256(documents.redirected_report).hexdigest()
    )
    assert rows["nb/t20240115_1.html"]["file_name"].endswith(".html")  # the page is the report
    assert rows["nb/t20240120_2.html"]["file_name"] is None  # the page only links the report


def test_a_second_run_downloads_nothing_unchanged(tmp_path: Path, documents: Documents) -> None:
    settings = _settings(tmp_path)
    with serve(portal_routes(documents)) as portal:
        collect(settings, [_source(portal.base)])
        first = len(portal.log)
        before = _files(settings.raw_dir)
        runs = collect(settings, [_source(portal.base)])
        second = portal.log[first:]
    assert _files(settings.raw_dir) == before
    assert runs[0].files_written == [] and runs[0].unchanged >= 7
    documents_asked = [r for r in second if r.path.startswith(("/nb/t", "/files/"))]
    downloaded = [r.path for r in documents_asked if r.status == 200]
    assert set(downloaded) == {"/nb/t_slow.html"}  # only what never came through the first time (it times out)
    assert all(r.if_none_match for r in documents_asked if r.status == 304)


def test_a_killed_run_resumes(tmp_path: Path, documents: Documents) -> None:
    settings = _settings(tmp_path)

    class Killed(requests.Session):
        calls = 0

        def get(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            Killed.calls += 1
            if Killed.calls > 9:
                raise KeyboardInterrupt  # the process is stopped in the middle of the collection
            return super().get(*args, **kwargs)

    with serve(portal_routes(documents)) as portal:
        with pytest.raises(KeyboardInterrupt):
            collect(settings, [_source(portal.base)], session=Killed())
        partway = _files(settings.raw_dir)
        collect(settings, [_source(portal.base)])
    assert 0 < len(partway) < 7
    assert len(_files(settings.raw_dir)) == 7 and not list(settings.raw_dir.glob(".*"))


def test_the_warehouse_knows_where_each_report_came_from(tmp_path: Path, documents: Documents) -> None:
    settings = _settings(tmp_path)
    settings.sources_file.write_text(
        "sources:\n  - name: portal\n    start_url: http://127.0.0.1:1/nb/index.html\n    agency: 平潭综合实验区\n"
        "    publishers: [某某县民政局, 某某乡人民政府]\n    first_year: 2021\n",
        encoding="utf-8",
    )
    with serve(portal_routes(documents)) as portal:
        collect(settings, [_source(portal.base)])
    result = materialize_into(settings.raw_dir, settings.warehouse, sources_file=settings.sources_file)
    assert result.success
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        linked = con.execute(
            "select count(*) from reports r join source_documents d on d.file_name = r.source_file"
        ).fetchone()
        assert linked == (6,)  # every report read knows its URL (the broken PDF is quarantined)
        broken = con.execute(
            "select q.reason_code, d.title_agency, d.title_year from quarantine q "
            "join source_documents d on d.file_name = q.source_file"
        ).fetchall()
        assert broken == [("broken_pdf", "某某县民政局", 2022)]
        coverage = dict(
            ((a, y), s) for a, y, s in con.execute("select agency, year, status from v_coverage").fetchall()
        )
        assert coverage[("某某县民政局", 2022)] == "quarantined"
        assert coverage[("某某乡人民政府", 2023)] == "missing"
        assert coverage[("平潭综合实验区", 2023)] == "found"
        check = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and e.asset_check_evaluation_data.check_name == "coverage_gaps"
        ]
        assert len(check) == 1 and not check[0].passed
        gaps = con.execute("select count(*) from v_coverage where status <> 'found'").fetchone()[0]
        assert check[0].metadata["gaps"].value == gaps
    finally:
        con.close()


def test_the_sources_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    start_url: ftp://x/\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match=r"source 1 \(a\): 'start_url' must be an http\(s\) URL"):
        load_sources(path)
    path.write_text("sources:\n  - name: a\n    start_url: http://x/\n    max_page: 3\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match=r"unknown field\(s\) \['max_page'\]"):
        load_sources(path)
    assert load_sources(tmp_path / "none.yaml") == []
    shutil.copy(Path(__file__).parents[1] / "data" / "sources.yaml", path)
    assert load_sources(path) == []  # the shipped file lists none: nothing is collected until a user adds one


def test_xxgk_collect_says_what_is_wrong_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from xxgk.cli import main

    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: a b\n    start_url: http://x/\n", encoding="utf-8")
    code = main(["collect", "--sources", str(bad), "--raw-dir", str(tmp_path / "raw"),
                 "--warehouse", str(tmp_path / "w.duckdb")])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0
    assert err == f"xxgk collect: {bad}: source 1: 'name' must be 1–60 letters, digits, '-' or '_'"


def test_xxgk_collect_reports_each_source(
    tmp_path: Path, documents: Documents, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xxgk.cli import main

    monkeypatch.setenv("XXGK_COLLECT_DELAY_SECONDS", "0.01")
    monkeypatch.setenv("XXGK_COLLECT_TIMEOUT_SECONDS", "0.8")
    monkeypatch.setenv("XXGK_COLLECT_RETRIES", "0")
    with serve(portal_routes(documents)) as portal:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: portal\n    start_url: {portal.base}/nb/index.html\n"
            "  - name: gone\n    start_url: http://127.0.0.1:9/nb/index.html\n",
            encoding="utf-8",
        )
        code = main(["collect", "--sources", str(sources), "--raw-dir", str(tmp_path / "raw"),
                     "--warehouse", str(tmp_path / "w.duckdb")])  # fmt: skip
    out, err = capsys.readouterr()
    lines = out.splitlines()
    # 12 report items (the notice is not one); the PDF linked twice is fetched once and then found unchanged;
    # errors: the 404, the path robots.txt forbids, the redirect to another host, the slow page
    assert lines[0] == "portal: 2 list pages, 12 items, 7 files written, 1 unchanged, 4 errors"
    assert "gone: 0 list pages, 0 items, 0 files written, 0 unchanged, 1 errors" in lines
    assert any(
        line.startswith("  not collected: ")
        and "robots.txt of 127.0.0.1:9 could not be read (connection failed" in line
        for line in lines
    )
    assert code == 1 and err.strip() == "xxgk collect: 1 of 2 sources could not be collected (the others were)"
    assert len(list((tmp_path / "raw").iterdir())) == 7


def test_the_nightly_collection_runs_the_asset(tmp_path: Path) -> None:
    from assets.automation import nightly_collection
    from assets.resources import ReportSource

    settings = _settings(tmp_path)
    context = dg.build_schedule_context(resources={"report_source": ReportSource(
        raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse))})  # fmt: skip
    assert isinstance(nightly_collection(context), dg.SkipReason)  # default sources file: none listed


def test_the_fetcher_retries_a_busy_server_and_refuses_a_huge_file() -> None:
    routes = {"/busy.html": Route(b"<html>ok</html>", fail_first=2), "/huge.pdf": Route(b"%PDF" + b"0" * 5000)}
    with serve(routes) as portal:
        fetcher = PoliteFetcher({"127.0.0.1"}, delay=0.01, retries=3, max_bytes=1000, sleep=lambda _: None)
        busy = fetcher.get(portal.base + "/busy.html")
        huge = fetcher.get(portal.base + "/huge.pdf")
    assert (busy.status, busy.body, busy.attempts) == (200, b"<html>ok</html>", 3)  # 503, 503, then 200
    assert huge.body is None and huge.error == "too large: 5004 bytes > 1000" and huge.attempts == 1
    assert [r.status for r in portal.requested("/busy.html")] == [503, 503, 200]


def test_what_a_list_page_links_to() -> None:
    page = read_page(
        "http://x.gov.cn/nb/index.html",
        """<html><head><base href="/col/"></head><body>
        <a href="../nav.html">政府信息公开年报</a>
        <a href="t1.html" title="某某县财政局2022年度政府信息公开工作年度报告">某某县财政局2022年度政府信息公开工...</a>
        <a href="t2.html">2023年某某县政府工作报告</a>
        <a href="f/2021.pdf">某某县2021年政务公开年报</a>
        <a href="javascript:go()">2020年度政府信息公开工作年度报告</a>
        <a href="index_2.html">下一页</a></body></html>""".encode("gbk"),
        "text/html; charset=gbk",
    )
    assert [(x.url, x.text) for x in page.items(None)] == [
        ("http://x.gov.cn/col/t1.html", "某某县财政局2022年度政府信息公开工作年度报告"),
    ]  # the navigation's column name has no year; a 政府工作报告 is not a disclosure report
    assert [x.url for x in page.report_attachments()] == ["http://x.gov.cn/col/f/2021.pdf"]
    assert [x.url for x in page.next_pages(None)] == ["http://x.gov.cn/col/index_2.html"]
