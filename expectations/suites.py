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
_COLUMN_KEYS = ("column", "column_A", "column_B")  # the arguments of a spec that name columns

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
        for key in _COLUMN_KEYS:
            if key in kwargs and kwargs[key] not in columns:
                columns.append(kwargs[key])
    return columns


VERDICT_ROW = "verdict_row"  # position of a scope in the rule frame: how GX names the rows it rejects
# The rejected rows by report and scope (what the Data Docs page lists) and position (what we read back).
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["source_file", "scope", VERDICT_ROW]}
ROW_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [VERDICT_ROW]}  # the run suite's
PASS_FAIL_FORMAT = {"result_format": "BOOLEAN_ONLY"}


@dataclass(frozen=True)
class Route:
    """One expectation of SPECS as the run suite states it: over its own ("routed") columns, which carry
    values only on the rows of the rules that state it."""

    spec: Spec  # the expectation as SPECS states it
    columns: dict[str, str]  # a rule frame's column → its routed column
    rules: frozenset[str]  # the rules stating it

    def expectation(self) -> Any:
        return _expectation(self.spec, self.columns)


def _expectation(spec: Spec, columns: dict[str, str] | None = None) -> Any:
    """The GX expectation of a spec, its columns renamed by `columns`."""
    import great_expectations.expectations as gxe

    name, kwargs = spec
    renamed = columns or {}
    return getattr(gxe, name)(**{k: renamed.get(v, v) if k in _COLUMN_KEYS else v for k, v in kwargs.items()})


# The expectations the run suite can route: each judges a row on its own and passes over a row whose
# columns are null. Another kind (an aggregate, `mostly`) would judge rows across rules.
ROW_WISE = {
    "ExpectColumnPairValuesToBeEqual", "ExpectColumnPairValuesAToBeGreaterThanB", "ExpectColumnValuesToBeBetween",
    "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeNull",
}  # fmt: skip


def _routes() -> list[Route]:
    """Every distinct expectation of SPECS once, its columns prefixed by its position."""
    found: dict[str, tuple[Spec, list[str]]] = {}
    for rule_id, specs in SPECS.items():
        for spec in specs:
            if spec[0] not in ROW_WISE or "mostly" in spec[1]:
                raise ValueError(f"{rule_id}: {spec[0]} {spec[1]} does not judge each row on its own")
            found.setdefault(repr((spec[0], sorted(spec[1].items()))), (spec, []))[1].append(rule_id)
    return [
        Route(spec, {spec[1][k]: f"e{i}_{spec[1][k]}" for k in _COLUMN_KEYS if k in spec[1]}, frozenset(rules))
        for i, (spec, rules) in enumerate(found.values())
    ]


# The run suite: a run judges all its rule frames (a batch of reports, every rule) in one validation,
# because GX's cost is per validation and per expectation, hardly per row (17 rule suites over one
# report took 0.4 s, this suite over the same frames 0.1 s). Each rule's rows carry their values in the
# routed columns of that rule's expectations and nulls in the others, which every expectation here
# passes over: pair expectations ignore a row missing a value, column expectations reject no null, and
# ToBeNull expects one. Every expectation judges each row on its own (no aggregate, no `mostly`), so a
# row is judged by exactly its rule's expectations, as its rule's own suite would judge it (the Data
# Docs validate those; tests/test_one_judge.py checks the two agree scope by scope).
ROUTES = _routes()
RUN_SUITE = "xxgk.rules"
# A run suite's validation takes at most this many rows: a batch of 2,000 reports holds about 940,000
# scopes, and GX copies its frame more than once.
ROWS_PER_VALIDATION = 200_000


def routed_frame(judged: dict[Rule, pl.DataFrame]) -> pl.DataFrame:
    """The rows GX judges of several rules (each frame's `verdict_row` distinct across them) as the
    run suite reads them: `verdict_row` and every route's columns."""
    parts = [
        frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64)).select(
            pl.col(VERDICT_ROW),
            *(
                pl.col(column).alias(routed) if rule.id in route.rules else pl.lit(None).alias(routed)
                for route in ROUTES
                for column, routed in route.columns.items()
            ),
        )
        for rule, frame in judged.items()
    ]
    for route in ROUTES:  # relaxed concatenation widens numbers; anything else mixed is a rule's mistake
        for routed in route.columns.values():
            types = {part.schema[routed] for part in parts} - {pl.Null}
            if len(types) > 1 and not all(t.is_numeric() for t in types):
                mixed = ", ".join(sorted(map(str, types)))
                raise TypeError(f"the rules {sorted(route.rules)} give {routed} different types: {mixed}")
    return pl.concat(parts, how="vertical_relaxed")


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
        if context.variables.config_variables_file_path:
            # GX reads and parses the config variables file on every configuration lookup, hundreds of
            # times a validation (about 3 ms each); the project substitutes none: a context without it.
            context.variables.config_variables_file_path = None
            context.variables.save()
            context = gx.get_context(mode="file", project_root_dir=str(docs_root))
        _use_cached_views(context)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in run logs
    return context


def _use_cached_views(context: Any) -> None:
    """Point the file context's site at the views that compile their templates once
    (`expectations.site_views`); the configuration is saved only when it differs."""
    from expectations.site_views import SITE_NAME, site_config

    current = context.list_data_docs_sites().get(SITE_NAME)
    if current is None:
        return
    wanted = site_config(Path(context.root_directory), dict(current))
    if wanted != current:
        context.update_data_docs_site(SITE_NAME, wanted)


class Judge:
    """The one judge of every rule: GX decides pass or fail for each scope a rule's SQL marks assessable,
    under that rule's expectations (SPECS); the other scopes are not assessable (NULL), never a pass.
    `dq_results` stores these verdicts; the asset checks, the Data Docs summary and the scorecards all
    read them.

    A run hands the judge all its rule frames at once (`verdicts`), judged in one validation of the run
    suite; `validate` judges one rule frame with that rule's own suite (the Data Docs' validations). One
    GX context serves every validation of a process (a context costs more than a validation). With
    `docs_root`, rule suites run as checkpoints of a file context, which keeps their results for the
    Data Docs site."""

    def __init__(self, docs_root: Path | None = None) -> None:
        self._docs_root = docs_root
        self._keep = docs_root is not None
        self._gx_context: Any = None
        self._datasource: Any = None
        self._validations: dict[str, tuple[Any, Any]] = {}  # suite name → (validation definition, checkpoint)

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
        """Import GX, make the context and register the suites this judge validates with (every rule's
        for the Data Docs, the run suite otherwise) now rather than on first use."""
        if self._keep:
            for rule in RULES:
                self._validation(rule)
        else:
            self._run_validation()

    def build_site(self, identifiers: list[Any]) -> Path:
        """Render the pages of these kept validations (and the index) into the Data Docs site."""
        sites = self._context.build_data_docs(resource_identifiers=identifiers or None)
        return Path(str(next(iter(sites.values()))).removeprefix("file://"))

    def verdicts(self, frames: dict[Rule, pl.DataFrame]) -> dict[Rule, pl.DataFrame]:
        """Each rule frame with `passed`, all judged in one validation of the run suite (a few when they
        hold more than ROWS_PER_VALIDATION rows): the judge as `pipeline.quality.judge_warehouse` takes it."""
        numbered: dict[Rule, pl.DataFrame] = {}
        judged: dict[Rule, pl.DataFrame] = {}
        first = 0
        for rule, frame in frames.items():
            # rows numbered across the frames: the run suite judges them together
            numbered[rule], judged[rule] = _assessable(rule, frame, first)
            first += frame.height
        to_judge = {rule: rows for rule, rows in judged.items() if rows.height}
        rejected = self._rejected_by_run_suite(routed_frame(to_judge)) if to_judge else set()
        return {rule: _with_verdicts(numbered[rule], judged[rule], rejected) for rule in frames}

    def validate(self, rule: Rule, frame: pl.DataFrame) -> SuiteResult:
        """Verdicts for every row of the rule frame (its SQL's columns, `assessable` among them), by the
        rule's own suite."""
        all_rows, judged = _assessable(rule, frame)
        rejected, identifier = self._rejected_by_rule_suite(rule, judged) if judged.height else (set(), None)
        return SuiteResult(rule.id, _with_verdicts(all_rows, judged, rejected), identifier)

    def _validation(self, rule: Rule) -> tuple[Any, Any]:
        """The rule's validation definition (and, keeping results, its checkpoint)."""
        expectations = [_expectation(spec) for spec in expectation_specs(rule)]
        notes = f"**{rule.id}** ({rule.severity}): {rule.description}"
        return self._registered(f"xxgk.{rule.id}", rule.sql_name, expectations, notes, checkpoint=self._keep)

    def _run_validation(self) -> Any:
        """The run suite's validation definition."""
        return self._registered(
            RUN_SUITE, "rules", [route.expectation() for route in ROUTES],
            "Every rule's expectations, each once, over its routed columns: the run's judge.", checkpoint=False,
        )[0]  # fmt: skip

    def _registered(
        self, name: str, asset_name: str, expectations: list[Any], notes: str, checkpoint: bool
    ) -> tuple[Any, Any]:
        """A suite's validation definition (and its checkpoint), registered in the context once a
        process: registering saves the project's configuration, which costs more than validating (about
        75 ms a suite in a file context). A file context that already holds them as stated here (made
        by an earlier process) is read instead (about 5 ms)."""
        context = self._context  # made current (GX validates through its current context)
        if name in self._validations:
            return self._validations[name]
        import great_expectations as gx

        meta = {"notes": {"format": "markdown", "content": [notes]}}
        found = self._stored(name, asset_name, expectations, meta, checkpoint)
        if found is not None:
            self._validations[name] = found
            return found
        if self._datasource is None:  # the project's own when it has one: replacing it drops its assets
            held = [d for d in context.data_sources.all().values() if d.name == "xxgk"]
            self._datasource = held[0] if held else context.data_sources.add_pandas("xxgk")
        datasource = self._datasource
        asset = next((a for a in datasource.assets if a.name == asset_name), None) or (
            datasource.add_dataframe_asset(name=asset_name)
        )
        batch_definition = next((b for b in asset.batch_definitions if b.name == "all_reports"), None) or (
            asset.add_batch_definition_whole_dataframe("all_reports")
        )
        suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations, meta=meta))
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        kept = None
        if checkpoint:
            kept = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=name,
                    validation_definitions=[definition],
                    actions=[],  # the site is built once for the suites rebuilt (build_data_docs)
                    result_format=RESULT_FORMAT,
                )
            )
        self._validations[name] = (definition, kept)
        return definition, kept

    def _stored(
        self, name: str, asset_name: str, expectations: list[Any], meta: dict[str, Any], checkpoint: bool
    ) -> tuple[Any, Any] | None:
        """The validation definition (and checkpoint) the project holds under `name`, when its suite
        states exactly these expectations over this asset; None otherwise (to be registered)."""
        from great_expectations.exceptions import DataContextError
        from pydantic.v1 import ValidationError

        if not self._keep:
            return None  # an ephemeral context holds nothing before this process registers it
        context = self._context
        try:
            definition = context.validation_definitions.get(name)
            kept = context.checkpoints.get(name) if checkpoint else None
        except (DataContextError, ValidationError):  # absent, or naming an asset the project lost
            return None
        stated = [(e.expectation_type, e.configuration.kwargs) for e in expectations]
        held = [(e.expectation_type, e.configuration.kwargs) for e in definition.suite.expectations]
        same = (
            held == stated
            and definition.suite.meta.get("notes") == meta["notes"]  # GX adds its version to the meta
            and definition.data.data_asset.name == asset_name
            and (kept is None or ([v.name for v in kept.validation_definitions] == [name]
                                  and kept.result_format == RESULT_FORMAT))
        )  # fmt: skip
        return (definition, kept) if same else None

    def _rejected_by_rule_suite(self, rule: Rule, judged: pl.DataFrame) -> tuple[set[int], Any]:
        """The rows of `judged` that GX rejects under the rule's suite (and the kept result's identifier)."""
        definition, checkpoint = self._validation(rule)
        # Decimal values would reach GX's result serialiser, which inspects the call stack for each one.
        data = judged.with_columns(pl.col(pl.Decimal).cast(pl.Float64)).to_pandas()
        if checkpoint is None:
            return _rejected_in(definition, data, RESULT_FORMAT), None
        identifier, outcome = next(iter(checkpoint.run(batch_parameters={"dataframe": data}).run_results.items()))
        return _rejected_rows(outcome.results), identifier

    def _rejected_by_run_suite(self, routed: pl.DataFrame) -> set[int]:
        """The rows of a routed frame that GX rejects under the run suite, ROWS_PER_VALIDATION at a time."""
        definition = self._run_validation()
        rejected: set[int] = set()
        for first in range(0, routed.height, ROWS_PER_VALIDATION):
            rejected |= _rejected_in(definition, routed.slice(first, ROWS_PER_VALIDATION).to_pandas(), ROW_FORMAT)
        return rejected


def _rejected_in(definition: Any, data: Any, listing: dict[str, Any]) -> set[int]:
    """The rows of `data` that GX rejects under the definition's suite. Most frames pass, and a pass/fail
    answer costs half of one listing the rejected rows: the suite is asked whether each expectation
    holds, and only those that do not are asked again for their rejected rows, in `listing`'s format.
    (Every expectation here judges each row on its own, with no `mostly`: it holds exactly when it
    rejects no row.) Validating a batch keeps no result in the context's results store."""
    batch = definition.data.get_batch(batch_parameters={"dataframe": data})
    rejected: set[int] = set()
    for held in _checked(batch.validate(definition.suite, result_format=PASS_FAIL_FORMAT).results):
        if not held.success:
            rejected |= _rejected_rows([batch.validate(held.expectation, result_format=listing)])
    return rejected


class JudgingError(RuntimeError):
    """GX could not evaluate an expectation: its rows are neither passed nor failed, and the run stops
    rather than store verdicts it did not reach."""


def _checked(results: list[Any]) -> list[Any]:
    """Expectation results, each evaluated (an expectation that raised inside GX fails with no rejected
    row listed, which would read as a pass)."""
    for result in results:
        info = result.exception_info or {}
        raised = (
            [info]
            if info.get("raised_exception")
            else [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
        )
        if raised:
            config = result.expectation_config
            raise JudgingError(
                f"GX could not evaluate {config.type} {config.kwargs}: {raised[0].get('exception_message')}"
            )
    return results


def _assessable(rule: Rule, frame: pl.DataFrame, first: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rule frame numbered (`verdict_row`, from `first`), and the rows GX judges: those the SQL
    marks assessable with a value in every column the rule's expectations compare."""
    needed = [pl.col("assessable").fill_null(False), *(pl.col(c).is_not_null() for c in judged_columns(rule))]
    numbered = frame.with_row_index(VERDICT_ROW, offset=first)
    return numbered, numbered.filter(pl.all_horizontal(needed))


def _with_verdicts(numbered: pl.DataFrame, judged: pl.DataFrame, rejected: set[int]) -> pl.DataFrame:
    """The rule frame with `passed`: false where rejected, true where judged otherwise, null elsewhere."""
    judged_rows = judged[VERDICT_ROW]
    passed = (
        pl.when(pl.col(VERDICT_ROW).is_in(judged_rows.implode()))
        .then(~pl.col(VERDICT_ROW).is_in(pl.Series(sorted(rejected), dtype=judged_rows.dtype).implode()))
        .otherwise(None)
    )
    return numbered.with_columns(passed.alias("passed")).drop(VERDICT_ROW)


def _rejected_rows(results: list[Any]) -> set[int]:
    """The `verdict_row` of every row the expectation results list as unexpected."""
    return {
        int(index[VERDICT_ROW])
        for result in _checked(results)
        for index in (result.result.get("unexpected_index_list") or [])
    }


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
    project = root / "gx" / "great_expectations.yml"
    judge = _DOCS_JUDGES.get(root)
    if judge is None or not project.exists():
        while len(_DOCS_JUDGES) >= _DOCS_JUDGES_KEPT:
            _DOCS_JUDGES.pop(next(iter(_DOCS_JUDGES)))
        new_project = not project.exists()
        judge = _DOCS_JUDGES[root] = Judge(root)
        if new_project:
            # A new project gets every rule's suite at once: its site lists them all from the first
            # build, and no later run pays for registering one that first has scopes then (75 ms a
            # suite). A later process reads those it uses (3 ms a suite).
            judge.prepare()
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
