import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import report_cells
from assets.resources import ReportSource
from expectations.suites import build_data_docs, validate
from pipeline import warehouse
from pipeline.reviews import load_reviews
from pipeline.rules import HARD, RULES, Rule

MAX_LISTED = 50  # failing cells listed in check metadata; the full list is in dq_results


@dg.asset(group_name="quality", deps=[report_cells], kinds={"duckdb"})
def dq_results(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    """Rule verdicts: one row per report × rule × scope (column, row, block or cell).

    Computed by the rule SQL of `sql/rule_*.sql` from the rule catalogue, over the whole warehouse
    (cross-report rules such as S1 and S11 need every report). `passed` is NULL where a rule cannot
    be assessed because a cell it needs is blank or absent. Failed hard rules are attributed to the
    source, the extraction or an ambiguity. Reviewer verdicts are loaded from data/reviews.yaml and
    applied in the scorecard views.
    """
    with duckdb.get_connection() as con:
        warehouse.load_reviews(con, load_reviews(report_source.settings().reviews_file))
        warehouse.refresh_dq_results(con)
        rows = con.execute(
            "select rule_id, count(*) filter (where passed), count(*) filter (where not passed), "
            "count(*) filter (where passed is null) from dq_results group by rule_id order by rule_id"
        ).fetchall()
    return dg.MaterializeResult(
        metadata={f"{r}": f"{ok} passed, {bad} failed, {na} not assessable" for r, ok, bad, na in rows}
    )


@dg.asset(group_name="quality", deps=[dq_results], kinds={"great_expectations"})
def data_docs(report_source: ReportSource) -> dg.MaterializeResult:
    """The Great Expectations Data Docs site: every rule's suite and its latest validation over all
    reports, with the failing reports and scopes listed (beside the warehouse, by default
    data/gx/uncommitted/data_docs/local_site/index.html; `xxgk docs` prints the path)."""
    con = _read_only(report_source)
    try:
        frames = {rule: warehouse.rule_frame(con, rule) for rule in RULES}
    finally:
        con.close()
    index, results = build_data_docs(frames, report_source.settings().gx_root)
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(index)),
            "suites": len(results),
            "suites_failing": dg.MetadataValue.json(sorted(r.rule_id for r in results if not r.success)),
        }
    )


def _read_only(report_source: ReportSource):  # type: ignore[no-untyped-def]
    """Checks and Data Docs only read: read-only connections can run side by side in other processes
    (a distributed executor), waiting out a writer instead of failing on its lock."""
    settings = report_source.settings()
    return warehouse.connect(settings.warehouse, read_only=True, wait_seconds=settings.lock_wait_seconds)


def rule_check(rule: Rule) -> dg.AssetChecksDefinition:
    # On dq_results: the rule checks run after the verdict table is rebuilt, never beside its writer.
    @dg.asset_check(
        asset=dq_results,
        name=f"rule_{rule.id}",
        description=f"{rule.id} ({rule.severity}): {rule.description} Validated by the GX suite xxgk.{rule.id}.",
        blocking=False,
    )
    def _check(report_source: ReportSource) -> dg.AssetCheckResult:
        con = _read_only(report_source)
        try:
            frame = warehouse.rule_frame(con, rule)
        finally:
            con.close()
        result = validate(rule, frame)
        listed = result.failures.head(MAX_LISTED)
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR if rule.severity == HARD else dg.AssetCheckSeverity.WARN,
            metadata={
                "scopes_evaluated": result.evaluated,
                "scopes_failed": result.failures.height,
                "scopes_not_assessable": result.not_assessable,
                "failing_reports": dg.MetadataValue.json(result.failing_reports),
                "failing_cells": dg.MetadataValue.md(
                    "\n".join(
                        f"- `{r['source_file']}` {r['scope']}: {r['details']}" for r in listed.iter_rows(named=True)
                    )
                    or "none"
                ),
            },
        )

    return _check


rule_checks = [rule_check(rule) for rule in RULES]
