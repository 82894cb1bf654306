# ruff: noqa: E501 (a table of one-line sentences, kept one entry a line)
"""Every parse-issue code (`parse_issues.issue_code`), defined once: what it means, and whether a report
with it is `partial` (something it states could not be read) rather than `parsed`.

The README's table is generated from here (`python -m pipeline.issue_codes`), and a test checks that
the parser emits exactly these codes.
"""

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class IssueCode:
    code: str
    partial: bool  # the report is `partial`: a value it states is NULL for this reason
    meaning: str


ISSUE_CODES: tuple[IssueCode, ...] = (
    # -- the template tables (sections 二, 三, 四)
    IssueCode("section_missing", True, "a section's title was not found (its cells are absent)"),
    IssueCode("tables_not_found", True, "the title says this is an annual report, but no section 二/三/四 title or table was found: every cell is NULL"),
    IssueCode("row_missing", True, "a row's label was not found: its cells are absent"),
    IssueCode("value_count", True, "a row holds more or fewer values than its columns: left NULL"),
    IssueCode("ambiguous_row", True, "a label matches more than one row: left NULL"),
    IssueCode("ambiguous_segmentation", True, "a digit run (cells run together) can be cut more than one way with the rules holding: NULL, the readings listed"),
    IssueCode("column_missing", False, "a column of section 三 is not printed: its cells are absent"),
    IssueCode("merged_header", False, "a header cell spans two columns; the value the rules allow was inferred"),
    IssueCode("split_by_rule", False, "a digit run was cut where the arithmetic rules single out one cut"),
    IssueCode("unaligned_rows", False, "rows whose values and labels came apart were left unread"),
    IssueCode("read_in_template_order", False, "rows without readable labels were placed in template order, the rules then holding"),
    IssueCode("values_before_labels", False, "the numbers stand before their labels (an extraction's order): read so, the rules holding"),
    IssueCode("unmatched_values", False, "values in a section that no row claims"),
    IssueCode("row_out_of_order", False, "a row printed out of the template's order"),
    IssueCode("mixed_layout", False, "section 三 mixes the 25-row and 23-row layouts"),
    # -- OCR
    IssueCode("read_by_ocr", False, "pages without a plausible text layer were read by OCR (each cell keeps its box and confidence)"),
    IssueCode("ocr_reading_by_rule", False, "OCR read a cell two ways; the reading with which the rules hold was kept"),
    IssueCode("ocr_unconfirmed", False, "an OCR reading the rules could not confirm"),
    # -- reports before the 2019 format
    IssueCode("sections_not_found", True, "a report before the 2019 format without section titles: figures read from the whole text"),
    IssueCode("statistics_table_ambiguous", True, "a row of the report's own 统计表 has several readings (cells run together) or too many figures: not read"),
    IssueCode("statistics_table_unconfirmed", True, "the 统计表 has one filled column the prose does not confirm as the year's: not read"),
    IssueCode("conflicting_figures", False, "the report states a figure with two values: both kept, flagged `conflicting`"),
    # -- the agency (table_name 'reports', row_key 'agency')
    IssueCode("agency_no_region", False, "no administrative division found in the agency's name"),
    IssueCode("agency_region_from_context", False, "the region was read from the title and opening text, not the name"),
    IssueCode("agency_province_from_context", False, "the province was read from the title and opening text, not the name"),
    IssueCode("agency_special_zone", False, "a special zone without a division code of its own: code and level NULL"),
    IssueCode("agency_corrected", False, "a region name in the agency was read as an OCR misprint and corrected"),
    IssueCode("agency_abbreviation_expanded", False, "an abbreviated agency kind was written in full (市科委 → 市科学技术委员会)"),
    IssueCode("agency_abbreviation_ambiguous", False, "an abbreviation with several full forms: left as printed"),
    IssueCode("agency_ambiguous", False, "the name fits several regions: left unresolved"),
)  # fmt: skip

BY_CODE = {c.code: c for c in ISSUE_CODES}
PARTIAL_CODES = frozenset(c.code for c in ISSUE_CODES if c.partial)


def markdown_table() -> str:
    """The README's table of issue codes."""
    rows = ["| code | report becomes `partial` | meaning |", "|---|---|---|"]
    rows += [f"| `{c.code}` | {'yes' if c.partial else 'no'} | {c.meaning} |" for c in ISSUE_CODES]
    return "\n".join(rows)


if __name__ == "__main__":
    sys.stdout.write(markdown_table() + "\n")
