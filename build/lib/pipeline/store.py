"""Content-addressed store of parse outcomes: one bundle per (parser version, SHA-256 of the file).

Parsing (the expensive, parallel part) writes bundles; loading (the single DuckDB writer) reads them.
A bundle is a folder of one Parquet file per warehouse table plus `outcome.json`, written to a temporary
folder and renamed into place, so a reader sees a whole bundle or none. Because the key is the content,
identical files under two names are parsed once, and a parser-version bump leaves old bundles unused
(a new version parses everything again).

Also here: the scan cache, so a nightly scan of thousands of unchanged files does not re-hash them.
"""

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipeline import warehouse
from pipeline.ingest import Outcome
from pipeline.settings import Settings, parser_version
from pipeline.sniff import SourceFile, discover, sniff


def bundle_dir(settings: Settings, sha256: str) -> Path:
    return settings.parsed_dir / parser_version() / sha256[:2] / sha256


def has_bundle(settings: Settings, sha256: str) -> bool:
    return (bundle_dir(settings, sha256) / "outcome.json").exists()


def write_bundle(settings: Settings, outcome: Outcome) -> Path:
    """Store one file's outcome under its content hash (atomic: rename of a complete folder)."""
    target = bundle_dir(settings, outcome.source.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        for table, frame in (outcome.frames or {}).items():
            frame.write_parquet(staging / f"{table}.parquet")
        meta = {
            "parsed_as": outcome.source.name,
            "format": outcome.source.format,
            "tables": sorted(outcome.frames or {}),
            "reason_code": outcome.reason_code,
            "reason": outcome.reason,
        }
        (staging / "outcome.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another worker stored the same content first: theirs is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _reason_for(meta: dict, source: SourceFile) -> str:
    """A stored quarantine reason, naming this file: the same content may have been parsed under
    another name, and reasons start with the file's name."""
    parsed_as: str = meta["parsed_as"]
    reason: str = meta["reason"] or ""
    return source.name + reason[len(parsed_as) :] if reason.startswith(parsed_as) else reason


@dataclass
class BatchLoad:
    """What one batch of files became in the warehouse."""

    loaded: list[str] = field(default_factory=list)
    quarantined: dict[str, str] = field(default_factory=dict)  # file → reason
    waiting: list[str] = field(default_factory=list)  # not parsed by this parser version yet
    rows: dict[str, int] = field(default_factory=dict)  # table → rows inserted


def load_batch(con: duckdb.DuckDBPyConnection, settings: Settings, sources: list[SourceFile]) -> BatchLoad:
    """Load the stored outcomes of these files in one transaction. DuckDB reads the bundles' Parquet
    files itself, all of a table's at once (reading them into polars one by one cost 9 ms a report).
    Should the batch fail, each file is loaded alone from its frames, so one bad bundle cannot keep
    the others out; the first error is raised once the others are in."""
    batch = BatchLoad()
    parquet: dict[str, list[tuple[str, str]]] = {}
    frames: dict[str, dict[str, pl.DataFrame]] = {}
    names: list[str] = []
    for source in sources:
        folder = bundle_dir(settings, source.sha256)
        meta_path = folder / "outcome.json"
        if not meta_path.exists():
            batch.waiting.append(source.name)
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        names.append(source.name)
        if meta["reason_code"] is not None:
            reason = _reason_for(meta, source)
            frames[source.name] = {"quarantine": warehouse.quarantine_frame(source, meta["reason_code"], reason)}
            batch.quarantined[source.name] = reason
        else:
            for table in meta["tables"]:
                parquet.setdefault(table, []).append((str(folder / f"{table}.parquet"), source.name))
            batch.loaded.append(source.name)
    if not names:
        return batch
    try:
        batch.rows = warehouse.load_parquet_reports(con, names, parquet, frames)
        return batch
    except duckdb.Error:
        if len(names) == 1:
            raise
    failed: duckdb.Error | None = None
    batch.rows = {}
    for source in sources:
        if source.name not in names:
            continue
        try:
            single = load_batch(con, settings, [source])
        except duckdb.Error as exc:
            failed = failed or exc
            continue
        for table, n in single.rows.items():
            batch.rows[table] = batch.rows.get(table, 0) + n
    if failed is not None:
        raise failed
    return batch


# ---------------------------------------------------------------------------------------------------
# Scan cache


def _cache_path(settings: Settings) -> Path:
    return settings.parsed_dir / "scan-cache.json"


def scan(settings: Settings) -> list[SourceFile]:
    """Every file of the raw folder, sniffed; files whose path, size and modification time are
    unchanged since the last scan are taken from the cache instead of being read and hashed again."""
    if not settings.raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {settings.raw_dir} does not exist")
    cache_file = _cache_path(settings)
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, dict[str, object]] = {}
    sources = []
    for path in discover(settings.raw_dir):
        stat = path.stat()
        key = str(path)
        entry = cache.get(key)
        if entry and entry["size"] == stat.st_size and entry["mtime_ns"] == stat.st_mtime_ns:
            source = SourceFile(path, entry["sha256"], entry["size"], entry["format"], entry["reason_code"],
                                entry["reason"])  # fmt: skip
        else:
            source = sniff(path, settings)
        fresh[key] = {**{k: v for k, v in asdict(source).items() if k != "path"}, "mtime_ns": stat.st_mtime_ns}
        sources.append(source)
    if fresh != cache:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".scan-cache-", dir=cache_file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(fresh, out, ensure_ascii=False)
        os.replace(tmp, cache_file)  # atomic: concurrent scans lose at most an update, never the file
    return sources
