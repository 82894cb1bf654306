"""`xxgk run`: materialise every asset in-process over a folder of reports into a warehouse."""

import argparse
import sys
from pathlib import Path

from pipeline.settings import Settings


def run(settings: Settings, verbose: bool = False) -> int:
    import dagster as dg

    from assets.definitions import ALL_ASSETS
    from assets.quality import rule_checks
    from assets.resources import build_resources
    from pipeline import warehouse

    if not settings.raw_dir.is_dir():
        print(f"xxgk: raw directory {settings.raw_dir} does not exist", file=sys.stderr)
        return 2
    try:  # fail fast, with a message, if another run holds the single-writer lock
        warehouse.connect(settings.warehouse, wait_seconds=settings.lock_wait_seconds).close()
    except warehouse.WarehouseBusy as exc:
        print(f"xxgk: {exc}", file=sys.stderr)
        return 3
    result = dg.materialize(
        [*ALL_ASSETS, *rule_checks],
        resources=build_resources(settings),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}}},
    )
    if not result.success:
        print("xxgk: the run failed; see the log above", file=sys.stderr)
        return 1
    con = warehouse.connect(settings.warehouse)
    try:
        print(summary(con, settings))
    finally:
        con.close()
    return 0


def summary(con, settings: Settings) -> str:  # type: ignore[no-untyped-def]
    reports = con.execute("select count(*), count(*) filter (where status <> 'parsed') from reports").fetchone()
    cells = con.execute("select count(*), count(value) from v_report_cells").fetchone()
    quarantined = con.execute("select source_file, reason_code from quarantine order by 1").fetchall()
    rules = con.execute(
        "select d.rule_id, d.severity, count(r.passed) filter (where r.passed), "
        "count(r.passed) filter (where not r.passed), count(r.scope) filter (where r.passed is null), "
        "string_agg(distinct r.source_file, ', ') filter (where not r.passed) "
        "from dim_rules d left join dq_results r using (rule_id) "
        "group by d.rule_id, d.severity order by min(r.severity) is null, "
        "position(left(d.rule_id, 1) in 'HDCS'), length(d.rule_id), d.rule_id"
    ).fetchall()
    lines = [
        f"warehouse: {settings.warehouse}",
        f"reports read: {reports[0]} ({reports[1]} partial), quarantined: {len(quarantined)}",
        f"cells loaded: {cells[0]} ({cells[1]} with a value)",
        "rules (passed / failed / not assessable):",
    ]
    for rule_id, severity, ok, bad, na, files in rules:
        failing = f"   failing: {_shorten(files)}" if bad else ""
        lines.append(f"  {rule_id:<3} {severity:<10} {ok:>6} / {bad:>4} / {na:>4}{failing}")
    lines += [f"quarantine: {name}: {code}" for name, code in quarantined]
    return "\n".join(lines)


def _shorten(names: str, limit: int = 3) -> str:
    parts = names.split(", ")
    return ", ".join(parts[:limit]) + (f" and {len(parts) - limit} more" if len(parts) > limit else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xxgk", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="materialise every asset over DIR into FILE")
    run_p.add_argument("--raw-dir", type=Path, help="folder of reports (default data/raw or $XXGK_RAW_DIR)")
    run_p.add_argument("--warehouse", type=Path, help="DuckDB file (default data/warehouse.duckdb or $XXGK_WAREHOUSE)")
    run_p.add_argument("-v", "--verbose", action="store_true", help="show Dagster's step log")
    args = parser.parse_args(argv)
    settings = Settings.from_env(raw_dir=args.raw_dir, warehouse=args.warehouse)
    return run(settings, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
