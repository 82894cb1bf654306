"""Scale-out on a real Dask cluster (a scheduler and two worker processes on loopback): the seeds go
through `distributed_warehouse_job`, parse chunks fan out over the workers, and the warehouse equals
the in-process run's."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.ingest import PARSE_SHARDS
from assets.plan import materialize_all
from pipeline.settings import PROJECT_ROOT, Settings
from tests.conftest import SEED_DIR, SEEDS

DASK = Path(sys.executable).parent / "dask"

# What a user compares: every public fact and verdict, without load timestamps.
QUERIES = {
    "reports": "select * exclude (ingested_at) from reports order by source_file",
    "cells": "select * from v_report_cells order by all",
    "sources": "select * from v_cell_sources order by all",
    "dq_results": "select * from dq_results order by all",
    "quarantine": "select * exclude (quarantined_at) from quarantine order by all",
    "issues": "select * from parse_issues order by all",
    "narrative": "select * from narrative_figures order by all",
}


def contents(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def cluster(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str]]]:
    """A Dask scheduler and two single-threaded worker processes, with the run's settings in their
    environment (as on remote machines), killed by PID afterwards. The seeds and a file that is not a
    report are in the raw folder; a test may add files and settings (`request.param`: files, env)."""
    extra_files, extra_env = getattr(request, "param", ({}, {}))
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    (raw / "notes.json").write_text('{"not": "a report"}', encoding="utf-8")
    for name, data in extra_files.items():
        (raw / name).write_bytes(data() if callable(data) else data)
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "XXGK_RAW_DIR": str(raw),
        "XXGK_WAREHOUSE": str(tmp_path / "dist" / "warehouse.duckdb"),
        "PYTHONPATH": str(PROJECT_ROOT),
        **extra_env,
    }
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # Each in its own process group: a worker is a nanny plus the worker process it starts.
    quiet = {
        "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": PROJECT_ROOT, "env": env,
        "start_new_session": True,
    }  # fmt: skip
    processes = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"], **quiet
        )
    ]
    try:
        from distributed import Client

        for _ in range(120):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--dashboard-address", ":0"],
                    **quiet,
                )
            )
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, env
    finally:
        for process in processes:  # background processes here ignore SIGTERM
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def run_on_cluster(address: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess:
    """`xxgk run --dask ADDRESS` with the cluster's settings (also in this process, for reading the results)."""
    for key, value in env.items():
        if key.startswith("XXGK_") or key == "DAGSTER_HOME":
            monkeypatch.setenv(key, value)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "xxgk"), "run", "--dask", address],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_dask_cluster_builds_the_same_warehouse_as_in_process(
    cluster: tuple[str, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, env = cluster
    done = run_on_cluster(address, env, monkeypatch)
    assert "reports read: 5 (0 partial), quarantined: 1" in done.stdout, done.stderr[-6000:]

    # The steps ran on the cluster: the run's parse steps executed in worker processes.
    instance = dg.DagsterInstance.get()
    [run] = instance.get_runs(filters=dg.RunsFilter(job_name="distributed_warehouse_job"))
    steps = {e.step_key for e in instance.all_logs(run.run_id) if e.step_key}
    assert {s for s in steps if s.startswith("parsed_reports.parse_shard_")} == {
        f"parsed_reports.parse_shard_{i}" for i in range(PARSE_SHARDS)
    }
    worker_pids = {
        e.dagster_event.pid
        for e in instance.all_logs(run.run_id)
        if e.dagster_event and e.step_key and e.step_key.startswith("parsed_reports.parse_shard_")
    }
    assert os.getpid() not in worker_pids and len(worker_pids) >= 1

    local = Settings.from_env(raw_dir=Path(env["XXGK_RAW_DIR"]), warehouse=tmp_path / "local" / "warehouse.duckdb")
    assert materialize_all(local, dg.DagsterInstance.ephemeral()).success
    distributed, in_process = contents(Path(env["XXGK_WAREHOUSE"])), contents(local.warehouse)
    assert distributed["cells"] and len(distributed["reports"]) == 5
    for name in QUERIES:
        assert distributed[name] == in_process[name], name


def _slow_scan() -> bytes:
    """A scanned report of 18 pages (the real PDF's six, three times): over a minute of OCR."""
    import pypdfium2

    from tests.conftest import require_shared
    from tests.support.scans import image_only_pdf

    real = require_shared("fixtures", "real", "szfgs2024.pdf")
    pages = [page.render(scale=150 / 72).to_pil().convert("L") for page in pypdfium2.PdfDocument(str(real))]
    return image_only_pdf(pages * 3, dpi=150)


@pytest.mark.parametrize("cluster", [({"slow-scan.pdf": _slow_scan}, {"XXGK_SECONDS_PER_FILE": "20"})], indirect=True)
def test_the_time_limit_holds_on_dask_workers(
    cluster: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a Dask worker a step runs on a thread, where SIGALRM cannot limit a file's time: the file is read
    by a watched child process instead, and a file over the limit is quarantined while the others load."""
    address, env = cluster
    done = run_on_cluster(address, env, monkeypatch)
    # read in full, the scan would be a sixth report; over the limit, it is the second quarantined file
    assert "reports read: 5 (0 partial), quarantined: 2" in done.stdout, done.stdout[-3000:]
    con = duckdb.connect(env["XXGK_WAREHOUSE"], read_only=True)
    try:
        reason = con.execute(
            "select reason_code, reason from quarantine where source_file = 'slow-scan.pdf'"
        ).fetchone()
    finally:
        con.close()
    assert reason is not None and reason[0] == "timeout"
    assert reason[1].startswith("slow-scan.pdf: reading took over 20 s")
