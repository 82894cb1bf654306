import json
from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import report_cells
from assets.resources import ReportSource
from pipeline import quality, warehouse
from pipeline.reviews import load_reviews
from pipeline.rules import HARD, RULES

MAX_LISTED = 50  # failing scopes listed in check metadata; the full list is in dq_results
DOCS_STATE = "xxgk_docs_state.json"  # beside the GX project: the failing digest each suite's page shows


@dg.asset(
    group_name="quality",
    deps=[report_cells],
    kinds={"duckdb", "great_expectations"},
    check_specs=[
        dg.AssetCheckSpec(
            f"rule_{rule.id}",
            asset="dq_results",
            description=(
                f"{rule.id} ({rule.severity}): {rule.description} Judged by its GX expectations (suite xxgk.{rule.id})."
            ),
        )
        for rule in RULES
    ],
)
def dq_results(
    context: dg.AssetExecutionContext, report_source: ReportSource, duckdb: DuckDBResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Rule verdicts: one row per report × rule × scope (column, row, block or cell).

    Each rule's SQL (`sql/rule_*.sql`) computes quantities per scope and whether it can be assessed; the
    rule's GX expectations (`expectations/suites.py`) judge the assessable scopes, every rule's frame of
    a batch of reports in one validation, and their verdicts are what this table stores: `passed` true
    or false, NULL where a needed cell is blank or absent. A run judges only what changed (new or
    reloaded reports; for the cross-report rules S1, S11 and S13, scopes whose quantities changed).
    Failed hard rules are attributed to the source, the extraction or an ambiguity; reviewer verdicts
    from data/reviews.yaml are applied in `report_quality`. Each rule's check reports the stored
    verdicts over the whole warehouse.
    """
    from expectations.suites import JUDGE_VERSION, run_judge

    judge = run_judge()
    with duckdb.get_connection() as con:
        reviews_changed = warehouse.load_reviews(con, load_reviews(report_source.settings().reviews_file))
        run = quality.judge_warehouse(con, judge.verdicts, JUDGE_VERSION, reviews_changed=reviews_changed)
        tallies = quality.rule_tallies(con)
        listed = quality.failing_scopes(con, MAX_LISTED)
    context.log.info(
        f"judged {sum(run.scopes.values())} scopes ({'every report' if run.full else f'{run.reports} reports'}) "
        f"in {run.seconds_sql + run.seconds_judge:.1f} s"
    )
    yield dg.MaterializeResult(
        metadata={
            "reports_judged": run.reports,
            "scopes_judged": sum(run.scopes.values()),
            "full_rejudge": run.full,
            **{
                rule_id: f"{t.passed} passed, {t.failed} failed, {t.not_assessable} not assessable"
                for rule_id, t in tallies.items()
            },
        }
    )
    for rule in RULES:
        tally = tallies[rule.id]
        yield dg.AssetCheckResult(
            check_name=f"rule_{rule.id}",
            passed=tally.failed == 0,
            severity=dg.AssetCheckSeverity.ERROR if rule.severity == HARD else dg.AssetCheckSeverity.WARN,
            metadata={
                "scopes_evaluated": tally.scopes,
                "scopes_passed": tally.passed,
                "scopes_failed": tally.failed,
                "scopes_not_assessable": tally.not_assessable,
                "failing_reports": dg.MetadataValue.json(list(tally.failing_reports)),
                "failing_cells": dg.MetadataValue.md(
                    "\n".join(f"- `{f}` {scope}: {details}" for f, scope, details in listed[rule.id]) or "none"
                ),
            },
        )


@dg.asset(group_name="quality", deps=[dq_results], kinds={"great_expectations"})
def data_docs(context: dg.AssetExecutionContext, report_source: ReportSource) -> dg.MaterializeResult:
    """The Great Expectations Data Docs site: every rule's suite and its validation over all reports,
    with the failing scopes listed (beside the warehouse, by default
    data/gx/uncommitted/data_docs/local_site/index.html; `xxgk docs` prints the path).

    Only the suites whose failing scopes changed since the site was built are validated and rendered
    again; the summary table on the index (every rule's verdict counts from `dq_results`) is always
    rewritten.
    """
    from expectations.suites import build_data_docs

    settings = report_source.settings()
    state_file = settings.gx_root / DOCS_STATE
    shown = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else {}
    site_built = settings.data_docs_index.exists()
    con = warehouse.connect(settings.warehouse, read_only=True, wait_seconds=settings.lock_wait_seconds)
    try:
        tallies = quality.rule_tallies(con)
        stale = [r for r in RULES if not site_built or shown.get(r.id) != tallies[r.id].failing_digest]
        frames = {rule: warehouse.rule_frame(con, rule) for rule in stale}
    finally:
        con.close()
    index, results = build_data_docs(frames, settings.gx_root, tallies)
    state_file.write_text(
        json.dumps({**shown, **{r.rule_id: tallies[r.rule_id].failing_digest for r in results}}, indent=1),
        encoding="utf-8",
    )
    context.log.info(f"Data Docs: {len(results)} suites rendered again, {len(RULES) - len(results)} unchanged")
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(index)),
            "suites": len(RULES),
            "suites_rendered": dg.MetadataValue.json(sorted(r.rule_id for r in results)),
            "suites_failing": dg.MetadataValue.json(sorted(r for r, t in tallies.items() if t.failed)),
        }
    )


@dg.asset_check(asset=report_cells, blocking=False)
def coverage_gaps(report_source: ReportSource, duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Expected publishers (data/sources.yaml and every agency seen) without a readable report for a
    statistics year: `v_coverage` rows that are `missing` or `quarantined`, listed newest year first."""
    with duckdb.get_connection() as con:
        gaps = con.execute(
            "select agency, year, status from v_coverage where status <> 'found' order by year desc, agency"
        ).fetchall()
        expected = con.execute("select count(*) from v_coverage").fetchone()[0]
    by_year: dict[str, int] = {}
    for _, year, _ in gaps:
        by_year[str(year)] = by_year.get(str(year), 0) + 1
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "gaps": len(gaps),
            "agency_years_expected": expected,
            "gaps_by_year": dg.MetadataValue.json(by_year),
            "first_gaps": dg.MetadataValue.md(
                "\n".join(f"- {year} {agency}: {status}" for agency, year, status in gaps[:50]) or "none"
            ),
        },
    )
