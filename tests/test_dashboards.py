"""The dashboards a user opens, in a real headless Chromium: the GX Data Docs site and the Dagster UI's
page of a failing rule check (seed 002 breaks H2 as published)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from pipeline.settings import PROJECT_ROOT, Settings
from tests.conftest import SEED_DIR, SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (`make system-deps` installs it)")


def visible_text(dom: str) -> str:
    dom = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def browse(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran (virtual time lets the UI's GraphQL queries settle)."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
         "--virtual-time-budget=20000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return visible_text(done.stdout)


@pytest.fixture(scope="module")
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """A persistent Dagster instance that has materialised every asset and check over the seeds."""
    from assets.plan import materialize_all

    home = tmp_path_factory.mktemp("dagster_home")
    raw = home / "raw"
    raw.mkdir()
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    settings = Settings.from_env(raw_dir=raw, warehouse=home / "warehouse.duckdb")
    instance = dg.DagsterInstance.local_temp(str(home))
    result = materialize_all(settings, instance)
    assert result.success
    return home, settings


@pytest.fixture(scope="module")
def webserver(dagster_home: tuple[Path, Settings]) -> Iterator[str]:
    home, settings = dagster_home
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "XXGK_RAW_DIR": str(settings.raw_dir),
        "XXGK_WAREHOUSE": str(settings.warehouse),
    }
    server = subprocess.Popen(
        [str(PROJECT_ROOT / ".venv" / "bin" / "dagster-webserver"), "-m", "assets.definitions",
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the webserver starts a gRPC code server child
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/server_info", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("dagster-webserver did not answer within 60 s")
        # Dismiss the community pop-up that would otherwise cover the page.
        request = urllib.request.Request(
            f"{base}/graphql",
            data=json.dumps({"query": "mutation { setNuxSeen }"}).encode(),
            headers={"content-type": "application/json"},
        )
        assert json.load(urllib.request.urlopen(request, timeout=10))["data"]["setNuxSeen"] is True
        yield base
    finally:
        # Background processes here ignore SIGTERM: kill the whole group (webserver and code server).
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def test_data_docs_index_shows_failing_suite(dagster_home: tuple[Path, Settings], tmp_path: Path) -> None:
    _, settings = dagster_home
    index = settings.data_docs_index
    assert index.exists()
    text = browse(index.as_uri(), tmp_path / "profile")
    assert "xxgk rule verdicts" in text
    assert "xxgk.H2 hard Failed 125 25 5 002_06f53fae4bd534e1.txt" in text
    assert "xxgk.H1 hard Passed" in text
    # The suite's link leads to its validation page, which names the failing report and rows.
    link = re.search(r'<a href="([^"]+)">xxgk\.H2</a>', index.read_text(encoding="utf-8"))
    assert link is not None
    page = browse((index.parent / link[1]).as_uri(), tmp_path / "profile2")
    assert "Expectation Suite: xxgk.H2" in page and "Status: Failed" in page
    assert "5 unexpected values found" in page
    assert "row 3.4.1" in page and "002_06f53fae4bd534e1.txt" in page


def test_dagster_ui_shows_failing_h2_check(webserver: str, tmp_path: Path) -> None:
    overview = browse(f"{webserver}/assets/dq_results?view=checks", tmp_path / "p1")
    assert "Checks (29)" in overview
    assert "rule_H2 rule_H2 Failed" in overview
    assert "rule_H1 rule_H1 Succeeded" in overview

    detail = browse(f"{webserver}/assets/dq_results?view=checks&checkDetail=rule_H2", tmp_path / "p2")
    assert "H2 (hard): 总计 = 自然人 + the five organisation columns" in detail
    assert "Evaluation result Failed" in detail
    assert "scopes_failed 5" in detail
