"""Loads are atomic (a batch of reports lands whole or not at all), reruns are idempotent, and a second
writer is refused cleanly."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pipeline import warehouse
from tests.conftest import SEED_DIR, SEEDS, materialize_into

XXGK = Path(sys.executable).parent / "xxgk"


def copies(raw: Path, n: int) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        for name in SEEDS:
            shutil.copy(SEED_DIR / name, raw / f"{Path(name).stem}_{i:03d}.txt")


def assert_consistent(db: Path) -> int:
    """Every report has all its cells, no cell belongs to a report that is not there, no duplicates."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        per_report = con.execute(
            "select r.source_file, count(c.source_file) from reports r "
            "left join v_report_cells c using (source_file) group by all"
        ).fetchall()
        assert all(n == 200 for _, n in per_report), [p for p in per_report if p[1] != 200][:3]
        orphans = con.execute(
            "select count(*) from v_report_cells where source_file not in (select source_file from reports)"
        ).fetchone()
        assert orphans == (0,)
        dupes = con.execute(
            "select count(*) from (select source_file, table_name, row_key, col_key from v_report_cells "
            "group by all having count(*) > 1)"
        ).fetchone()
        assert dupes == (0,)
        return len(per_report)
    finally:
        con.close()


def _size(path: Path) -> int:
    """The file's size, 0 while it does not exist (a checkpoint may remove the log between two looks)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_sigkill_mid_load_leaves_old_or_new_state_never_a_mix(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    copies(raw, 60)
    # Reports load in batches of 50, each batch one transaction: a kill leaves whole batches only.
    env = {**os.environ, "XXGK_LOAD_BATCH_REPORTS": "50"}
    proc = subprocess.Popen([str(XXGK), "run", "--raw-dir", str(raw), "--warehouse", str(db)], env=env)
    wal = Path(str(db) + ".wal")
    deadline = time.monotonic() + 120
    # Kill once reports are being written (the write-ahead log grows), well before the 300 are done.
    while time.monotonic() < deadline and _size(wal) < 400_000:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    loaded = assert_consistent(db)
    assert loaded < 300 and loaded % 50 == 0, loaded
    done = subprocess.run(
        [str(XXGK), "run", "--raw-dir", str(raw), "--warehouse", str(db)], capture_output=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert assert_consistent(db) == 300


def test_running_twice_gives_identical_tables(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    copies(raw, 1)
    (raw / "empty.txt").write_bytes(b"")
    assert materialize_into(raw, db).success
    con = duckdb.connect(str(db), read_only=True)
    first = warehouse.table_checksums(con)
    con.close()
    assert materialize_into(raw, db).success
    con = duckdb.connect(str(db), read_only=True)
    second = warehouse.table_checksums(con)
    con.close()
    assert first == second
    assert first["reports"].startswith("5:") and first["quarantine"].startswith("1:")


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    copies(raw, 1)
    script = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = subprocess.run(
            [str(XXGK), "run", "--raw-dir", str(raw), "--warehouse", str(db)],
            capture_output=True, text=True, env={"XXGK_LOCK_WAIT_SECONDS": "1", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 3
    assert "in use by another process" in done.stderr
    assert "Traceback" not in done.stderr
