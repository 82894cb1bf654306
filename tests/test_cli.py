"""`xxgk run` as a user runs it: a real subprocess, a real warehouse, scored by the shared evaluator."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import require_shared

XXGK = Path(sys.executable).parent / "xxgk"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(XXGK), "run", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}
    )


def test_cli_on_the_shared_seeds_scores_100_percent(tmp_path: Path) -> None:
    seeds = require_shared("fixtures", "seeds")
    warehouse = tmp_path / "w.duckdb"
    done = run_cli("--raw-dir", str(seeds), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert "reports read: 5 (0 partial), quarantined: 0" in done.stdout
    assert "cells loaded: 1000 (975 with a value)" in done.stdout
    assert "H2  hard           95 /    5 /   25   failing: 002_06f53fae4bd534e1.txt" in done.stdout
    score = subprocess.run(
        [sys.executable, str(require_shared("tools", "evaluate.py")), str(warehouse), str(seeds)],
        capture_output=True,
        text=True,
    )
    assert "reports fully right: 5 of 5" in score.stdout
    assert "cells: 1000 correct of 1000 (100.00%)" in score.stdout


def test_cli_reads_settings_from_the_environment(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "report.md").write_bytes((PROJECT_ROOT / "data/raw/001_1bd61549078e1a1a.txt").read_bytes())
    warehouse = tmp_path / "env.duckdb"
    done = run_cli(env={"XXGK_RAW_DIR": str(raw), "XXGK_WAREHOUSE": str(warehouse)})
    assert done.returncode == 0, done.stderr
    assert f"warehouse: {warehouse}" in done.stdout
    assert "reports read: 1 (0 partial)" in done.stdout


def test_cli_rejects_a_missing_folder(tmp_path: Path) -> None:
    done = run_cli("--raw-dir", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("XXGK_SECONDS_PER_FILE", "ten", "XXGK_SECONDS_PER_FILE='ten': expected a number"),
        ("XXGK_PARSE_WORKERS", "-1", "XXGK_PARSE_WORKERS=-1: must be at least 0"),
        ("XXGK_MAX_FILE_BYTES", "0", "XXGK_MAX_FILE_BYTES=0: must be positive"),
        ("XXGK_PROGRESS", "maybe", "XXGK_PROGRESS='maybe': expected true or false (1/0, yes/no)"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path, variable: str, value: str, message: str) -> None:
    done = run_cli("--raw-dir", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"), env={variable: value})
    assert (done.returncode, done.stderr) == (2, f"xxgk run: {message}\n")


def test_the_data_dir_setting_moves_the_tokenizer_cache(tmp_path: Path) -> None:
    code = "from pipeline.narrative import tokenizer; tokenizer().initialize()"
    env = {**os.environ, "XXGK_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT, env=env, capture_output=True)
    assert [p.name for p in (tmp_path / "data" / "cache").iterdir()] == ["jieba.cache"]


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(XXGK), *args], capture_output=True, text=True, cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse built by `xxgk run` over the bundled seeds plus one file that is not a report."""
    raw = tmp_path_factory.mktemp("raw")
    for seed in sorted((PROJECT_ROOT / "data" / "raw").glob("00*.txt")):
        shutil.copy(seed, raw / seed.name)
    (raw / "crawl-log.json").write_text('{"ok": true}', encoding="utf-8")
    warehouse = tmp_path_factory.mktemp("wh") / "w.duckdb"
    done = xxgk("run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    return raw, warehouse


def test_status_lists_reports_quarantine_and_failing_rules(built: tuple[Path, Path]) -> None:
    raw, warehouse = built
    done = xxgk("status", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert "reports read: 5 (0 partial), quarantined: 1" in done.stdout
    assert "H2  hard           95 /    5 /   25   failing: 002_06f53fae4bd534e1.txt" in done.stdout
    assert "quarantine: crawl-log.json: not_a_report: crawl-log.json is a JSON document" in done.stdout


def test_sql_is_read_only_and_prints_a_table(built: tuple[Path, Path]) -> None:
    _, warehouse = built
    done = xxgk("sql", "select agency, year from reports order by agency", "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    for agency in ("周口市公安局", "信阳市公安局", "聊城市公安局", "卫辉市公安局", "淮北市公安局"):
        assert agency in done.stdout
    assert "5 rows" in done.stdout
    refused = xxgk("sql", "delete from reports", "--warehouse", str(warehouse))
    assert refused.returncode == 1
    assert "read-only" in refused.stderr and "Traceback" not in refused.stderr
    bad = xxgk("sql", "select nope from reports", "--warehouse", str(warehouse))
    assert bad.returncode == 1 and bad.stderr.startswith("xxgk sql: SQL error: Binder Error")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_loads_in_duckdb_and_polars(built: tuple[Path, Path], tmp_path: Path, fmt: str) -> None:
    import duckdb
    import polars as pl

    _, warehouse = built
    done = xxgk("export", "--format", fmt, str(tmp_path), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    names = {p.stem for p in tmp_path.glob(f"*.{fmt}")}
    assert {"reports", "quarantine", "application_cells", "dq_results", "v_report_cells", "v_documents"} <= names
    reader = pl.read_parquet if fmt == "parquet" else pl.read_csv
    cells = reader(tmp_path / f"v_report_cells.{fmt}")
    assert cells.height == 1000 and cells["value"].count() == 975
    con = duckdb.connect()
    relation = (
        con.read_parquet(str(tmp_path / "reports.parquet"))
        if fmt == "parquet"
        else con.read_csv(str(tmp_path / "reports.csv"))
    )
    assert relation.aggregate("count(*)").fetchall() == [(5,)]


def test_docs_prints_the_data_docs_index(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, warehouse = built
    done = xxgk("docs", "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    index = Path(done.stdout.strip())
    assert index.name == "index.html" and index.exists()
    missing = xxgk("docs", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "run `xxgk run` first" in missing.stderr


def test_ingest_copies_under_a_safe_name_and_never_overwrites(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    warehouse = tmp_path / "w.duckdb"
    source = tmp_path / "in" / "..hidden:name.txt"
    source.parent.mkdir()
    shutil.copy(PROJECT_ROOT / "data" / "raw" / "003_226aef2534b3d20a.txt", source)
    done = xxgk("ingest", str(source), "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert [p.name for p in raw.iterdir()] == ["hidden_name.txt"]
    assert "reports read: 1 (0 partial)" in done.stdout
    other = tmp_path / "in2" / "hidden_name.txt"
    other.parent.mkdir()
    other.write_text("different", encoding="utf-8")
    clash = xxgk("ingest", str(other), "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert clash.returncode == 2 and "exists with different content" in clash.stderr
    assert (raw / "hidden_name.txt").read_bytes() == source.read_bytes()


def test_a_second_run_with_nothing_new_is_a_no_op(built: tuple[Path, Path]) -> None:
    raw, warehouse = built
    done = xxgk("run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("nothing new: every file is parsed by this parser version and loaded")
    assert "reports read: 5 (0 partial), quarantined: 1" in done.stdout
