"""What the template parser produces: cells with how they were read, parse issues, sections, the report."""

from dataclasses import dataclass, field
from datetime import date

from pipeline import agency as agency_metadata
from pipeline.document import Lineage
from pipeline.narrative import NarrativeFigure

PROACTIVE = "proactive"
APPLICATIONS = "applications"
REVIEW_LITIGATION = "review_litigation"

# How a cell's value was read (`read_as` beside its lineage; `v_cell_sources` shows it):
BY_LABEL = "by_label"  # its row found by label, one printed token per cell
SPLIT_BY_COUNT = "split_by_count"  # cut from a digit run that has one cut at all (e.g. 7 digits for 7 cells)
SPLIT_BY_RULE = "split_by_rule"  # cut from a digit run where the arithmetic rules single out one cut
BY_POSITION_VERIFIED = "by_position_verified"  # its row placed by template order, the rules then holding
INFERRED_BY_RULE = "inferred_by_rule"  # not printed as such: the only value the rules allow (merged header)
# Read by OCR two ways (the page, the cell alone) that differ: the only reading with which the rules hold.
OCR_READING_BY_RULE = "ocr_reading_by_rule"
READ_METHODS = (BY_LABEL, SPLIT_BY_COUNT, SPLIT_BY_RULE, BY_POSITION_VERIFIED, INFERRED_BY_RULE, OCR_READING_BY_RULE)


@dataclass(frozen=True)
class ParsedCell:
    table: str
    row_key: str
    col_key: str
    value: float | None
    semantic: str
    raw: str | None = None
    lineage: Lineage | None = None
    note: str | None = None
    decimals: int = 0
    # A value resolved by the rules rather than read as printed: the printed reading stays beside it.
    repaired: bool = False
    printed_value: float | None = None
    read_as: str | None = None  # one of READ_METHODS; None for a cell that holds nothing


@dataclass(frozen=True)
class ParseIssue:
    table: str | None
    row_key: str | None
    code: str
    detail: str


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    first_line: int  # index of the title line
    end_line: int  # exclusive
    text: str
    topic: str | None = None  # catalogue.SECTION_TOPICS / EARLY_OUTLINE: overview, proactive, requests, …


@dataclass
class ParsedReport:
    agency: str | None
    year: int | None
    title: str | None
    template: str | None
    sections: dict[int, Section]
    cells: list[ParsedCell] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    figures: list[NarrativeFigure] = field(default_factory=list)
    stated_parts: int | None = None  # "本报告共五个部分" (S12)
    period_year: int | None = None  # "统计期限自2022年1月1日" (C4)
    published_on: date | None = None  # a publication date the page states (C5)
    # Kind, level, region and division code of the agency (pipeline/agency.py).
    agency_info: agency_metadata.AgencyInfo | None = None
    # The title or opening says this is an annual report (a report whose tables cannot be read is
    # `partial`, never "not a report").
    says_report: bool = False

    @property
    def readable(self) -> bool:
        return any(n in self.sections for n in (2, 3, 4))

    @property
    def is_report(self) -> bool:
        return self.readable or self.says_report
