"""One GX suite per rule of `pipeline.rules`, asserting on the per-scope quantities its SQL computes.

GX 1.x has no DuckDB or polars datasource, so each rule's quantities are handed to GX as a pandas
frame. GX is imported lazily: it costs about 4 s, and nothing else in the pipeline needs it.
"""

import html
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.rules import Rule

Spec = tuple[str, dict[str, Any]]

_EQUAL: Spec = (
    "ExpectColumnPairValuesToBeEqual",
    {"column_A": "observed", "column_B": "expected", "ignore_row_if": "either_value_is_missing"},
)
_AT_MOST_EXPECTED: Spec = (
    "ExpectColumnPairValuesAToBeGreaterThanB",
    {"column_A": "expected", "column_B": "observed", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
)
_AT_LEAST_EXPECTED: Spec = (
    "ExpectColumnPairValuesAToBeGreaterThanB",
    {"column_A": "observed", "column_B": "expected", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
)
_WHOLE: Spec = ("ExpectColumnValuesToBeBetween", {"column": "fraction", "min_value": 0, "max_value": 0})

# The expectations of each rule, over the columns its SQL returns. Rows a rule cannot assess (a needed
# cell blank or absent) carry NULL quantities; GX skips them and they are counted separately: not
# assessable is never a pass.
SPECS: dict[str, list[Spec]] = {
    "H1": [_EQUAL],
    "H2": [_EQUAL],
    "H3": [_EQUAL],
    "H4": [_EQUAL],
    "H5": [_AT_MOST_EXPECTED],
    "H6": [("ExpectColumnValuesToBeBetween", {"column": "observed", "min_value": 0})],
    "D1": [("ExpectColumnValuesToBeBetween", {"column": "observed", "min_value": 0}), _WHOLE],
    "D2": [
        ("ExpectColumnValuesToBeBetween", {"column": "observed", "min_value": 0}),
        ("ExpectColumnValuesToBeBetween", {"column": "decimals", "min_value": 0, "max_value": 4}),
    ],
    "D3": [_WHOLE],
    "D4": [("ExpectColumnValuesToBeNull", {"column": "observed"})],
    "C1": [_EQUAL, ("ExpectColumnValuesToBeInSet", {"column": "in_order", "value_set": [True]})],
    "C2": [
        (
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "template", "column_B": "expected_template", "ignore_row_if": "either_value_is_missing"},
        )
    ],
    "C3": [("ExpectColumnValuesToBeInSet", {"column": "semantic", "value_set": ["number", "zero", "na"]})],
    "C4": [_EQUAL],
    "C5": [_AT_MOST_EXPECTED],
    "C6": [_AT_LEAST_EXPECTED],
    "S1": [_EQUAL],
    "S2": [_AT_LEAST_EXPECTED],
    "S3": [_EQUAL],
    "S4": [_EQUAL],
    "S5": [_EQUAL],
    "S6": [_EQUAL],
    "S7": [_EQUAL],
    "S8": [_EQUAL],
    "S9": [_AT_MOST_EXPECTED],
    "S10": [("ExpectColumnValuesToBeInSet", {"column": "mentions_fee", "value_set": [True]})],
    "S11": [("ExpectColumnValuesToBeNull", {"column": "duplicate_of"})],
    "S12": [_EQUAL],
    "S13": [_AT_LEAST_EXPECTED],
}


def expectation_specs(rule: Rule) -> list[Spec]:
    """The expectations of one rule: GX class name and arguments."""
    return SPECS[rule.id]


@dataclass(frozen=True)
class SuiteResult:
    rule_id: str
    success: bool
    evaluated: int  # scopes (rows of the rule frame)
    not_assessable: int
    failures: pl.DataFrame  # source_file, scope, details of the rows GX found unexpected

    @property
    def failing_reports(self) -> list[str]:
        return sorted(set(self.failures["source_file"].to_list()))


def _context(docs_root: Path | None):  # type: ignore[no-untyped-def]
    """An ephemeral GX context, or a file context under docs_root that keeps results for Data Docs."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if docs_root is None:
        context = gx.get_context(mode="ephemeral")
    else:
        docs_root.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(docs_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in run logs
    return context


def _run(context, rule: Rule, frame: pl.DataFrame, update_docs: bool) -> SuiteResult:  # type: ignore[no-untyped-def]
    import great_expectations as gx
    import great_expectations.expectations as gxe

    datasource = context.data_sources.add_or_update_pandas("xxgk")
    asset = next((a for a in datasource.assets if a.name == rule.sql_name), None) or datasource.add_dataframe_asset(
        name=rule.sql_name
    )
    batch_definition = next(
        (b for b in asset.batch_definitions if b.name == "all_reports"), None
    ) or asset.add_batch_definition_whole_dataframe("all_reports")
    expectations = [getattr(gxe, name)(**kwargs) for name, kwargs in expectation_specs(rule)]
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(
            name=f"xxgk.{rule.id}",
            expectations=expectations,
            meta={"notes": {"format": "markdown", "content": [f"**{rule.id}** ({rule.severity}): {rule.description}"]}},
        )
    )
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"xxgk.{rule.id}", data=batch_definition, suite=suite)
    )
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["source_file", "scope"]}
    data = frame.to_pandas()
    empty = frame.select("source_file", "scope", "details").clear()
    if data.empty:
        return SuiteResult(rule.id, True, 0, 0, empty)
    if update_docs:
        actions: list = []  # the site is built once at the end (build_data_docs), not once per suite
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"xxgk.{rule.id}",
                validation_definitions=[definition],
                actions=actions,
                result_format=result_format,
            )
        )
        outcome = next(iter(checkpoint.run(batch_parameters={"dataframe": data}).run_results.values()))
    else:
        outcome = definition.run(batch_parameters={"dataframe": data}, result_format=result_format)
    unexpected: set[tuple[str, str]] = set()
    for result in outcome.results:
        for index in result.result.get("unexpected_index_list") or []:
            unexpected.add((index["source_file"], index["scope"]))
    failures = frame.filter(
        pl.struct("source_file", "scope").map_elements(lambda r: (r["source_file"], r["scope"]) in unexpected,
                                                       return_dtype=pl.Boolean)
    ) if unexpected else frame.clear()  # fmt: skip
    return SuiteResult(
        rule.id,
        bool(outcome.success),
        frame.height,
        frame.filter(pl.col("passed").is_null()).height,
        failures.select("source_file", "scope", "details"),
    )


def validate(rule: Rule, frame: pl.DataFrame) -> SuiteResult:
    """Run the rule's GX suite over its quantity frame, in an ephemeral GX context."""
    return _run(_context(None), rule, frame, update_docs=False)


def build_data_docs(frames: dict[Rule, pl.DataFrame], root: Path) -> tuple[Path, list[SuiteResult]]:
    """Validate every rule in a file-backed GX context under `root` and build its Data Docs site;
    returns the site's index.html and the results."""
    context = _context(root)
    # The site shows the latest validation of each suite: results of earlier runs are dropped, or every
    # night would render every night before it again (the build grew with each run).
    for stale in ("validations", "data_docs/local_site/validations"):
        shutil.rmtree(root / "gx" / "uncommitted" / stale, ignore_errors=True)
    results = [_run(context, rule, frame, update_docs=True) for rule, frame in frames.items()]
    sites = context.build_data_docs()
    index = Path(str(next(iter(sites.values()))).removeprefix("file://"))
    _write_offline_summary(index, list(frames), results)
    return index, results


_SUMMARY_START, _SUMMARY_END = "<!-- xxgk-summary -->", "<!-- /xxgk-summary -->"


def _latest_validation_page(index: Path, rule: Rule) -> str | None:
    pages = sorted((index.parent / "validations" / "xxgk" / rule.id).glob("*/*/*.html"), key=lambda p: p.parent.name)
    return pages[-1].relative_to(index.parent).as_posix() if pages else None


def _write_offline_summary(index: Path, rules: list[Rule], results: list[SuiteResult]) -> None:
    """Put a plain HTML table of every suite's latest verdict at the top of the Data Docs index.

    GX renders its index tables with JavaScript fetched from public CDNs; on an offline machine (ours
    run without network) they stay empty. This table needs no script: rule, severity, verdict, counts
    and a link to the (server-rendered) validation page of each suite.
    """
    rows = []
    for rule, result in zip(rules, results, strict=True):
        assessed = result.evaluated - result.not_assessable
        verdict = "Failed" if not result.success else ("Passed" if assessed else "Not assessable")
        page = _latest_validation_page(index, rule)
        name = f'<a href="{html.escape(page)}">xxgk.{rule.id}</a>' if page else f"xxgk.{rule.id}"
        failing = ", ".join(result.failing_reports)
        rows.append(
            f"<tr><td>{name}</td><td>{rule.severity}</td><td>{verdict}</td><td>{result.evaluated}</td>"
            f"<td>{result.not_assessable}</td><td>{len(result.failures)}</td><td>{html.escape(failing)}</td>"
            f"<td>{html.escape(rule.description)}</td></tr>"
        )
    table = (
        f'{_SUMMARY_START}<section id="xxgk-summary" class="container-fluid"><h3>xxgk rule verdicts</h3>'
        '<table class="table table-sm"><thead><tr><th>suite</th><th>severity</th><th>verdict</th>'
        "<th>scopes</th><th>not assessable</th><th>failing scopes</th><th>failing reports</th><th>rule</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>{_SUMMARY_END}"
    )
    page = index.read_text(encoding="utf-8")
    if _SUMMARY_START in page:  # rebuilt in place: replace the previous summary
        page = page[: page.index(_SUMMARY_START)] + page[page.index(_SUMMARY_END) + len(_SUMMARY_END) :]
    body = page.index(">", page.index("<body")) + 1
    index.write_text(page[:body] + table + page[body:], encoding="utf-8")
