"""All settings in one place: defaults, overridden by XXGK_* environment variables or the CLI."""

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where `data/` is by default: the checkout's own, or, for an installed wheel (no pyproject.toml beside
# the package), the working directory's.
HOME = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()
# Bump on any change that alters what is read from a file: every report is then parsed again.
PARSER_VERSION = "0.6.0"


def parser_version() -> str:
    """The current parser version, looked up at call time (so a test can bump it)."""
    return PARSER_VERSION


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = HOME / "data" / "raw"
    warehouse: Path = HOME / "data" / "warehouse.duckdb"
    data_dir: Path = HOME / "data"
    # Reviewer verdicts on rule findings, versioned with the code (pipeline/reviews.py).
    reviews_file: Path = HOME / "data" / "reviews.yaml"
    # Files above this size are quarantined rather than read: real reports are well under 50 MB.
    max_file_bytes: int = 50 * 1024 * 1024
    # PDFs: reports run to a few dozen pages; thousands of pages is not a report (or is hostile).
    max_pdf_pages: int = 300
    # Pages whose text names the statistics tables get their ruled tables read (paths, glyphs, table
    # finder: 10–20 ms a page); at most this many per file.
    max_table_pages: int = 20
    # Pages without a plausible text layer (scans, broken font maps) are read by OCR at this resolution,
    # up to this many pages a file (2–3 s a page on two cores; image files are one page).
    ocr_dpi: int = 200
    max_ocr_pages: int = 40
    # OCR'd pages of one file are read this many at a time (threads: the engine and OpenCV release the
    # GIL), each engine then using cores / workers threads; 0 means one page per core. A single page gets
    # every core. On two cores, two pages at once are 5–10% faster than one and cost 0.4 GB more.
    ocr_workers: int = 0
    # A DOCX is a ZIP: refuse archives that inflate beyond this before parsing any XML (zip bombs).
    max_inflated_bytes: int = 200 * 1024 * 1024
    # Wall-clock limit for reading and parsing one file; a pathological file is quarantined, not waited on.
    # OCR costs seconds a page (more on a loaded machine), so a scanned report needs minutes.
    seconds_per_file: float = 600.0
    # Files are read and parsed by this many worker processes (0: one per core); a run with fewer than
    # eight files to parse, or one inside a Dask worker, parses in its own process.
    parse_workers: int = 0
    # Parsed reports are loaded this many at a time: one transaction and one insert per table for the
    # batch (a transaction per report cost 38 s of a 1,000-report build); the batch's frames are in memory.
    load_batch_reports: int = 250
    # How long a run waits for another process holding the warehouse's write lock before giving up.
    lock_wait_seconds: float = 30.0
    # Parse outcomes by content hash (pipeline/store.py); empty means `parsed/` beside the warehouse.
    # Point it at shared storage when parse workers run on other machines (docs/distributed.md).
    parsed_root: str = ""
    # The portal columns `xxgk collect` walks (pipeline/collect/sources.py), and how politely: seconds
    # between two requests to one host, a request's timeout, retries of 5xx answers and timeouts (waits
    # doubling), and list pages walked per source unless the source says otherwise.
    sources_file: Path = HOME / "data" / "sources.yaml"
    collect_delay_seconds: float = 1.0
    collect_timeout_seconds: float = 30.0
    collect_retries: int = 3
    collect_max_pages: int = 50
    # `xxgk watch` looks at the raw folder this often, and runs once what it sees has stayed unchanged
    # for one look (a file still being copied in is not read half-written).
    watch_interval_seconds: float = 2.0
    # Progress bars on stderr for long loops (the CLI turns them on when stderr is a terminal).
    progress: bool = False

    @property
    def gx_root(self) -> Path:
        """Where GX keeps its project folder `gx/` (suites, results, Data Docs): beside the warehouse."""
        return self.warehouse.parent

    @property
    def parsed_dir(self) -> Path:
        return Path(self.parsed_root) if self.parsed_root else self.warehouse.parent / "parsed"

    @property
    def data_docs_index(self) -> Path:
        return self.gx_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, then XXGK_<FIELD> environment variables (XXGK_RAW_DIR, XXGK_WAREHOUSE,
        XXGK_SECONDS_PER_FILE, ...), then explicit overrides (CLI flags) where not None. A value that
        does not fit its setting raises SettingsError, one line naming the variable."""
        values: dict[str, object] = {}
        for f in fields(cls):
            name = f"XXGK_{f.name.upper()}"
            raw = os.environ.get(name)
            if raw:
                values[f.name] = _parse(name, raw, getattr(cls, f.name))
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)  # type: ignore[arg-type]
        settings.check()
        return replace(settings, raw_dir=Path(settings.raw_dir).resolve(), warehouse=Path(settings.warehouse).resolve())

    def check(self) -> None:
        """Every numeric setting in its range (SettingsError otherwise)."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            least = 0 if f.name in _MAY_BE_ZERO else 1 if isinstance(value, int) else 0.0
            if value < least or (isinstance(value, float) and f.name not in _MAY_BE_ZERO and value == 0):
                raise SettingsError(
                    f"XXGK_{f.name.upper()}={value}: must be {'at least 0' if f.name in _MAY_BE_ZERO else 'positive'}"
                )


class SettingsError(ValueError):
    """A setting's value does not fit it: one line naming the variable, never a traceback."""


# Settings where 0 means something (one worker per core, no delay, no retry).
_MAY_BE_ZERO = {"ocr_workers", "parse_workers", "collect_delay_seconds", "collect_retries", "lock_wait_seconds"}


def _parse(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        if raw.lower() not in ("1", "true", "yes", "0", "false", "no"):
            raise SettingsError(f"{name}={raw!r}: expected true or false (1/0, yes/no)")
        return raw.lower() in ("1", "true", "yes")
    if isinstance(default, Path):
        return Path(raw)
    try:
        return type(default)(raw)
    except ValueError:
        kind = {int: "a whole number", float: "a number"}.get(type(default), type(default).__name__)
        raise SettingsError(f"{name}={raw!r}: expected {kind}") from None
