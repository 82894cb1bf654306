"""One GX suite per rule of `pipeline.rules`, asserting on the per-scope quantities its SQL computes.

GX 1.x has no DuckDB or polars datasource, so each rule's quantities are handed to GX as a pandas
frame. GX is imported lazily: it costs about 4 s, and nothing else in the pipeline needs it.
"""

import os
from dataclasses import dataclass
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


def validate(rule: Rule, frame: pl.DataFrame) -> SuiteResult:
    """Run the rule's GX suite over its quantity frame, in an ephemeral GX context."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm bars in run logs
    batch_definition = (
        context.data_sources.add_pandas(f"xxgk_{rule.id}")
        .add_dataframe_asset(name=rule.sql_name)
        .add_batch_definition_whole_dataframe("all_reports")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=f"xxgk.{rule.id}"))
    for class_name, kwargs in expectation_specs(rule):
        suite.add_expectation(getattr(gxe, class_name)(**kwargs))
    data = frame.to_pandas()
    if data.empty:
        return SuiteResult(rule.id, True, 0, 0, frame.select("source_file", "scope", "details").clear())
    batch = batch_definition.get_batch(batch_parameters={"dataframe": data})
    outcome = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    unexpected: set[int] = set()
    for result in outcome.results:
        unexpected.update(result.result.get("unexpected_index_list") or [])
    failures = frame.with_row_index("_row").filter(pl.col("_row").is_in(sorted(unexpected)))
    return SuiteResult(
        rule.id,
        bool(outcome.success),
        frame.height,
        frame.filter(pl.col("passed").is_null()).height,
        failures.select("source_file", "scope", "details"),
    )
