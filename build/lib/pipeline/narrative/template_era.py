"""Figures stated in the report's prose: applications received, carried over and forward, answered,
administrative reviews and lawsuits, and "未发生…行政复议、行政诉讼" statements (spec S5–S7).

The prose is cut into clauses; jieba, with a domain dictionary that keeps terms such as 依申请公开 and
行政复议 whole, segments each clause; a figure is a number followed by a counting unit (件, 起, 项,
宗, 次), and its kind is decided by the domain terms in the same clause. Every figure keeps its section
and character span. In section 六, fee items listed in 元 are collected too (S4).
"""

import re

from pipeline.narrative.figure import NarrativeFigure, sentence_around
from pipeline.narrative.segmenter import tokenizer
from pipeline.normalise import normalise_text

_CLAUSE = re.compile(r"[^。；;，,：:（）()！!？?]+")
_UNITS = {"件", "起", "项", "宗", "次", "个"}

# Kinds in priority order: the first whose terms all occur in a clause names its figure.
# Each entry: (kind, terms that must all occur (any of each group), terms that rule the kind out).
TERMS: tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    ("requests_carried_forward", (("顺延", "结转下年", "结转到下年", "结转至下年", "转入下年"),), ()),
    ("requests_carried_over", (("结转",), ("上年", "上一年", "上年度")), ()),
    ("reviews", (("行政复议", "复议"),), ("诉讼",)),
    ("litigations", (("行政诉讼", "诉讼", "应诉"),), ("复议后起诉",)),
    ("requests_granted", (("予以公开",),), ("不予公开",)),
    ("requests_received", (("受理", "收到", "接到", "接收", "新收", "共收"), ("申请", "依申请公开")), ("办结",)),
    ("requests_answered", (("答复", "办结", "办理完毕"),), ("申请人",)),
)
_NONE_STATEMENT = re.compile(r"(未发生|没有发生|无)[^。；]{0,20}(行政复议|复议)[^。；]{0,12}(行政诉讼|诉讼)")
_STATED_PARTS = re.compile(r"(?:共|由)[^。]{0,6}?([一二三四五六七八九十]|\d{1,2})(?:个)?部分")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|周期)[^。]{0,6}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _kind(clause: str) -> str | None:
    for kind, groups, excluded in TERMS:
        if all(any(term in clause for term in group) for group in groups) and not any(t in clause for t in excluded):
            return kind
    return None


def figures(section_no: int, body: str) -> list[NarrativeFigure]:
    """Every counted figure of one section's body whose wording names its kind.

    A figure's kind comes from the words between the previous figure (or the clause start) and it;
    failing that, from the words after it up to the next figure ("另有 103 件顺延到下年度答复").
    """
    found: list[NarrativeFigure] = []
    segmenter = tokenizer()
    for clause in _CLAUSE.finditer(body):
        raw = clause.group()
        compact = re.sub(r"\s+", "", normalise_text(raw))
        if _NONE_STATEMENT.search(compact):
            found.append(
                NarrativeFigure(
                    "no_review_litigation",
                    0.0,
                    section_no,
                    clause.start(),
                    clause.end(),
                    compact,
                    sentence_around(body, clause.start()),
                )
            )
        if not re.search(r"\d", compact):
            continue  # no figure to find: spare the segmenter (most clauses of a report)
        tokens = [t for t in segmenter.tokenize(normalise_text(raw)) if t[0].strip()]
        numbers = [
            i
            for i, (word, _, _) in enumerate(tokens)
            if re.fullmatch(r"\d+", word)
            and i + 1 < len(tokens)
            and tokens[i + 1][0][:1] in _UNITS
            and not (i > 0 and tokens[i - 1][0] in ("第", "."))  # ordinals and decimals are not counts
        ]
        if section_no == 6 and "处理费" not in compact:
            # Fee items listed in 元 (S4); the 信息处理费 is another fee and is left out.
            for i, (word, start, end) in enumerate(tokens):
                if re.fullmatch(r"\d+", word) and i + 1 < len(tokens) and tokens[i + 1][0] == "元":
                    offset = clause.start()
                    found.append(NarrativeFigure(
                        "fee_item_yuan", float(word), 6, offset + start, offset + end, compact,
                        sentence_around(body, offset + start),
                    ))  # fmt: skip
        for n, i in enumerate(numbers):
            before = "".join(w for w, _, _ in tokens[(numbers[n - 1] + 1 if n else 0) : i])
            after = "".join(w for w, _, _ in tokens[i + 1 : numbers[n + 1] if n + 1 < len(numbers) else len(tokens)])
            kind = _kind(before) or _kind(before + after)
            if kind is None:
                continue
            _, start, end = tokens[i]
            offset = clause.start()
            found.append(NarrativeFigure(
                kind, float(tokens[i][0]), section_no, offset + start, offset + end, compact,
                sentence_around(body, offset + start),
            ))  # fmt: skip
    return found


def report_figures(sections: dict[int, str]) -> list[NarrativeFigure]:
    """Figures of the narrative sections (一 总体情况 first, then the preamble, 五 and 六)."""
    out: list[NarrativeFigure] = []
    for number in (0, 1, 5, 6):
        if number in sections:
            out += figures(number, sections[number])
    return out


def stated_parts(text: str) -> int | None:
    """The number of parts the report says it has ("本报告共五个部分"), if it says so (S12)."""
    m = _STATED_PARTS.search(normalise_text(text))
    if not m:
        return None
    return int(m[1]) if m[1].isdigit() else _NUMERALS[m[1]]


def period_year(text: str) -> int | None:
    """The statistics period's year ("统计期限自2022年1月1日起"), if stated (C4)."""
    m = _PERIOD.search(re.sub(r"\s+", "", normalise_text(text)))
    return int(m[1]) if m else None
