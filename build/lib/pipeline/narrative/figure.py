"""A figure a report states in words (or in a statistics table of its own design), its kinds, and the
check that a kind stated twice says the same thing."""

from collections import defaultdict
from dataclasses import dataclass, replace

# Where a figure was read. Template cells are not figures: they live in the cell tables.
PROSE = "prose"
STATISTICS_TABLE = "statistics_table"  # the 统计表 of indicators of a report before the 2019 format

# The kinds of `narrative_figures` (one vocabulary for every year; README "narrative_figures").
KINDS: dict[str, str] = {
    "proactive_items": "政府信息 published proactively in the year (主动公开政府信息N条)",
    "requests_received": "requests for disclosure received in the year (受理/收到…申请N件; 未收到…申请 = 0)",
    "requests_carried_over": "requests carried over from the year before (上年结转N件)",
    "requests_carried_forward": "requests carried forward to next year (结转下年度N件)",
    "requests_answered": "requests answered or closed (答复/办结N件)",
    "requests_granted": "requests granted in full (同意公开/予以公开N件)",
    "requests_partly_granted": "requests granted in part (部分公开N件)",
    "requests_refused": "requests refused (不予公开/否决公开N件)",
    "requests_not_held": "information not held (信息不存在/不掌握N件)",
    "requests_not_this_body": "not this body's information (非本机关N件)",
    "requests_unclear": "requests unclear, asked to clarify (申请内容不明确N件)",
    "fees_yuan": "fees charged for disclosure in the year, 元 (收取…费N元; 无收费 = 0)",
    "fee_item_yuan": "a fee item listed in 元 in section 六 (spec S4)",
    "reviews": "administrative reviews over disclosure (行政复议N件)",
    "litigations": "lawsuits over disclosure (行政诉讼N件)",
    "complaints": "complaints and reports over disclosure (行政申诉、举报N件)",
    "no_review_litigation": "'未发生…行政复议、行政诉讼': no review and no lawsuit (spec S7)",
}


@dataclass(frozen=True)
class NarrativeFigure:
    kind: str  # one of KINDS
    value: float
    section_no: int
    char_start: int  # in the section's body text (report_sections.body)
    char_end: int
    clause: str  # the clause the figure was read from
    sentence: str = ""  # the whole sentence around it
    origin: str = PROSE
    conflicting: bool = False  # the report states this kind with another value elsewhere


def mark_conflicts(figures: list[NarrativeFigure], kinds: set[str]) -> tuple[list[NarrativeFigure], list[str]]:
    """Figures of the given kinds stated with different values are all kept, each flagged; never averaged
    or chosen between. Also one line per conflicting kind, for the parse issue."""
    values: dict[str, set[float]] = defaultdict(set)
    for f in figures:
        if f.kind in kinds:
            values[f.kind].add(f.value)
    conflicting = {k for k, v in values.items() if len(v) > 1}
    details = []
    for kind in sorted(conflicting):
        stated = [f for f in figures if f.kind == kind]
        details.append(
            f"{kind}: stated as "
            + "; ".join(f"{f.value:g} ({f.origin}, section {f.section_no}: {f.clause[:40]})" for f in stated)
        )
    return [replace(f, conflicting=True) if f.kind in conflicting else f for f in figures], details


_SENTENCE_END = "。；;！!？?\n"


def sentence_around(text: str, position: int) -> str:
    """The sentence of `text` that holds `position`, stripped."""
    start = max(text.rfind(c, 0, position) for c in _SENTENCE_END) + 1
    ends = [i for i in (text.find(c, position) for c in _SENTENCE_END) if i >= 0]
    return text[start : min(ends) + 1 if ends else len(text)].strip()
