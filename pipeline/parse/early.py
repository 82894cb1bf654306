"""Reports before the 2019 format (template `pre-2019`): sections found by their own titles, figures read
from the prose and from the report's own 统计表, no template cell invented.

The outline is each body's own (`catalogue.EARLY_OUTLINE`): a top-level title is a numeral and 、 (一、
二、 …, in sequence) followed by a known title ('二、主动公开政府信息情况', '四、行政复议和诉讼情况'), or a short
title of another topic ('四、审批事项及处理情况'). Text before the first title is the preamble (section 0):
the cover letter (函) of an archive item that carries the report after it stays there. A statistics table
printed after the last numbered section, unnumbered ('附件1：…统计表'), is a section of its own.
"""

import bisect
import itertools
import re

from pipeline.catalogue import EARLY_OUTLINE
from pipeline.document import Document
from pipeline.narrative import early as early_prose
from pipeline.narrative.figure import KINDS, NarrativeFigure, mark_conflicts
from pipeline.narrative.statistics_table import confirmed_by_prose, read_statistics_table
from pipeline.normalise import normalise_text
from pipeline.parse.model import ParseIssue, Section

# '二、', '二．' or '第二部分'; not '（二）' (a sub-heading) nor a numeral inside a number ('二十').
_HEADING = re.compile(
    r"(?<![（(\d一二三四五六七八九十])(?:第\s*)?([一二三四五六七八九十]{1,2})\s*(?:部分\s*[、:：．.]?|[、．])\s*"
)
_NUMERALS = "一二三四五六七八九十"
_OUTLINE = tuple((topic, re.compile(pattern)) for topic, pattern in EARLY_OUTLINE)
_OTHER_TITLE = re.compile(r"[^\s。；：:，,（(]{2,20}(?:情况|措施|事项|问题)")
_TABLE_TITLE = re.compile(r"(?:附件\s*\d*\s*[：:]?\s*)?[^\s。；：:，,]{0,40}?(?:统计表|附表)\s*[：:]?\s*$")


def _numeral(text: str) -> int:
    if len(text) == 1:
        return _NUMERALS.index(text) + 1
    if text[0] == "十":
        return 10 + _NUMERALS.index(text[1]) + 1
    return -1  # 二十 and beyond: no outline is that long


def _title_at(text: str, position: int) -> tuple[str | None, int] | None:
    """(topic, end of the title) of a title starting at `position`, or None."""
    for topic, pattern in _OUTLINE:
        m = pattern.match(text, position)
        if m:
            return topic, m.end()
    m = _OTHER_TITLE.match(text, position)
    return (None, m.end()) if m else None


def early_sections(doc: Document) -> dict[int, Section]:
    """The report's sections by their own titles, numbered as printed (一 = 1); 0 = the preamble."""
    texts = [line.text for line in doc.lines]
    full = "\n".join(texts)
    line_starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))

    def line_of(position: int) -> int:
        return bisect.bisect_right(line_starts, position) - 1

    titles: list[tuple[int, int, int, str | None]] = []  # (start, end, number, topic)
    for m in _HEADING.finditer(full):
        number = _numeral(m[1])
        if number != len(titles) + 1:
            continue
        found = _title_at(full, m.end())
        if found is None or (found[0] is None and not titles):
            continue  # the first title must be a known one: a stray '一、' in a preamble starts nothing
        titles.append((m.start(), found[1], number, found[0]))
    table_at = full.find("指标名称", titles[-1][1]) if titles else -1
    if table_at >= 0 and titles[-1][3] not in ("statistics_table", "other"):
        window_start = max(titles[-1][1], table_at - 80)
        m = _TABLE_TITLE.search(full, window_start, table_at)
        start = m.start() if m else table_at
        end = m.end() if m else table_at
        titles.append((start, end, titles[-1][2] + 1, "statistics_table"))
    if not titles:  # no outline found: the whole text is the preamble, its figures still read
        return {0: Section(0, "前言", 0, len(doc.lines), full, "preamble")}
    sections: dict[int, Section] = {}
    if titles[0][0] > 0:
        sections[0] = Section(0, "前言", 0, line_of(titles[0][0]), full[: titles[0][0]], "preamble")
    for i, (start, end, number, topic) in enumerate(titles):
        stop = titles[i + 1][0] if i + 1 < len(titles) else len(full)
        title = re.sub(r"\s+", "", normalise_text(full[start:end])) or "统计表"
        sections[number] = Section(
            number, title, line_of(start), line_of(stop) + 1, full[end:stop], topic or "unlisted"
        )
    return sections


def early_figures(sections: dict[int, Section]) -> tuple[list[NarrativeFigure], list[ParseIssue]]:
    """Figures of every section (prose and statistics table), conflicts flagged, and what was not read."""
    prose: list[NarrativeFigure] = []
    table: list[NarrativeFigure] = []
    issues: list[ParseIssue] = []
    for number, section in sorted(sections.items()):
        prose += early_prose.figures(number, section.text, section.topic)
        reading = read_statistics_table(number, section.text)
        if reading is None:
            continue
        if reading.needs_confirmation and not confirmed_by_prose(reading.figures, prose):
            issues.append(ParseIssue(
                "narrative_figures", None, "statistics_table_unconfirmed",
                "the 统计表 has one filled column where its header promises the year and the running total, "
                "and the prose does not confirm it is the year's: not read",
            ))  # fmt: skip
            continue
        table += reading.figures
        issues += [ParseIssue("narrative_figures", None, "statistics_table_ambiguous", d) for d in reading.issues]
    figures, conflicts = mark_conflicts(sorted(prose + table, key=lambda f: (f.section_no, f.char_start)), set(KINDS))
    issues += [ParseIssue("narrative_figures", None, "conflicting_figures", d) for d in conflicts]
    return figures, issues
