"""What every benchmark shares: timing, child-process measurement, machine facts and the RESULTS writer.

A benchmark returns a `Section` (tables of figures plus `Target`s with their verdicts); `results_markdown`
turns the machine facts and the sections into bench/RESULTS.md. Nothing in RESULTS.md is typed by hand.
"""

import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from pipeline.settings import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "data" / "bench"  # generated corpora and warehouses (git-ignored: data/*)
RESULTS_FILE = PROJECT_ROOT / "bench" / "RESULTS.md"
XXGK = PROJECT_ROOT / ".venv" / "bin" / "xxgk"
PACKAGES = (
    "dagster",
    "dagster-duckdb",
    "duckdb",
    "polars",
    "pyarrow",
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "python-docx",
    "great-expectations",
    "jieba",
)
T = TypeVar("T")


def log(message: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def shown(path: Path) -> str:
    """A path as written in RESULTS.md: relative to the project when inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call, by the monotonic high-resolution clock."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


@dataclass
class ChildRun:
    """One child process, measured by the kernel (wait4): wall clock, CPU and peak resident memory."""

    command: list[str]
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float
    stdout: str
    stderr: str
    tree_rss_mb: float = 0.0  # peak of the summed RSS of the child and its worker processes (sampled)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s


def run_child(command: list[str], cwd: Path = PROJECT_ROOT, env: dict[str, str] | None = None) -> ChildRun:
    """Run `command` and measure it with os.wait4, which reports this child's own peak RSS (ru_maxrss,
    including its waited-for descendants) rather than the high-water mark of every child so far that
    getrusage(RUSAGE_CHILDREN) gives."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("XXGK_", "DAGSTER_HOME"))}
    child_env.update(env or {})
    out_path, err_path = BENCH_DIR / ".child.stdout", BENCH_DIR / ".child.stderr"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=child_env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = _TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    return ChildRun(
        command=command,
        returncode=proc.returncode,
        wall_s=wall,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        tree_rss_mb=sampler.peak_mb,
    )


class _TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and its descendants (parse workers) every 50 ms: wait4's
    ru_maxrss is the largest single process, not what the run holds at once."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()

    def run(self) -> None:
        import psutil

        while not self._done.wait(0.05):
            try:
                root = psutil.Process(self.pid)
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.Error:  # the process (or a worker) ended between listing and reading
                continue
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def stop(self) -> None:
        self._done.set()
        self.join()


# ---------------------------------------------------------------------------------------------------
# Sections and targets


@dataclass
class Target:
    """A figure against its target from the issue: `measured <op> limit`, op one of "≤" and "<"."""

    name: str
    measured: float
    op: str
    limit: float
    unit: str = ""

    @property
    def met(self) -> bool:
        if self.measured != self.measured:  # NaN: not measured
            return False
        return self.measured <= self.limit if self.op == "≤" else self.measured < self.limit

    def verdict(self) -> str:
        return "met" if self.met else "**missed**"

    def row(self) -> list[str]:
        return [
            self.name,
            f"{fmt(self.measured)}{self.unit}",
            f"{self.op} {fmt(self.limit)}{self.unit}",
            self.verdict(),
        ]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    caption: str = ""


@dataclass
class Section:
    """One benchmark's results: a heading, how it was measured, its tables, targets and notes."""

    title: str
    method: str
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str = ""  # why the benchmark could not run here, if it could not


def fmt(value: Any) -> str:
    """Figures as people read them: 3 significant digits for floats, thousands separators for ints."""
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: "–"}[value]
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:
            return "–"
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: Table) -> list[str]:
    lines = [f"*{table.caption}*", ""] if table.caption else []
    lines.append("| " + " | ".join(table.headers) + " |")
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.headers))) + "|")
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in table.rows]
    return [*lines, ""]


def section_markdown(number: int, section: Section) -> list[str]:
    lines = [f"## {number}. {section.title}", "", section.method, ""]
    if section.skipped:
        return [*lines, f"Skipped: {section.skipped}", ""]
    for table in section.tables:
        lines += markdown_table(table)
    if section.targets:
        lines += markdown_table(Table(["target", "measured", "target", "verdict"], [t.row() for t in section.targets]))
    lines += [f"- {note}" for note in section.notes]
    return [*lines, ""] if section.notes else lines


# ---------------------------------------------------------------------------------------------------
# Machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return out.stdout.strip() + (" (working tree has uncommitted changes)" if dirty.stdout.strip() else "")


def soffice_version() -> str | None:
    exe = shutil.which("soffice")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "installed (version unknown)"
    return out.stdout.strip() or "installed"


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine_facts() -> dict[str, str]:
    """What the figures depend on: CPU, cores, RAM, OS, Python, package versions, LibreOffice, load."""
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{_ram_gib():.1f} GiB",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(versions),
        "LibreOffice": soffice_version() or "not installed (no PDFs rendered)",
        "commit": _git_commit(),
        "load average (1/5/15 min) at start": load_average(),
    }


# ---------------------------------------------------------------------------------------------------
# RESULTS.md

HEADINGS = (
    "# Benchmark results",
    "## Machine",
    "## Targets",
)


def results_markdown(
    facts: dict[str, str], sections: Sequence[Section], command: str, started: datetime, seconds: float
) -> str:
    """bench/RESULTS.md: when and where, every target with its verdict, then each benchmark in full."""
    lines = [
        HEADINGS[0],
        "",
        f"Written by `{command}` (bench/run.py); regenerate it, do not edit it by hand. Figures are medians "
        "over the stated repeats; ratios compare figures measured in the same run.",
        "",
        HEADINGS[1],
        "",
        "| | |",
        "|---|---|",
        f"| date | {started:%Y-%m-%d %H:%M} UTC (took {seconds / 60:.1f} min) |",
        *(f"| {k} | {fmt(v)} |" for k, v in facts.items()),
        f"| load average (1/5/15 min) at end | {load_average()} |",
        "",
        "The machine is shared (other work ran beside the benchmarks), so wall-clock figures carry noise; "
        "child-process CPU time is given beside wall time where it matters.",
        "",
        HEADINGS[2],
        "",
    ]
    targets = [t for s in sections for t in s.targets]
    if targets:
        lines += markdown_table(Table(["target", "measured", "target", "verdict"], [t.row() for t in targets]))
        missed = [t for t in targets if not t.met]
        lines.append(f"{len(targets) - len(missed)} of {len(targets)} targets met.")
    else:
        lines.append("No targets measured.")
    lines.append("")
    for number, section in enumerate(sections, 1):
        lines += section_markdown(number, section)
    return "\n".join(lines).rstrip() + "\n"


def now_utc() -> datetime:
    return datetime.now(UTC)
