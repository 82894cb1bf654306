"""`xxgk run` as a user runs it: a real subprocess, a real warehouse, scored by the shared evaluator."""

import os
import subprocess
import sys
from pathlib import Path

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
