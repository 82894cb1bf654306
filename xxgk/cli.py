"""`xxgk`: build the warehouse and use it from a shell.

xxgk run                      materialise everything new or stale over the raw folder
xxgk watch                    stay loaded and run whenever the raw folder changes
xxgk collect [--run]          collect reports from the portals of data/sources.yaml into the raw folder
xxgk ingest FILE...           copy reports into the raw folder, then run
xxgk status                   reports, quarantined files, failing rules
xxgk sql "select ..."         ad-hoc SQL on a read-only connection
xxgk export --format parquet DIR   every public table and view as files
xxgk docs                     path of the Data Docs site
"""

import argparse
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from pipeline import warehouse
from pipeline.settings import Settings, SettingsError
from xxgk.summary import summary


class UserError(Exception):
    """A known problem: printed as one line, with the exit code, never as a traceback."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------------
# run / ingest


def _instance():  # type: ignore[no-untyped-def]
    """The user's Dagster instance when DAGSTER_HOME is set (runs show up in the UI), else ephemeral."""
    import dagster as dg

    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _before_runs(settings: Settings) -> None:
    """What `run` and `watch` check and set before any run: the raw folder exists; Dagster's beta
    warnings (backfill_policy) are not the user's concern."""
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    if not settings.raw_dir.is_dir():
        raise UserError(f"raw directory {settings.raw_dir} does not exist")


def run(settings: Settings, verbose: bool = False, dask: str | None = None, force: bool = False) -> int:
    """The plan of a run now (`assets.plan.plan_run`, the nightly schedule's), in-process or on a Dask
    cluster, then a summary."""
    from assets.plan import materialize_plan, plan_run

    _before_runs(settings)
    try:  # fail fast, with a message, if another run holds the single-writer lock
        warehouse.connect(settings.warehouse, wait_seconds=settings.lock_wait_seconds).close()
    except warehouse.WarehouseBusy as exc:
        raise UserError(str(exc), 3) from exc
    if dask and not os.environ.get("DAGSTER_HOME"):
        raise UserError("--dask needs a persistent Dagster instance: set DAGSTER_HOME (docs/distributed.md)")
    instance = _instance()
    # the Data Docs site `xxgk docs` points to is part of what a run leaves: none yet, a run builds it
    plan = plan_run(settings, instance, force or not settings.data_docs_index.exists())
    if plan.empty:
        print("nothing new: every file is parsed by this parser version and loaded (--force runs anyway)")
    elif dask:
        from assets.distributed import run_on_cluster

        if not run_on_cluster(dask, instance, plan):
            raise UserError("the run failed; see the Dagster run log", 1)
    elif not materialize_plan(settings, instance, plan, verbose).success:
        raise UserError("the run failed; see the log above (-v shows every step)", 1)
    con = warehouse.connect(settings.warehouse, read_only=True)
    try:
        print(summary(con, settings.warehouse))
    finally:
        con.close()
    return 0


_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def safe_name(name: str) -> str:
    """A file name that stays inside the raw folder: no directories, no hidden or special names."""
    cleaned = _UNSAFE.sub("_", Path(name).name).strip().lstrip(".")
    if not cleaned:
        raise UserError(f"cannot use {name!r} as a file name")
    return cleaned


def ingest(settings: Settings, files: list[Path], verbose: bool = False) -> int:
    """Copy each file into the raw folder under a sanitised name, then run. A different file already
    there under the same name is never overwritten."""
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        if not file.is_file():
            raise UserError(f"{file} is not a file")
        target = settings.raw_dir / safe_name(file.name)
        if target.exists():
            if target.read_bytes() == file.read_bytes():
                print(f"{target.name}: already in {settings.raw_dir}")
                continue
            raise UserError(f"{target} exists with different content; rename the new file or remove the old one")
        shutil.copyfile(file, target)  # copies the bytes only: a symlink's target, never the link
        print(f"{target.name}: copied into {settings.raw_dir}")
    return run(settings, verbose)


def watch(settings: Settings, verbose: bool = False) -> int:
    """Stay loaded and run whenever the raw folder changes (`xxgk.watch`), until Ctrl-C or SIGTERM."""
    from xxgk import watch as watcher

    _before_runs(settings)
    watcher.stop_on_sigterm()
    try:
        watcher.watch(settings, _instance(), verbose, say=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0


def collect(settings: Settings, then_run: bool = False, verbose: bool = False) -> int:
    """Collect the sources of the sources file into the raw folder (progress on a terminal, a line per
    source, one line per error), then run if asked. A failing source does not stop the others."""
    from pipeline.collect import SourcesFileError, collect, load_sources

    try:
        sources = load_sources(settings.sources_file)
    except SourcesFileError as exc:
        raise UserError(str(exc)) from exc
    if not sources:
        raise UserError(f"no source listed in {settings.sources_file} (see its header for the format)")
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    show = settings.progress or verbose
    runs = collect(settings, sources, progress=(lambda line: print(line, file=sys.stderr)) if show else None)
    failed = 0
    for r in runs:
        print(f"{r.source}: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in r.counts().items()))
        for error in r.errors:
            print(f"  {error}")
        if r.failure:
            failed += 1
            print(f"  not collected: {r.failure}")
    if then_run:
        run(settings, verbose)
    if failed:
        raise UserError(f"{failed} of {len(runs)} sources could not be collected (the others were)", 1)
    return 0


# ---------------------------------------------------------------------------------------------------
# read-only commands


def _read_only(settings: Settings) -> duckdb.DuckDBPyConnection:
    if not settings.warehouse.exists():
        raise UserError(f"no warehouse at {settings.warehouse}: run `xxgk run` first")
    try:
        return warehouse.connect(settings.warehouse, read_only=True, wait_seconds=settings.lock_wait_seconds)
    except warehouse.WarehouseBusy as exc:
        raise UserError(str(exc), 3) from exc


def status(settings: Settings) -> int:
    con = _read_only(settings)
    try:
        print(summary(con, settings.warehouse))
    finally:
        con.close()
    return 0


def sql(settings: Settings, query: str, max_rows: int) -> int:
    """Run a query on a read-only connection and print it as a table (DuckDB's own rendering)."""
    con = _read_only(settings)
    try:
        relation = con.sql(query)
        if relation is None:
            print("ok")
        else:
            result = relation.to_arrow_table()  # run the query once; show and count the result
            con.from_arrow(result).show(max_rows=max_rows, max_width=10_000)
            print(f"{result.num_rows} row{'s' if result.num_rows != 1 else ''}")
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message.lower():
            message = "the warehouse is opened read-only here; it changes only through `xxgk run`"
        raise UserError(f"SQL error: {message}", 1) from exc
    finally:
        con.close()
    return 0


def public_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and view of the public schema (the SQL contract of the README)."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export(settings: Settings, fmt: str, out_dir: Path) -> int:
    """Write every public table and view to out_dir as <name>.parquet or <name>.csv."""
    con = _read_only(settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        names = public_relations(con)
        from pipeline.progress import progress

        for name in progress(names, settings, "export"):
            relation = con.table(name)  # an identifier from the catalogue, not user text
            target = out_dir / f"{name}.{fmt}"
            if fmt == "parquet":
                relation.write_parquet(str(target))
            else:
                relation.write_csv(str(target), header=True)
    finally:
        con.close()
    print(f"exported {len(names)} tables and views to {out_dir} as {fmt}")
    return 0


def docs(settings: Settings) -> int:
    index = settings.data_docs_index
    if not index.exists():
        raise UserError(f"no Data Docs at {index}: run `xxgk run` first")
    print(index)
    return 0


# ---------------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw-dir", type=Path, help="folder of reports (default data/raw or $XXGK_RAW_DIR)")
    common.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse.duckdb or $XXGK_WAREHOUSE)")
    parser = argparse.ArgumentParser(prog="xxgk", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", parents=[common], help="materialise everything new or stale")
    run_p.add_argument("-v", "--verbose", action="store_true", help="show Dagster's step log")
    run_p.add_argument("--force", action="store_true", help="run every step even when nothing is new")
    run_p.add_argument("--dask", metavar="ADDRESS", help="run on the Dask scheduler at ADDRESS (tcp://host:8786)")
    watch_p = sub.add_parser("watch", parents=[common], help="stay loaded; run whenever the raw folder changes")
    watch_p.add_argument(
        "--interval", type=float, help="seconds between looks (default 2, or $XXGK_WATCH_INTERVAL_SECONDS)"
    )
    watch_p.add_argument("-v", "--verbose", action="store_true", help="show Dagster's step log")
    collect_p = sub.add_parser("collect", parents=[common], help="collect reports from the portals of sources.yaml")
    collect_p.add_argument(
        "--sources", type=Path, help="sources file (default data/sources.yaml or $XXGK_SOURCES_FILE)"
    )
    collect_p.add_argument("--run", action="store_true", help="then materialise what is new")
    collect_p.add_argument("-v", "--verbose", action="store_true", help="a line per page fetched")
    ingest_p = sub.add_parser("ingest", parents=[common], help="copy files into the raw folder, then run")
    ingest_p.add_argument("files", nargs="+", type=Path)
    ingest_p.add_argument("-v", "--verbose", action="store_true")
    sub.add_parser("status", parents=[common], help="reports, quarantine and rule verdicts")
    sql_p = sub.add_parser("sql", parents=[common], help="ad-hoc SQL, read-only")
    sql_p.add_argument("query")
    sql_p.add_argument("--max-rows", type=int, default=100)
    export_p = sub.add_parser("export", parents=[common], help="every public table as Parquet or CSV")
    export_p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    export_p.add_argument("out_dir", type=Path)
    sub.add_parser("docs", parents=[common], help="path of the Data Docs site")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        raw_dir=args.raw_dir,
        warehouse=args.warehouse,
        sources_file=getattr(args, "sources", None),
        watch_interval_seconds=getattr(args, "interval", None),
        progress=True if sys.stderr.isatty() else None,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"xxgk {args.command}: {exc}", file=sys.stderr)
        return 2
    commands: dict[str, Callable[[], int]] = {
        "run": lambda: run(settings, args.verbose, args.dask, args.force),
        "watch": lambda: watch(settings, args.verbose),
        "collect": lambda: collect(settings, args.run, args.verbose),
        "ingest": lambda: ingest(settings, args.files, args.verbose),
        "status": lambda: status(settings),
        "sql": lambda: sql(settings, args.query, args.max_rows),
        "export": lambda: export(settings, args.format, args.out_dir),
        "docs": lambda: docs(settings),
    }
    try:
        return commands[args.command]()
    except UserError as exc:
        print(f"xxgk {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"xxgk {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
