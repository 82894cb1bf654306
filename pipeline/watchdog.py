"""The per-file time limit where SIGALRM cannot hold it: outside the main thread (a Dask worker runs its
tasks on threads, a multithreaded executor too). There, files are read and parsed by a child process
that the caller waits on with a deadline; a file that runs over is quarantined (`timeout`), the child is
killed with everything it started (OCR threads, LibreOffice), and a fresh one takes the next file.

The child is a plain subprocess (`python -m pipeline.watchdog`), not a multiprocessing child: daemonic
processes (Dask workers) may not have those. It reads one job a line on stdin (the settings and the
file, as JSON) and answers one line on stdout after storing the file's bundle.
"""

import dataclasses
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from pipeline import store
from pipeline.ingest import Outcome, process
from pipeline.settings import Settings
from pipeline.sniff import SourceFile


def _encode(obj: object) -> dict:
    return {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(obj).items()}  # type: ignore[call-overload]


def _decode(cls: type, values: dict) -> object:
    types = {f.name: f.type for f in dataclasses.fields(cls)}
    kwargs = {k: Path(v) if types.get(k) in (Path, "Path") and v is not None else v for k, v in values.items()}
    return cls(**kwargs)


class Watchdog:
    """One child at a time, restarted after a file that ran over its deadline."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.child: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        if self.child is None or self.child.poll() is not None:
            self.child = subprocess.Popen(
                [sys.executable, "-m", "pipeline.watchdog"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, start_new_session=True,  # its own process group: killed with what it started
            )  # fmt: skip
        return self.child

    def stop(self) -> None:
        if self.child is not None and self.child.poll() is None:
            os.killpg(self.child.pid, signal.SIGKILL)
            self.child.wait()
        self.child = None

    def parse(self, source: SourceFile) -> tuple[str | None, str | None]:
        """(reason_code, reason) of the file's outcome, stored as its bundle either way."""
        child = self._start()
        assert child.stdin is not None and child.stdout is not None
        job = {"settings": _encode(self.settings), "source": _encode(source)}
        child.stdin.write(json.dumps(job, ensure_ascii=False) + "\n")
        child.stdin.flush()
        # reading a file can take minutes on purpose (OCR): the child's own start-up does not count
        answer = _read_line(child.stdout, self.settings.seconds_per_file + 30.0)
        if answer is None:
            self.stop()
            limit = self.settings.seconds_per_file
            reason = f"{source.name}: reading took over {limit:g} s (pathological structure?)"
            store.write_bundle(self.settings, Outcome(source, reason_code="timeout", reason=reason))
            return "timeout", reason
        result = json.loads(answer)
        return result["reason_code"], result["reason"]


def _read_line(stream: IO[str], seconds: float) -> str | None:
    """A line from `stream` within `seconds`, or None (also when the child died)."""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                return None
            line = stream.readline()
            return line or None


def _serve() -> None:
    """The child: one job a line, one answer a line. Its own main thread holds the SIGALRM limit too."""
    for line in sys.stdin:
        job = json.loads(line)
        settings = _decode(Settings, job["settings"])
        source = _decode(SourceFile, job["source"])
        outcome = process(source, settings)  # type: ignore[arg-type]
        store.write_bundle(settings, outcome)  # type: ignore[arg-type]
        sys.stdout.write(json.dumps({"reason_code": outcome.reason_code, "reason": outcome.reason}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
