"""Who and when: the agency and statistics year from the title, the publication date, and whether the
file says it is an annual report at all."""

import itertools
import re
from datetime import date

from pipeline.document import Document
from pipeline.narrative.template_era import period_year
from pipeline.normalise import normalise_text
from pipeline.parse.model import Section

# 政府信息公开工作年度报告 and the forms seen in the wild: 政务公开工作年度报告, 信息公开年度报告,
# 政府信息公开情况总结 (reports before the 2019 format), 政府信息公开工作报告.
_REPORT_NAME = r"(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?(?:情况)?(?:报告|总结|年报)"
_TITLE = re.compile(
    r"(?P<pre>[\u4e00-\u9fff（）()·]{0,40}?)(?P<year>(?:19|20)\d{2})年度?"
    rf"(?P<mid>[\u4e00-\u9fff（）()·]{{0,40}}?){_REPORT_NAME}"
)
_SAYS_REPORT = re.compile(rf"(?:19|20)\d{{2}}年度?.{{0,40}}?{_REPORT_NAME}|{_REPORT_NAME}")
_HEADING_PREFIX = re.compile(r"^.*?(总体情况|年度报告)")


def read_title(doc: Document, sections: dict[int, Section]) -> tuple[str | None, int | None, str | None]:
    candidates: list[str] = []
    if doc.title:
        candidates.append(doc.title)
    head = [re.sub(r"\s+", "", normalise_text(line.text)) for line in doc.lines[:40]]
    candidates += head
    candidates += [a + b for a, b in itertools.pairwise(head)]
    for text in candidates:
        found = named_in(text)
        if found:
            return found
    whole = "\n".join(line.text for line in doc.lines[:80])
    return None, period_year(whole), None


def named_in(text: str) -> tuple[str, int, str] | None:
    """(agency, statistics year, the title as matched) when `text` is a report's title
    ('平潭县财政局2009年度政府信息公开年度报告'), else None (a cover letter's subject is not one)."""
    m = _TITLE.search(text)
    if not m:
        return None
    agency = (m["pre"] or m["mid"]).strip("·")
    if agency.count("(") != agency.count(")"):  # a bracket cut off by the match, not part of the name
        agency = agency.strip("()")
    agency = _HEADING_PREFIX.sub("", agency) or agency
    if agency.startswith("关于") or len(agency) < 2:
        return None  # a cover letter's subject ('关于报送2015年度…年度报告的函'): the report's own title follows
    return agency, int(m["year"]), m.group(0)


def says_report(doc: Document) -> bool:
    """The title or the opening lines name the document an annual disclosure report."""
    head = [doc.title or ""] + [line.text for line in doc.lines[:20]]
    return any(_SAYS_REPORT.search(re.sub(r"\s+", "", normalise_text(text[:400]))) for text in head)


_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_PUBLISHED = re.compile(
    r"(?:发布|公开|成文|印发)(?:日期|时间)\s*[:：]?\s*((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)


def whole_text(doc: Document, lines: int | None = None) -> str:
    return "\n".join(line.text for line in doc.lines[:lines])


def publication_date(doc: Document) -> date | None:
    """The publication date a page states in its metadata or in a 发布日期 line near the top."""
    candidates = [doc.meta.get("published", "")]
    published = _PUBLISHED.search(normalise_text(whole_text(doc, 60)))
    if published:
        candidates.append(published[1])
    for text in candidates:
        m = _DATE.search(text or "")
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
    return None
