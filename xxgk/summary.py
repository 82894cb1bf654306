"""What the warehouse holds, as `xxgk run` and `xxgk status` print it, and as the one line `xxgk watch`
prints after each run."""

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class WarehouseTally:
    """Reports, cells, quarantined files and every rule's verdicts, counted read-only."""

    reports: int  # read and not retired
    partial: int
    retired: int
    cells: int
    cells_with_value: int
    quarantined: list[tuple[str, str, str]]  # source file, reason code, reason
    rules: list[tuple[str, str, int, int, int, str | None]]  # id, severity, passed, failed, n/a, failing files

    @property
    def failing_rules(self) -> list[tuple[str, int]]:
        return [(rule_id, failed) for rule_id, _, _, failed, _, _ in self.rules if failed]


def tally(con: duckdb.DuckDBPyConnection) -> WarehouseTally:
    reports = con.execute(
        "select count(*), count(*) filter (where status = 'partial'), count(*) filter (where status = 'retired')"
        " from reports"
    ).fetchone()
    cells = con.execute(  # the cells of the reports read now: a retired report's rows stay, uncounted
        "select count(*), count(value) from v_report_cells "
        "where source_file in (select source_file from reports where status <> 'retired')"
    ).fetchone()
    quarantined = con.execute("select source_file, reason_code, reason from quarantine order by 1").fetchall()
    rules = con.execute(
        "select d.rule_id, d.severity, count(r.passed) filter (where r.passed), "
        "count(r.passed) filter (where not r.passed), count(r.scope) filter (where r.passed is null), "
        "string_agg(distinct r.source_file, ', ') filter (where not r.passed) "
        "from dim_rules d left join dq_results r using (rule_id) "
        "group by d.rule_id, d.severity order by min(r.severity) is null, "
        "position(left(d.rule_id, 1) in 'HDCS'), length(d.rule_id), d.rule_id"
    ).fetchall()
    assert reports is not None and cells is not None
    return WarehouseTally(reports[0] - reports[2], reports[1], reports[2], cells[0], cells[1], quarantined, rules)


def summary(con: duckdb.DuckDBPyConnection, warehouse: Path) -> str:
    """The summary `xxgk run` and `xxgk status` print: counts, every rule's verdicts, the quarantine."""
    t = tally(con)
    retired = f", retired: {t.retired}" if t.retired else ""
    lines = [
        f"warehouse: {warehouse}",
        f"reports read: {t.reports} ({t.partial} partial), quarantined: {len(t.quarantined)}{retired}",
        f"cells loaded: {t.cells} ({t.cells_with_value} with a value)",
        "rules (passed / failed / not assessable):",
    ]
    for rule_id, severity, ok, bad, na, files in t.rules:
        failing = f"   failing: {_shorten(files or '')}" if bad else ""
        lines.append(f"  {rule_id:<3} {severity:<10} {ok:>6} / {bad:>4} / {na:>4}{failing}")
    lines += [f"quarantine: {name}: {code}: {reason}" for name, code, reason in t.quarantined]
    return "\n".join(lines)


def one_line(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse in one line: reports, quarantined files, cells, the rules with failing scopes."""
    t = tally(con)
    failing = ", ".join(f"{rule_id} ({n})" for rule_id, n in t.failing_rules) or "none"
    retired = f", {t.retired} retired" if t.retired else ""
    return (
        f"{t.reports} report{'' if t.reports == 1 else 's'} ({t.partial} partial), {len(t.quarantined)} "
        f"quarantined{retired}, {t.cells_with_value}/{t.cells} cells with a value; rules failing: {failing}"
    )


def _shorten(names: str, limit: int = 3) -> str:
    parts = names.split(", ")
    return ", ".join(parts[:limit]) + (f" and {len(parts) - limit} more" if len(parts) > limit else "")
