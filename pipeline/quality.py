"""Rule verdicts in the warehouse: which scopes a run judges, the judge's verdicts stored in `dq_results`,
failures attributed, verdicts counted per report (`report_quality`) and per rule (the checks, Data Docs).

Each rule's SQL (`sql/rule_<id>.sql`) computes quantities per scope and whether the scope can be assessed;
it decides nothing. The judge (the rule's GX suite, `expectations.suites.Judge`) decides; this module
only stores what it decided, so every view of a rule shows the same verdict.

A run judges what changed, not the warehouse:
- per-report rules, the reports not judged yet (a load deletes a report's verdicts and counts, so new
  and reloaded reports lack them), their SQL restricted to those reports;
- cross-report rules (S1, S11, S13), whose SQL runs over the whole warehouse (a report changes the
  verdicts of its neighbours), the scopes whose quantities or details differ from the stored ones;
- everything when the rules changed (their fingerprint differs from the one stored) or when forced.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipeline.rules import HARD, RULES, Rule
from pipeline.sql import load_sql, statements
from pipeline.warehouse import insert, load_regions, transaction

# The judge: rule frames in, each with `passed` (true, false, or null: not assessable) out. A run hands
# it a batch of reports' frames of every rule at once (GX's cost is per validation, hardly per row).
Judge = Callable[[dict[Rule, pl.DataFrame]], dict[Rule, pl.DataFrame]]

# What a stored verdict rests on: a cross-report scope whose quantities and details are unchanged keeps it.
_SAME_GROUNDS = (
    "d.source_file = f.source_file and d.scope = f.scope and d.observed is not distinct from f.observed "
    "and d.expected is not distinct from f.expected and d.details is not distinct from f.details"
)


def rules_fingerprint(judge_version: str) -> str:
    """The rules as this package states them (SQL and the judge's expectations): stored verdicts made
    under another fingerprint are judged again."""
    digest = hashlib.sha256(judge_version.encode())
    for name in [r.sql_name for r in RULES] + ["attribute_failures", "count_report_verdicts"]:
        digest.update(load_sql(name).encode())
    return digest.hexdigest()[:16]


@dataclass
class JudgingRun:
    """What one run judged."""

    full: bool  # every scope judged again (first run, changed rules, forced)
    reports: int  # reports whose per-report scopes were judged
    scopes: dict[str, int] = field(default_factory=dict)  # rule id → scopes judged in this run
    seconds_sql: float = 0.0  # computing the rules' quantities
    seconds_judge: float = 0.0  # the judge deciding


# Per-report rules are judged this many reports at a time: the judge holds one batch's scopes in memory
# (about 470 a report), not the warehouse's.
BATCH_REPORTS = 2_000


def judge_warehouse(
    con: duckdb.DuckDBPyConnection, judge: Judge, judge_version: str, force: bool = False,
    reviews_changed: bool = False, batch_reports: int = BATCH_REPORTS,
) -> JudgingRun:  # fmt: skip
    """Judge what changed since the last run and store the verdicts, in one transaction."""
    load_regions(con)
    fingerprint = rules_fingerprint(judge_version)
    stored = con.execute("select value from warehouse_meta where key = 'rules_fingerprint'").fetchall()
    full = force or stored != [(fingerprint,)]
    # A report judged has its counts in report_quality; a load deletes them with its verdicts.
    pending = "" if full else " where source_file not in (select source_file from report_quality)"
    con.execute(
        "create or replace temp table judged_reports as "
        f"select source_file, row_number() over (order by source_file) as n from reports{pending}"
    )
    run = JudgingRun(full, con.execute("select count(*) from judged_reports").fetchall()[0][0])
    with transaction(con):
        if full:
            con.execute("delete from dq_results")
        con.execute("create or replace temp table touched_reports as select source_file from judged_reports")
        # The cross-report rules' changed scopes are judged with the first batch, or alone.
        frames = {rule: _changed_scopes(con, rule, run, full) for rule in RULES if rule.cross_report}
        for first in range(0, run.reports, batch_reports):
            # every report in one batch: nothing to filter
            batch = None if full and run.reports <= batch_reports else _batch_files(con, first, batch_reports)
            frames |= {rule: _batch_frame(con, rule, batch, run) for rule in RULES if not rule.cross_report}
            _store(con, _judged(run, judge, frames))  # one validation and one insert for the batch
            frames = {}
        _store(con, _judged(run, judge, frames))  # the cross-report scopes alone when no report is judged
        hard = [rule for rule in RULES if rule.severity == HARD]
        con.execute(
            load_sql("attribute_failures"), {"rule_ids": [r.id for r in hard], "rule_tables": [r.table for r in hard]}
        )
        if full or reviews_changed:
            con.execute("create or replace temp table touched_reports as select source_file from reports")
        for stmt in statements("count_report_verdicts"):
            con.execute(stmt)
        con.execute("insert or replace into warehouse_meta values ('rules_fingerprint', $v)", {"v": fingerprint})
    return run


def _batch_files(con: duckdb.DuckDBPyConnection, first: int, size: int) -> list[str]:
    return [f for (f,) in con.execute(
        "select source_file from judged_reports where n > $first and n <= $first + $size order by n",
        {"first": first, "size": size},
    ).fetchall()]  # fmt: skip


def _batch_frame(con: duckdb.DuckDBPyConnection, rule: Rule, batch: list[str] | None, run: JudgingRun) -> pl.DataFrame:
    """A per-report rule's quantities for a batch of reports (None: every report). The reports are a
    list parameter, not a join: DuckDB pushes a filter on `source_file` through the rule's grouping
    down to the table scans, so a batch costs what its reports hold, where a semi join computed the
    rule over the whole warehouse for every batch."""
    if batch is None:
        return _quantities(con, run, load_sql(rule.sql_name))
    sql = f"select * from ({load_sql(rule.sql_name)}) where list_contains($batch, source_file)"
    return _quantities(con, run, sql, {"batch": batch})


def _quantities(con: duckdb.DuckDBPyConnection, run: JudgingRun, sql: str, params: dict | None = None) -> pl.DataFrame:
    """A rule query's frame, its time counted in the run's."""
    started = time.perf_counter()
    frame = con.sql(sql, params=params).pl()
    run.seconds_sql += time.perf_counter() - started
    return frame


def _judged(run: JudgingRun, judge: Judge, frames: dict[Rule, pl.DataFrame]) -> list[pl.DataFrame]:
    """The verdicts of these rule frames, judged together, each in the shape of `dq_results`."""
    started = time.perf_counter()
    verdicts = judge({rule: frame for rule, frame in frames.items() if frame.height})
    run.seconds_judge += time.perf_counter() - started
    for rule, frame in frames.items():
        run.scopes[rule.id] = run.scopes.get(rule.id, 0) + frame.height
    return [
        frame.select(
            "source_file",
            pl.lit(rule.id).alias("rule_id"),
            pl.lit(rule.severity).alias("severity"),
            "scope",
            pl.col("passed").cast(pl.Boolean),
            pl.col("observed").cast(pl.Float64),
            pl.col("expected").cast(pl.Float64),
            "details",
        )
        for rule, frame in verdicts.items()
    ]


def _changed_scopes(con: duckdb.DuckDBPyConnection, rule: Rule, run: JudgingRun, full: bool) -> pl.DataFrame:
    """A cross-report rule over the whole warehouse: the scopes whose grounds (quantities, details)
    differ from the stored verdicts', to be judged (every scope when judging everything); stored
    verdicts whose grounds are gone are deleted, and their reports' counts recounted."""
    fresh = _quantities(con, run, load_sql(rule.sql_name))
    if full:
        return fresh
    con.register("fresh_rule", fresh.to_arrow())
    try:
        changed = _quantities(
            con,
            run,
            f"select * from fresh_rule as f where not exists "
            f"(select 1 from dq_results as d where d.rule_id = $rule_id and {_SAME_GROUNDS})",
            {"rule_id": rule.id},
        )
        stale = f"rule_id = $rule_id and not exists (select 1 from fresh_rule as f where {_SAME_GROUNDS})"
        con.execute(f"insert into touched_reports select distinct source_file from dq_results as d where {stale}",
                    {"rule_id": rule.id})  # fmt: skip
        con.execute(f"delete from dq_results as d where {stale}", {"rule_id": rule.id})
    finally:
        con.unregister("fresh_rule")
    return changed


def _store(con: duckdb.DuckDBPyConnection, verdicts: list[pl.DataFrame]) -> None:
    """Insert rules' verdicts (in the shape of `dq_results`) in one statement; their reports' counts
    are recounted."""
    frames = [v for v in verdicts if v.height]
    if not frames:
        return
    rows = pl.concat(frames)
    insert(con, "dq_results", rows)
    con.register("judged_rows", rows.select("source_file").unique().to_arrow())
    try:
        con.execute("insert into touched_reports select source_file from judged_rows")
    finally:
        con.unregister("judged_rows")


@dataclass(frozen=True)
class RuleTally:
    """One rule's stored verdicts over the whole warehouse: what its check and its Data Docs show."""

    passed: int
    failed: int
    not_assessable: int
    failing_reports: tuple[str, ...]
    failing_digest: str  # changes whenever the failing scopes or their details change

    @property
    def scopes(self) -> int:
        return self.passed + self.failed + self.not_assessable


def rule_tallies(con: duckdb.DuckDBPyConnection) -> dict[str, RuleTally]:
    """Every rule's verdicts counted from `dq_results` (rules without scopes count zero)."""
    rows = con.execute(load_sql("rule_tallies")).fetchall()
    found = {r[0]: RuleTally(r[1], r[2], r[3], tuple(r[4] or ()), r[5] or "") for r in rows}
    return {rule.id: found.get(rule.id, RuleTally(0, 0, 0, (), "")) for rule in RULES}


def failing_scopes(con: duckdb.DuckDBPyConnection, limit: int) -> dict[str, list[tuple[str, str, str]]]:
    """Every rule's first failing scopes (source file, scope, details), in one query."""
    rows = con.execute(
        "select rule_id, source_file, scope, details from dq_results where passed = false "
        "qualify row_number() over (partition by rule_id order by source_file, scope) <= $limit "
        "order by rule_id, source_file, scope",
        {"limit": limit},
    ).fetchall()
    listed: dict[str, list[tuple[str, str, str]]] = {rule.id: [] for rule in RULES}
    for rule_id, source_file, scope, details in rows:
        listed.setdefault(rule_id, []).append((source_file, scope, details))
    return listed
