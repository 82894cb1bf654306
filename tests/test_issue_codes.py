"""One catalogue of parse-issue codes: the parser emits exactly the codes of `pipeline/issue_codes.py`,
and the README's table is the catalogue's."""

import ast

from pipeline.issue_codes import BY_CODE, markdown_table
from pipeline.settings import PROJECT_ROOT


def _emitted() -> set[str]:
    """Codes written as literals where issues are made: ParseIssue(table, row, "code", …) in the parser,
    ("agency_…", detail) tuples in pipeline/agency.py."""
    codes = set()
    for path in (PROJECT_ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ParseIssue":
                if len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                    codes.add(node.args[2].value)
            if path.name == "agency.py" and isinstance(node, ast.Tuple) and node.elts:
                first = node.elts[0]
                if isinstance(first, ast.Constant) and str(first.value).startswith("agency_") and len(node.elts) == 2:
                    codes.add(first.value)
    return codes


def test_the_parser_emits_exactly_the_catalogued_codes() -> None:
    assert _emitted() == set(BY_CODE)


def test_the_readme_lists_the_catalogue() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README out of date: paste `python -m pipeline.issue_codes`"


def test_partial_means_a_stated_value_was_not_read() -> None:
    partial = {c for c, v in BY_CODE.items() if v.partial}
    assert partial == {
        "section_missing", "tables_not_found", "row_missing", "value_count", "ambiguous_row",
        "ambiguous_segmentation", "sections_not_found", "statistics_table_ambiguous", "statistics_table_unconfirmed",
    }  # fmt: skip
