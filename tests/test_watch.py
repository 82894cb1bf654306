"""`xxgk watch`: a long-lived process that runs whenever the raw folder changes.

One test drives the real command as a child process (its own process group, killed at the end): the
five seeds dropped into an empty watched folder, then a sixth report, an empty file and a removal, each
answered by one line whose counts are the seeds' known values. The other runs the loop in this process
with a clock that writes a report in three pieces between looks: nothing is read until the file holds
still.
"""

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.settings import Settings
from tests.conftest import SEED_DIR, SEEDS
from tests.support.watcher import Watcher
from xxgk import watch as watcher_module
from xxgk.watch import watch

SEEDS_LINE = (
    "5 report documents to parse: 5 reports (0 partial), 0 quarantined, 975/1000 cells with a value; "
    "rules failing: H2 (5), H3 (1), C3 (25), S4 (1), S9 (1), S12 (1)"
)
SIXTH_LINE = (
    "1 report document to parse: 6 reports (0 partial), 0 quarantined, 1175/1200 cells with a value; "
    "rules failing: H2 (5), H3 (1), C3 (25), S4 (1), S9 (1), S11 (2), S12 (1)"
)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Watcher, Path, Path]]:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    raw.mkdir()
    watcher = Watcher(raw, warehouse)
    try:
        yield watcher, raw, warehouse
    finally:
        watcher.kill()


def drop(raw: Path, name: str, text: str) -> None:
    """Write a file the way a careful copy does: elsewhere, then renamed into the folder."""
    tmp = raw.parent / f".{name}.part"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(raw / name)


def test_watch_runs_once_for_each_change_and_says_what_the_warehouse_holds(
    watched: tuple[Watcher, Path, Path],
) -> None:
    watcher, raw, warehouse = watched
    ready = watcher.next_line()
    assert ready.startswith(f"watching {raw} into {warehouse}: ready in "), ready
    assert ready.endswith(" s; looking every 0.2 s (Ctrl-C stops)"), ready
    assert watcher.next_line() == f"waiting for reports in {raw}"

    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    first = watcher.next_line()
    assert first.startswith(SEEDS_LINE + " (run "), first

    seed = (SEED_DIR / SEEDS[0]).read_text(encoding="utf-8")
    drop(raw, "seed000_2023.txt", seed.replace("2022", "2023"))
    assert watcher.next_line().startswith(SIXTH_LINE + " (run ")

    con = duckdb.connect(str(warehouse), read_only=True)  # the watcher holds no connection between runs
    try:
        judged = con.execute(
            "select rule_id, count(*) filter (where source_file = 'seed000_2023.txt') "
            "- count(*) filter (where source_file = $seed) as more from dq_results group by rule_id "
            "having more <> 0",
            {"seed": SEEDS[0]},
        ).fetchall()
        duplicates = con.execute(
            "select source_file, details from dq_results where rule_id = 'S11' and passed = false order by 1"
        ).fetchall()
    finally:
        con.close()
    # The same report a year on: the same scopes judged, and S1 (carry-over from the year before) on
    # its seven columns, which the first year has no predecessor for.
    assert judged == [("S1", 7)]
    assert [f for f, _ in duplicates] == [SEEDS[0], "seed000_2023.txt"]

    drop(raw, "empty.pdf", "")
    assert watcher.next_line().startswith(
        "1 report document to parse: 6 reports (0 partial), 1 quarantined, 1175/1200 cells with a value;"
    )
    (raw / "seed000_2023.txt").unlink()
    assert watcher.next_line().startswith(
        "the raw folder changed: 5 reports (0 partial), 1 quarantined, 1 retired, 975/1000 cells with a value; "
        "rules failing: H2 (5), H3 (1), C3 (25), S4 (1), S9 (1), S12 (1) (run "
    )
    with pytest.raises(TimeoutError):  # nothing changed since: no more runs
        watcher.next_line(timeout=2.0)


def test_a_file_still_being_written_is_read_once_it_holds_still(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    settings = Settings(
        raw_dir=raw, warehouse=tmp_path / "warehouse.duckdb", data_dir=tmp_path, watch_interval_seconds=0.01
    )
    data = (SEED_DIR / SEEDS[0]).read_bytes()
    pieces = [data[: len(data) // 3], data[len(data) // 3 : 2 * len(data) // 3], data[2 * len(data) // 3 :]]
    sizes: list[int] = []
    lines: list[str] = []

    def between_looks(seconds: float) -> None:
        """The copy goes on between looks 2 and 5: one piece each time, then nothing."""
        assert seconds == 0.01
        look = len(sizes) + 1
        sizes.append((raw / SEEDS[0]).stat().st_size if (raw / SEEDS[0]).exists() else -1)
        if 2 <= look <= 4:
            with open(raw / SEEDS[0], "ab") as out:
                out.write(pieces[look - 2])
        time.sleep(0)

    with dg.DagsterInstance.ephemeral() as instance:
        watch(settings, instance, say=lambda line: lines.append(line.split(" ", 1)[1]), sleep=between_looks, looks=8)
        assert instance.get_runs_count() == 0  # an ephemeral instance's runs are forgotten, not kept in memory
    growing = [-1, -1, len(pieces[0]), len(pieces[0]) + len(pieces[1])]
    assert sizes == growing + [len(data)] * 4
    assert lines[1:] == [
        f"waiting for reports in {raw}",
        # seed 000 states every cell and breaks no rule (its expected file lists no violation)
        "1 report document to parse: 1 report (0 partial), 0 quarantined, 200/200 cells with a value; "
        "rules failing: none" + lines[2][lines[2].rindex(" (run ") :],
    ]
    assert lines[0].startswith(f"watching {raw} into {settings.warehouse}: ready in ")


def test_a_failed_run_is_said_and_tried_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process holds the warehouse's write lock when the first run starts: the watcher says the
    warehouse is in use, stays up, and runs again once the lock is gone (here at once: no retry delay)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED_DIR / SEEDS[0], raw / SEEDS[0])
    warehouse = tmp_path / "warehouse.duckdb"
    settings = Settings(
        raw_dir=raw, warehouse=warehouse, data_dir=tmp_path, watch_interval_seconds=0.01, lock_wait_seconds=0.2
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(600)", str(warehouse)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    monkeypatch.setattr(watcher_module, "RETRY_SECONDS", 0.0)
    lines: list[str] = []

    def between_looks(seconds: float) -> None:
        if len(lines) == 2 and holder.poll() is None:  # the failed run said so: release the lock
            holder.kill()
            holder.wait()

    def say(line: str) -> None:
        lines.append(line.split(" ", 1)[1])

    try:
        with dg.DagsterInstance.ephemeral() as instance:
            watch(settings, instance, say=say, sleep=between_looks, looks=5)
    finally:
        holder.kill()
        holder.wait()
    assert lines[1] == (
        f"the warehouse {warehouse} is in use by another process (DuckDB allows one writer); try again when that "
        "run has finished; trying again when the folder changes or in 0 s"
    ), lines
    assert lines[2].startswith(
        "1 report document to parse: 1 report (0 partial), 0 quarantined, 200/200 cells with a value; "
        "rules failing: none (run "
    )
    assert len(lines) == 3


def _open_elsewhere(path: Path) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Open the warehouse for writing from another process."""
    return subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_run_holds_the_warehouse_open_and_releases_it(tmp_path: Path) -> None:
    """During a watcher's run every connection (read-only ones too) shares one opening of the warehouse,
    which another process cannot open for writing; once the run is over, it can."""
    from pipeline import warehouse as wh

    path = tmp_path / "warehouse.duckdb"
    with wh.held_open(path):
        writer = wh.connect(path)
        writer.execute("create table t as select 1 as x")
        writer.close()
        reader = wh.connect(path, read_only=True)
        assert reader.execute("select x from t").fetchall() == [(1,)]
        reader.close()
        busy = _open_elsewhere(path)
        assert busy.returncode != 0 and "lock" in busy.stderr.lower()
    assert _open_elsewhere(path).returncode == 0
    assert duckdb.connect(str(path), read_only=True).execute("select x from t").fetchall() == [(1,)]
