"""Parsing many files on every core: worker processes read and parse, and store each outcome as a
bundle (pipeline/store.py); the caller only learns what became of each file.

Reading is CPU-bound Python (a GIL per process), so the cores are used by processes, not threads. The
workers are spawned, not forked: a process that has used polars or DuckDB threads cannot be forked
safely. Spawning costs a second or two per worker, paid once: the pool lives as long as the process and
serves every parse step of a run. A handful of files is parsed in the calling process instead, or, off
the main thread (where SIGALRM cannot limit a file's time), in a watched child (`pipeline/watchdog.py`).
"""

import atexit
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pipeline import store
from pipeline.ingest import Outcome, process
from pipeline.settings import Settings
from pipeline.sniff import SourceFile
from pipeline.watchdog import Watchdog

# Below this many files a pool costs more (spawning, importing) than it saves.
MIN_FILES_FOR_POOL = 16


@dataclass(frozen=True)
class Parsed:
    """What became of one file: loaded later from its bundle, or quarantined for `reason`."""

    source: SourceFile
    reason_code: str | None
    reason: str | None


def parse_and_store(source: SourceFile, settings: Settings) -> Parsed:
    """Read, parse and store one file's outcome (in a worker or in this process)."""
    outcome = process(source, settings)
    store.write_bundle(settings, outcome)
    return Parsed(source, outcome.reason_code, outcome.reason)


_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def _shared_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        _pool_workers = workers
    return _pool


def _discard_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


atexit.register(_discard_pool)


def release() -> None:
    """Stop the workers once a run's parsing is done: their memory (a few hundred MB each) is returned
    before the run loads and judges."""
    _discard_pool()


def workers_for(settings: Settings, files: int) -> int:
    """How many worker processes parse `files` files: none (this process) for a few files, or inside a
    daemonic process (a Dask or multiprocess worker), which may not start children."""
    if files < MIN_FILES_FOR_POOL or multiprocessing.current_process().daemon:
        return 0
    wanted = settings.parse_workers or (os.cpu_count() or 1)
    return min(wanted, files) if wanted > 1 else 0


def parse_all(sources: Iterable[SourceFile], settings: Settings) -> Iterator[Parsed]:
    """Parse and store every file, yielding each as it finishes (not in order)."""
    todo = list(sources)
    workers = workers_for(settings, len(todo))
    if not workers and threading.current_thread() is not threading.main_thread() and settings.seconds_per_file > 0:
        # no SIGALRM off the main thread (a Dask worker's task): the time limit is a child's deadline
        watchdog = Watchdog(settings)
        try:
            for source in todo:
                yield Parsed(source, *watchdog.parse(source))
        finally:
            watchdog.stop()
        return
    if not workers:
        for source in todo:
            yield parse_and_store(source, settings)
        return
    pool = _shared_pool(workers)
    pending: dict[Future, SourceFile] = {pool.submit(parse_and_store, s, settings): s for s in todo}
    crashed: list[SourceFile] = []
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            source = pending.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                crashed.append(source)
    if crashed:  # a reader died (a native library crashed): find which file, one process each
        _discard_pool()
        for source in crashed:
            yield _parse_alone(source, settings)


def _parse_alone(source: SourceFile, settings: Settings) -> Parsed:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            return pool.submit(parse_and_store, source, settings).result()
        except BrokenProcessPool:
            reason = f"{source.name}: the reader's process died reading this file (a crash in a native library)"
    store.write_bundle(settings, Outcome(source, reason_code="read_error", reason=reason))
    return Parsed(source, "read_error", reason)
