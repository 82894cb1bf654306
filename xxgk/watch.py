"""`xxgk watch`: keep the pipeline loaded, and run whenever the raw folder changes.

Every `xxgk run` is a new process, and so is every run the Dagster daemon launches: about 2.5 s of
Python and Dagster before any work, 4–5 s more to import GX once rules are judged, and a second for
jieba's dictionaries. A run that adds one report to a small warehouse is mostly that start-up. The
watcher pays it once: it loads the machinery (`assets.plan.prepare_process`), then looks at the folder
every `watch_interval_seconds`; when the files changed and have stayed as they are for one look (a copy
in progress is not read half-written), it runs the plan of `xxgk run` (`assets.plan.plan_run`: new
content parsed, the warehouse loaded, only what changed judged, only the suites whose verdicts changed
rendered again) in its own process, and prints one line. With DAGSTER_HOME set, its runs are in the
Dagster UI like any other; without, each run is forgotten once its line is printed. Use it or the file
sensor, not both: two writers would wait on each other.
"""

import math
import os
import signal
import time
from collections.abc import Callable
from datetime import datetime

from pipeline import warehouse
from pipeline.settings import Settings
from pipeline.sniff import discover
from xxgk.summary import one_line

FolderState = tuple[tuple[str, int, int], ...]  # path, size, modification time of every file


def folder_state(settings: Settings) -> FolderState | None:
    """What the raw folder holds now, cheaply (no file is read); None while a file vanishes mid-look."""
    try:
        return tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in discover(settings.raw_dir))
    except FileNotFoundError:
        return None


# After a failed run the watcher tries again this long after, even if the folder did not change (the
# warehouse may have been busy, or a disk full).
RETRY_SECONDS = 60.0


class RunFailed(Exception):
    """A run did not succeed: one line saying so."""


def run_now(settings: Settings, instance, verbose: bool = False) -> str:  # type: ignore[no-untyped-def]
    """The plan of a run now, run in this process; one line saying what it did (RunFailed if it failed)."""
    from assets.plan import materialize_plan, plan_run

    started = time.perf_counter()
    plan = plan_run(settings, instance, not settings.data_docs_index.exists())
    if plan.empty:
        return plan.reason
    # The run's steps and its line share one opening of the warehouse (warehouse.held_open).
    with warehouse.held_open(settings.warehouse, settings.lock_wait_seconds):
        result = materialize_plan(settings, instance, plan, verbose)
        seconds = time.perf_counter() - started
        if instance.is_ephemeral:
            # Without DAGSTER_HOME nobody can look at the run, and an ephemeral instance would keep
            # every event of every run in memory for as long as the watcher lives: the line below is
            # its record.
            instance.delete_run(result.run_id)
        if not result.success:
            raise RunFailed(f"run failed after {seconds:.1f} s ({plan.reason}); -v shows every step")
        con = warehouse.connect(settings.warehouse, read_only=True)
        try:
            return f"{plan.reason}: {one_line(con)} (run {seconds:.1f} s)"
        finally:
            con.close()


def watch(
    settings: Settings,
    instance,  # type: ignore[no-untyped-def]
    verbose: bool = False,
    say: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    looks: int | None = None,
) -> None:
    """Watch the raw folder until interrupted (or for `looks` looks): a run each time its files changed
    and then held still for one look."""
    from assets.plan import prepare_process

    started = time.perf_counter()
    prepare_process(settings)
    interval = settings.watch_interval_seconds
    say(
        f"{_now()} watching {settings.raw_dir} into {settings.warehouse}: ready in "
        f"{time.perf_counter() - started:.1f} s; looking every {interval:g} s (Ctrl-C stops)"
    )
    previous: FolderState | None = None
    seen: FolderState | None = None  # what the last run (or the decision not to run) saw
    retry_at = math.inf  # after a failed run: when to try again though nothing changed
    look = 0
    while looks is None or look < looks:
        look += 1
        state = folder_state(settings)
        if state is not None and state == previous and (state != seen or time.monotonic() >= retry_at):
            seen, retry_at = state, math.inf
            if not state:
                say(f"{_now()} waiting for reports in {settings.raw_dir}")
            else:
                try:
                    say(f"{_now()} {run_now(settings, instance, verbose)}")
                except (RunFailed, warehouse.WarehouseBusy, OSError) as exc:
                    # A watcher outlives a failed run: it says why and tries again later.
                    retry_at = time.monotonic() + RETRY_SECONDS
                    say(f"{_now()} {exc}; trying again when the folder changes or in {RETRY_SECONDS:g} s")
        previous = state
        sleep(interval)


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


def stop_on_sigterm() -> None:
    """A service manager's SIGTERM stops the watcher as Ctrl-C does (a run under way is rolled back)."""

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if os.name == "posix":
        signal.signal(signal.SIGTERM, _stop)
