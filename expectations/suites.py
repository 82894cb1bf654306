"""One GX suite per rule of `pipeline.rules`, asserting on the per-scope quantities its SQL computes.

GX 1.x has no DuckDB or polars datasource, so each rule's quantities are handed to GX as a pandas
frame. GX is imported lazily: it costs about 4 s, and nothing else in the pipeline needs it.
"""

import hashlib
import html
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.quality import RuleTally
from pipeline.rules import RULES, Rule

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

# The expectations of each rule, over the columns its SQL returns. GX sees only the scopes the SQL marks
# `assessable` (no needed cell blank or absent); the others are not assessable, never a pass.
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


# Stored verdicts made under other expectations are judged again (pipeline.quality.rules_fingerprint).
JUDGE_VERSION = hashlib.sha256(repr(sorted(SPECS.items())).encode()).hexdigest()[:16]


def expectation_specs(rule: Rule) -> list[Spec]:
    """The expectations of one rule: GX class name and arguments."""
    return SPECS[rule.id]


def judged_columns(rule: Rule) -> list[str]:
    """The columns the rule's expectations compare. A scope is judged only where the rule's SQL marks it
    `assessable` and each of them holds a value (GX itself would skip a row missing one and count it as
    no failure, which is not a pass); the columns of ToBeNull expectations may be empty by design."""
    columns: list[str] = []
    for name, kwargs in expectation_specs(rule):
        if name == "ExpectColumnValuesToBeNull":
            continue
        for key in ("column", "column_A", "column_B"):
            if key in kwargs and kwargs[key] not in columns:
                columns.append(kwargs[key])
    return columns


VERDICT_ROW = "verdict_row"  # position of a scope in the rule frame: how GX names the rows it rejects
# The rejected rows by report and scope (what the Data Docs page lists) and position (what we read back).
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["source_file", "scope", VERDICT_ROW]}
PASS_FAIL_FORMAT = {"result_format": "BOOLEAN_ONLY"}


@dataclass(frozen=True)
class SuiteResult:
    """One suite's validation over a rule frame, in verdicts per scope."""

    rule_id: str
    verdicts: pl.DataFrame  # the rule frame with `passed`: true, false, or null where not assessable
    identifier: Any = None  # GX's ValidationResultIdentifier when the result was kept for Data Docs

    @property
    def success(self) -> bool:
        return not self.failures.height

    @property
    def evaluated(self) -> int:
        return self.verdicts.height

    @property
    def not_assessable(self) -> int:
        return self.verdicts["passed"].null_count()

    @property
    def failures(self) -> pl.DataFrame:
        return self.verdicts.filter(pl.col("passed").not_()).select("source_file", "scope", "details")

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


class Judge:
    """The one judge of every rule: the rule's GX suite decides pass or fail for each scope its SQL
    marks assessable; the other scopes are not assessable (NULL), never a pass. `dq_results` stores
    these verdicts; the asset checks, the Data Docs and the scorecards all read them.

    One GX context serves every rule of a run (a context costs more than validating a rule). With
    `docs_root`, validations run as checkpoints of a file context, which keeps their results for the
    Data Docs site."""

    def __init__(self, docs_root: Path | None = None) -> None:
        self._docs_root = docs_root
        self._keep = docs_root is not None
        self._gx_context: Any = None
        self._datasource: Any = None
        self._validations: dict[str, tuple[Any, Any]] = {}  # rule id → (validation definition, checkpoint)

    @property
    def _context(self) -> Any:
        # Made on first use: importing GX costs seconds, and a run with nothing to judge needs none.
        if self._gx_context is None:
            self._gx_context = _context(self._docs_root)
        else:
            # GX validates through its one "current project", the context made last: another judge's
            # (the Data Docs') may have been made since.
            from great_expectations.data_context.data_context.context_factory import project_manager

            project_manager.set_project(self._gx_context)
        return self._gx_context

    def prepare(self) -> None:
        """Import GX, make the context and register every rule's suite now rather than on first use."""
        for rule in RULES:
            self._validation(rule)

    def build_site(self, identifiers: list[Any]) -> Path:
        """Render the pages of these kept validations (and the index) into the Data Docs site."""
        sites = self._context.build_data_docs(resource_identifiers=identifiers or None)
        return Path(str(next(iter(sites.values()))).removeprefix("file://"))

    def verdicts(self, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
        """The rule frame with `passed`: the judge as `pipeline.quality.judge_warehouse` takes it."""
        return self.validate(rule, frame).verdicts

    def validate(self, rule: Rule, frame: pl.DataFrame) -> SuiteResult:
        """Verdicts for every row of the rule frame (its SQL's columns, `assessable` among them)."""
        needed = [pl.col("assessable").fill_null(False), *(pl.col(c).is_not_null() for c in judged_columns(rule))]
        numbered = frame.with_row_index(VERDICT_ROW)
        judged = numbered.filter(pl.all_horizontal(needed))
        rejected, identifier = self._unexpected(rule, judged) if judged.height else (set(), None)
        judged_rows = judged[VERDICT_ROW]
        passed = (
            pl.when(pl.col(VERDICT_ROW).is_in(judged_rows.implode()))
            .then(~pl.col(VERDICT_ROW).is_in(pl.Series(sorted(rejected), dtype=judged_rows.dtype).implode()))
            .otherwise(None)
        )
        verdicts = numbered.with_columns(passed.alias("passed")).drop(VERDICT_ROW)
        return SuiteResult(rule.id, verdicts, identifier)

    def _validation(self, rule: Rule) -> tuple[Any, Any]:
        """The rule's validation definition (and, keeping results, its checkpoint), registered in the
        context once: registering saves the context's configuration, which costs more than validating."""
        context = self._context  # made current (GX validates through its current context)
        if rule.id in self._validations:
            return self._validations[rule.id]
        import great_expectations as gx
        import great_expectations.expectations as gxe

        if self._datasource is None:  # once: replacing it would drop the rules registered before
            self._datasource = context.data_sources.add_or_update_pandas("xxgk")
        datasource = self._datasource
        asset = next((a for a in datasource.assets if a.name == rule.sql_name), None) or (
            datasource.add_dataframe_asset(name=rule.sql_name)
        )
        batch_definition = next((b for b in asset.batch_definitions if b.name == "all_reports"), None) or (
            asset.add_batch_definition_whole_dataframe("all_reports")
        )
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=f"xxgk.{rule.id}",
                expectations=[getattr(gxe, name)(**kwargs) for name, kwargs in expectation_specs(rule)],
                meta={"notes": {"format": "markdown",
                                "content": [f"**{rule.id}** ({rule.severity}): {rule.description}"]}},
            )
        )  # fmt: skip
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"xxgk.{rule.id}", data=batch_definition, suite=suite)
        )
        checkpoint = None
        if self._keep:
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=f"xxgk.{rule.id}",
                    validation_definitions=[definition],
                    actions=[],  # the site is built once for the suites rebuilt (build_data_docs)
                    result_format=RESULT_FORMAT,
                )
            )
        self._validations[rule.id] = (definition, checkpoint)
        return definition, checkpoint

    def _unexpected(self, rule: Rule, judged: pl.DataFrame) -> tuple[set[int], Any]:
        """The rows of `judged` that GX finds unexpected under the rule's suite."""
        definition, checkpoint = self._validation(rule)
        # Decimal values would reach GX's result serialiser, which inspects the call stack for each one.
        judged = judged.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
        data = {"dataframe": judged.to_pandas()}
        if checkpoint is not None:
            identifier, outcome = next(iter(checkpoint.run(batch_parameters=data).run_results.items()))
        else:
            # Most frames pass: a pass/fail answer costs half of one listing the rejected rows, which is
            # asked for only when something failed. (Every expectation here judges each row on its own,
            # with no `mostly`: the suite passes exactly when no row is rejected.)
            identifier, outcome = None, definition.run(batch_parameters=data, result_format=PASS_FAIL_FORMAT)
            if not outcome.success:
                outcome = definition.run(batch_parameters=data, result_format=RESULT_FORMAT)
            # GX keeps every result in the context's results store (in memory here): a judge serving a
            # long-lived process would hold every validation it ever ran. The verdicts are read below.
            store = self._context.validation_results_store
            for key in store.list_keys():
                store.remove_key(key)
        rejected = {
            int(index[VERDICT_ROW])
            for result in outcome.results
            for index in (result.result.get("unexpected_index_list") or [])
        }
        return rejected, identifier


@cache
def run_judge() -> Judge:
    """The judge of this process's runs: its GX context and registered suites are made once, so a
    long-lived process (`xxgk watch`) pays for them once, not every run."""
    return Judge()


_DOCS_JUDGES: dict[Path, Judge] = {}
_DOCS_JUDGES_KEPT = 4


def docs_judge(root: Path) -> Judge:
    """The judge keeping results for the Data Docs site under `root`, made once per process and root (a
    file context and its registered checkpoints cost more than a small run's validations); made again
    when the project folder it wrote is gone."""
    judge = _DOCS_JUDGES.get(root)
    if judge is None or not (root / "gx" / "great_expectations.yml").exists():
        while len(_DOCS_JUDGES) >= _DOCS_JUDGES_KEPT:
            _DOCS_JUDGES.pop(next(iter(_DOCS_JUDGES)))
        judge = _DOCS_JUDGES[root] = Judge(root)
    return judge


def validate(rule: Rule, frame: pl.DataFrame) -> SuiteResult:
    """Judge one rule frame in an ephemeral GX context (one-off use; a run shares one `Judge`)."""
    return Judge().validate(rule, frame)


def build_data_docs(
    frames: dict[Rule, pl.DataFrame], root: Path, tallies: dict[str, RuleTally]
) -> tuple[Path, list[SuiteResult]]:
    """Validate the given rules' frames (each over the whole warehouse) in the file-backed GX context
    under `root` and render only their pages into the Data Docs site; the pages of other suites stay
    as they are. `tallies` (each rule's verdicts counted from `dq_results`) fill the plain summary table
    on the index. Returns the index page and the results of the suites built."""
    index = root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    results: list[SuiteResult] = []
    if frames or not index.exists():
        judge = docs_judge(root)
        # The site shows one validation per suite: a suite rebuilt drops its earlier results, or every
        # night would render every night before it again (the build grew with each run).
        for rule in frames:
            for stale in ("validations", "data_docs/local_site/validations"):
                shutil.rmtree(root / "gx" / "uncommitted" / stale / "xxgk" / rule.id, ignore_errors=True)
        results = [judge.validate(rule, frame) for rule, frame in frames.items()]
        index = judge.build_site([r.identifier for r in results if r.identifier is not None])
    _write_offline_summary(index, tallies)
    return index, results


_SUMMARY_START, _SUMMARY_END = "<!-- xxgk-summary -->", "<!-- /xxgk-summary -->"


def _latest_validation_page(index: Path, rule: Rule) -> str | None:
    pages = sorted((index.parent / "validations" / "xxgk" / rule.id).glob("*/*/*.html"), key=lambda p: p.parent.name)
    return pages[-1].relative_to(index.parent).as_posix() if pages else None


def _write_offline_summary(index: Path, tallies: dict[str, RuleTally]) -> None:
    """Put a plain HTML table of every suite's verdicts at the top of the Data Docs index.

    GX renders its index tables with JavaScript fetched from public CDNs; on an offline machine (ours
    run without network) they stay empty. This table needs no script: rule, severity, verdict, the
    counts of `dq_results` (the judge's stored verdicts, so the site and the warehouse never differ)
    and a link to the (server-rendered) validation page of each suite.
    """
    rows = []
    for rule in RULES:
        tally = tallies[rule.id]
        verdict = "Failed" if tally.failed else ("Passed" if tally.passed else "Not assessable")
        page = _latest_validation_page(index, rule)
        name = f'<a href="{html.escape(page)}">xxgk.{rule.id}</a>' if page else f"xxgk.{rule.id}"
        failing = ", ".join(tally.failing_reports)
        rows.append(
            f"<tr><td>{name}</td><td>{rule.severity}</td><td>{verdict}</td><td>{tally.scopes}</td>"
            f"<td>{tally.not_assessable}</td><td>{tally.failed}</td><td>{html.escape(failing)}</td>"
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
