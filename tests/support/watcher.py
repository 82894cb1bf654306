"""`xxgk watch` as a child process, for the tests and the benchmarks: its output lines as they come, the
Dagster log it writes with `-v`, and the CPU it spends, taken from /proc around each run."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

XXGK = Path(sys.executable).parent / "xxgk"


@dataclass
class WatchedRun:
    """One run of the watcher, seen from outside."""

    line: str  # what it printed, without the time stamp
    run_s: float  # the run's own wall clock, as the watcher prints it ("(run 2.1 s)")
    latency_s: float  # from the change in the folder to the line
    cpu_s: float  # CPU the watcher spent in between
    log: str  # its Dagster log (-v) in between

    @property
    def parsed_something(self) -> bool:
        return "report document" in self.line


class Watcher:
    """`xxgk watch --interval SECONDS [-v]` on a raw folder and warehouse, in its own process group."""

    def __init__(self, raw: Path, warehouse: Path, interval: float = 0.2, verbose: bool = False) -> None:
        self.log_path = warehouse.parent / "watch.log"
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "DAGSTER_HOME"))}
        self.process = subprocess.Popen(
            [str(XXGK), "watch", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--interval", f"{interval:g}"]
            + (["-v"] if verbose else []),
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            env=env,
            text=True,
            start_new_session=True,  # its own process group: killed whole at the end
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 180.0) -> str:
        """The next line without its time stamp."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
                return line.split(" ", 1)[1]
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                    raise RuntimeError(f"xxgk watch exited ({self.process.returncode}):\n{tail}") from None
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"xxgk watch said nothing in {timeout:g} s; its log: {self.log_path}") from None

    def wait_ready(self, timeout: float = 180.0) -> float:
        """Wait for the watcher's first line; the seconds it took to load, as it says."""
        line = self.next_line(timeout)
        found = re.search(r": ready in ([0-9.]+) s;", line)
        if not found:
            raise RuntimeError(f"xxgk watch did not start: {line}")
        return float(found[1])

    def cpu_seconds(self) -> float:
        """User and system CPU of the watcher so far (/proc/PID/stat, clock ticks)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The watcher's peak resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def run_after(self, change: Callable[[], None], timeout: float = 600.0) -> WatchedRun:
        """Make a change in the folder and wait for the run it starts."""
        offset, cpu = self.log_path.stat().st_size, self.cpu_seconds()
        started = time.perf_counter()
        change()
        line = self.next_line(timeout)
        latency = time.perf_counter() - started
        run_s = float(line[line.rindex("(run ") + 5 : -3]) if line.endswith(" s)") else float("nan")
        with self.log_path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", errors="replace")
        return WatchedRun(line, run_s, latency, self.cpu_seconds() - cpu, text)

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._log.close()
