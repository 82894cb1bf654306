"""The template parser: one `Document` in, every cell of sections 二, 三 and 四 out.

Sections are found by title (whole lines, or inline in a flattened crawl), rows by label in template
order, columns by canonical position; digit runs whose cells ran together are cut where the counts or
the arithmetic rules allow one cut. What cannot be read unambiguously is recorded as a parse issue with
the cell left NULL (never guessed, never coerced to 0). A report before the 2019 format is read in its
own outline instead (`early`: sections by their own titles, figures from its prose and 统计表).
Modules: `tokens`, `labels`, `sections`, `title`, `digits`, `cells`, one per table (`proactive`,
`applications` with `arithmetic`, `torn` and `joint_cuts` for section 三, `review`), `ocr_gate`, `early`.
"""

from pipeline import agency as agency_metadata
from pipeline import narrative
from pipeline.catalogue import TEMPLATE_2019, TEMPLATE_2021, TEMPLATE_PRE_2019, TEMPLATES, ProactiveItem, Template
from pipeline.document import Cell, Document, Line
from pipeline.normalise import ABSENT, is_traditional, to_simplified
from pipeline.parse.applications import parse_applications
from pipeline.parse.early import early_figures, early_sections
from pipeline.parse.model import (
    APPLICATIONS,
    PROACTIVE,
    READ_METHODS,
    REVIEW_LITIGATION,
    ParsedCell,
    ParsedReport,
    ParseIssue,
    Section,
)
from pipeline.parse.ocr_gate import confirm_ocr
from pipeline.parse.proactive import detect_proactive_template, parse_proactive
from pipeline.parse.review import parse_review
from pipeline.parse.sections import drop_page_numbers, find_sections, section_of, split_inline_titles
from pipeline.parse.title import publication_date, read_title, says_report, whole_text

FIRST_TEMPLATE_YEAR = 2019  # the 2019 format (国办公开办函〔2019〕60号) brought the mandated tables


def simplified(doc: Document) -> Document:
    """The document in simplified characters when it is written in traditional ones."""
    sample = "".join(line.text for line in doc.lines[:400])
    if not is_traditional(sample):
        return doc
    lines = [
        Line([Cell(to_simplified(c.text), c.lineage) for c in line.cells], line.grid, line.offset) for line in doc.lines
    ]
    title = to_simplified(doc.title) if doc.title else None
    return Document(doc.format, lines, title, {**doc.meta, "converted": "traditional to simplified"}, doc.pages)


def parse_document(doc: Document) -> ParsedReport:
    # The older reports' outline is read from the text as printed, not cut at template-like titles.
    printed = drop_page_numbers(simplified(doc))
    doc, inline_titles = split_inline_titles(printed)
    sections = find_sections(doc, inline_titles)
    agency, year, title = read_title(doc, sections)
    report = ParsedReport(agency, year, title, None, sections, says_report=says_report(doc))
    if not report.is_report:
        return report
    if doc.meta.get("ocr_pages"):
        report.issues.append(
            ParseIssue(
                None,
                None,
                "read_by_ocr",
                f"page(s) {doc.meta['ocr_pages']} have no plausible text layer (a scan, an image, or a broken "
                "font map): read by OCR; each cell keeps its box and confidence",
            )
        )
    if not report.readable:
        outline = early_sections(printed)
        if (year is not None and year < FIRST_TEMPLATE_YEAR) or "requests" in {s.topic for s in outline.values()}:
            # Before the 2019 format, or without its tables but in the older outline (依申请公开情况): rule
            # C2 says whether the format fits the year.
            return _read_early(printed, report, outline)
    _read_metadata(doc, report)
    report.figures = narrative.report_figures({n: sec.text for n, sec in sections.items()})
    if not report.readable:
        report.template = TEMPLATE_2021 if (year or FIRST_TEMPLATE_YEAR + 2) > 2020 else TEMPLATE_2019
        report.issues.append(
            ParseIssue(
                None,
                None,
                "tables_not_found",
                "the title says this is a 政府信息公开工作年度报告, but no section 二/三/四 title or table was "
                "found: every cell is NULL",
            )
        )
        report.cells = _absent_cells(TEMPLATES[report.template])
        return report
    for number in (1, 2, 3, 4, 5, 6):
        if number not in sections:
            report.issues.append(ParseIssue(None, None, "section_missing", f"no title found for section {number}"))
    proactive_template = detect_proactive_template(sections.get(2))
    app_cells, app_issues, layout = parse_applications(doc.lines, sections.get(3))
    template = TEMPLATE_2019 if proactive_template == TEMPLATE_2019 else (layout or TEMPLATE_2021)
    # A crawl drops blank cells without a trace, and a report that leaves zeros blank would have '226' for
    # blank | blank | 226. Section 二 has no rule to tell: its digit runs are cut by count only in a report
    # seen to print its zeros (every section-三 cell read, some of them 0).
    zeros_printed = all(c.value is not None for c in app_cells) and any(c.value == 0 for c in app_cells)
    pro_cells, pro_issues = parse_proactive(doc.lines, sections.get(2), TEMPLATES[template], zeros_printed)
    rev_cells, rev_issues = parse_review(doc.lines, sections.get(4))
    cells = pro_cells + app_cells + rev_cells
    if year is not None and year < FIRST_TEMPLATE_YEAR and not any(c.value is not None for c in cells):
        # A report of the 2008 regulation with sections named like the template's, but no tables.
        return _read_early(printed, report)
    report.template = template
    report.cells = confirm_ocr(cells, TEMPLATES[template], report.issues)
    report.issues += pro_issues + app_issues + rev_issues
    return report


def _read_early(doc: Document, report: ParsedReport, outline: dict[int, Section] | None = None) -> ParsedReport:
    """A report of the 2008 regulation: its own sections (`outline`, when already read), the figures its
    prose and 统计表 state."""
    report.template = TEMPLATE_PRE_2019
    report.sections = early_sections(doc) if outline is None else outline
    report.issues = [i for i in report.issues if i.code == "read_by_ocr"]
    _read_metadata(doc, report)
    if not any(n > 0 for n in report.sections):
        report.issues.append(ParseIssue(
            None, None, "sections_not_found",
            "a report before the 2019 format whose section titles (一、概述 …) were not found: its figures are "
            "read from the whole text",
        ))  # fmt: skip
    report.figures, issues = early_figures(report.sections)
    report.issues += issues
    return report


def _read_metadata(doc: Document, report: ParsedReport) -> None:
    sections = report.sections
    head = "\n".join(sections[n].text for n in (0, 1) if n in sections) or whole_text(doc, 80)
    report.stated_parts = narrative.stated_parts(head)
    report.period_year = narrative.period_year(head)
    report.published_on = publication_date(doc)
    # Context for the agency's region: the title and preamble (or the overview's opening, where there is
    # no preamble); the body names other places too (平潭's overview mentions 台湾).
    opening = sections[0].text if 0 in sections else sections[1].text[:300] if 1 in sections else whole_text(doc, 20)
    report.agency_info = agency_metadata.resolve(report.agency, "\n".join(filter(None, (report.title, opening))))
    report.issues += [ParseIssue("reports", "agency", code, detail) for code, detail in report.agency_info.issues]


def _absent_cells(template: Template) -> list[ParsedCell]:
    cells = [ParsedCell(PROACTIVE, p.key, c, None, ABSENT) for p in template.proactive for c in p.columns]
    cells += [
        ParsedCell(APPLICATIONS, r.key, c.key, None, ABSENT)
        for r in template.application_rows
        for c in template.application_columns
    ]
    cells += [
        ParsedCell(REVIEW_LITIGATION, b.key, c.key, None, ABSENT)
        for b in template.review_blocks
        for c in template.review_columns
    ]
    return cells


def template_of(report: ParsedReport) -> Template:
    return TEMPLATES[report.template or TEMPLATE_2021]


__all__ = [
    "APPLICATIONS",
    "PROACTIVE",
    "READ_METHODS",
    "REVIEW_LITIGATION",
    "ParseIssue",
    "ParsedCell",
    "ParsedReport",
    "ProactiveItem",
    "Section",
    "parse_document",
    "section_of",
    "template_of",
]
