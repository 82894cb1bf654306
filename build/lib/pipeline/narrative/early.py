"""Figures stated in the prose of a report before the 2019 format (the 2008 regulation): "全年共受理政府信息
公开申请12件，其中同意公开9件，部分公开1件，信息不存在2件", "主动公开政府信息1,234条", "行政复议0件",
"收取检索、复制、邮寄费0元", and the zeros stated in words ("未收到…申请", "无收费及减免情况",
"未发生…行政复议、行政诉讼").

A figure is a number (digits, grouped digits, 万, or a Chinese numeral) followed by its unit; its kind comes
from the words of its own clause, as in the template-era prose (`template_era`), here with the kinds of the
older reports. The reports of those years state much besides their disclosure work: approvals handled at a
service window (共受理申请136437件), motions from deputies, expenditure on disclosure (费用1万元), counts
over several years (近3年共受理…2件, 历年累计). Every kind therefore names the words it needs and the words
that rule it out, request outcomes need a sentence about requests, and a sentence about several years is
left out whole. A figure not confirmed by its wording is not kept: a wrong number is worse than none.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.narrative.figure import NarrativeFigure, sentence_around
from pipeline.narrative.numbers import NUMBER, read_number

_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_CLAUSE_END = "，,：:（）()。；;！!？?"
# A number and its unit; not a piece of a longer number, an ordinal (第一条), or an estimate (约4900).
_FIGURE = re.compile(
    rf"(?<![\d.第约近逾超])(?<!\d,)(?P<number>{NUMBER})(?P<wan>万)?\s*(?P<unit>人次|万元|件|条|起|项|宗|次|个|份|元)"
    r"(?!\s*(?:以上|左右|多))(?!(?<=个)部分)"  # '本报告共七个部分' counts parts, not cases
)
# Counts over several years, not the year's: the whole sentence is left out.
_OTHER_PERIOD = re.compile(r"近\s*[\d一二三四五六七八九十两]+\s*年|历年|累计")
_COUNT_UNITS = {"件", "条", "起", "项", "宗", "次", "个"}
# The 2008 regulation let bodies charge for 检索、复制、邮寄: those words speak of disclosure too.
_DISCLOSURE = ("信息公开", "政府信息", "公开申请", "依申请", "检索", "复制", "邮寄")


@dataclass(frozen=True)
class _Kind:
    name: str
    any_of: tuple[tuple[str, ...], ...]  # each group: one of its terms must occur
    excluded: tuple[str, ...] = ()  # near the kind's terms or after them
    excluded_between: tuple[str, ...] = ()  # between the kind's first term and the number
    units: frozenset[str] = frozenset(_COUNT_UNITS)
    about_requests: bool = False  # the sentence must be about disclosure requests
    about_disclosure: bool = False  # the sentence must be about disclosure at all


_OUTCOME_EXCLUDED = ("信息数",)  # '不予公开信息数55条' counts items of information, not requests
# In priority order: the first kind whose terms the clause holds names the figure.
KINDS: tuple[_Kind, ...] = (
    _Kind("complaints", (("行政申诉", "申诉", "举报"),), about_disclosure=True),
    _Kind("reviews", (("行政复议", "复议"),), ("诉讼",), about_disclosure=True),
    _Kind("litigations", (("行政诉讼", "诉讼", "应诉"),), ("复议后起诉",), about_disclosure=True),
    _Kind(
        "requests_carried_forward", (("顺延", "结转下年", "结转到下年", "结转至下年", "转入下年"),), about_requests=True
    ),
    _Kind("requests_carried_over", (("结转",), ("上年", "上一年", "上年度")), about_requests=True),
    _Kind("requests_partly_granted", (("部分公开",),), _OUTCOME_EXCLUDED, about_requests=True),
    _Kind("requests_refused", (("不予公开", "否决公开", "不公开"),), _OUTCOME_EXCLUDED, about_requests=True),
    _Kind(
        "requests_granted",
        (("同意公开", "予以公开", "全部公开"),),
        ("部分", "不予", *_OUTCOME_EXCLUDED),
        about_requests=True,
    ),
    _Kind("requests_not_held", (("信息不存在", "不存在", "不掌握", "未掌握"),), _OUTCOME_EXCLUDED, about_requests=True),
    _Kind(
        "requests_not_this_body",
        (("非本机关", "非本单位", "非本部门", "不属于本机关", "不属于本单位", "不属于本部门"),),
        _OUTCOME_EXCLUDED,
        about_requests=True,
    ),
    _Kind("requests_unclear", (("不明确", "补正"),), _OUTCOME_EXCLUDED, about_requests=True),
    # The year's total, not the requests of one channel ('其中通过网络收到申请3件') or of another procedure.
    _Kind(
        "requests_received",
        (("受理", "收到", "接到", "接收", "共收", "新收"), ("申请",)),
        ("审批", "办结", "提案", "议案", "其中", "当面", "网上", "网络", "信函", "传真", "邮件", "电话"),
        about_requests=True,
    ),
    # Published proactively: the body's own total, not a part ('各乡镇…122条，占28.7%'), a category
    # ('其他应主动公开的信息1831条') or another kind of item (政府采购项目信息).
    _Kind(
        "proactive_items",
        (("主动公开",), ("信息", "文件")),
        tuple("依申请 制作 获取 采购 项目 各乡镇 各单位 各部门 乡镇 区直 县直 市直 公开办 其他 类".split()),
        units=frozenset({"条", "件"}),
    ),
    # '收费减免金额' is a reduction; a title before ('收费及减免情况 收取…费136元') is not.
    _Kind(
        "fees_yuan",
        (("收取", "收费", "收缴"),),
        ("支出", "经费"),
        ("减免",),
        units=frozenset({"元", "万元"}),
        about_disclosure=True,
    ),
)

# Zeros stated in words. Each: a negation, then (within the clause) what is negated.
_NO_DISPUTE = re.compile(
    r"(未收到|没有收到|未接到|未接收|没有接收|未发生|没有发生|未有|没有被|没有|无)[^，,。；;]{0,24}?(复议|诉讼|申诉|举报)"
)
_NEGATED_DISPUTES = (("reviews", ("复议",)), ("litigations", ("诉讼",)), ("complaints", ("申诉", "举报")))
_NO_REQUEST = re.compile(
    r"(未收到|没有收到|未接到|没有接到|未受理|没有受理|未接收|没有接收|未发生|没有发生|无(?!需|须|法|论))[^，,。；;]{0,24}?申请"
)
_NO_REFUSAL = re.compile(r"(没有|无|未)[^，,。；;]{0,24}?不予公开")
_NO_FEE = re.compile(
    r"(?:无|未|没有)[^，,。；;]{0,12}?(?:收费|收取[^，,。；;]{0,8}?费)|(?:暂不|不|免予|免)(?:收费|收取)"
)


def _clause_end(text: str, position: int) -> int:
    ends = [i for i in (text.find(c, position) for c in _CLAUSE_END) if i >= 0]
    return min(ends) if ends else len(text)


def _about_requests(sentence: str, topic: str | None) -> bool:
    words = sentence.replace("依申请公开", "")  # the name of the procedure, not a request
    return topic == "requests" or "申请" in words or "答复" in words


def _about_disclosure(sentence: str, topic: str | None) -> bool:
    return topic in ("requests", "review_litigation", "fees") or any(w in sentence for w in _DISCLOSURE)


def _nearest(words: str, terms: tuple[str, ...], at: int) -> tuple[int, int] | None:
    """(distance to the number at `at`, start) of the occurrence of one of `terms` nearest to it."""
    best = None
    for term in terms:
        for m in re.finditer(re.escape(term), words):
            distance = at - m.end() if m.start() < at else m.start() - at
            if best is None or distance < best[0]:
                best = (distance, m.start())
    return best


def _kind_of(before: str, after: str, unit: str, sentence: str, topic: str | None) -> str | None:
    """The kind whose terms stand nearest the number: a title glued to the sentence ('…提起行政诉讼的情况
    因政府信息公开被申请行政复议5件') does not name the figure. The words after the number count only when
    those before name no kind ('共收到2条信息公开相关申请事项')."""
    for words in (before, before + after):
        at = len(before)
        best: tuple[int, int, str] | None = None
        for rank, kind in enumerate(KINDS):
            if unit not in kind.units:
                continue
            nearest = [_nearest(words, group, at) for group in kind.any_of]
            if any(n is None for n in nearest):
                continue
            first = min(start for _, start in nearest)  # type: ignore[misc]
            # what rules the kind out: near its terms (a part: '各乡镇主动公开…'), or between them and the number
            if any(t in words[max(0, first - 12) :] for t in kind.excluded):
                continue
            if any(t in words[first:at] for t in kind.excluded_between):
                continue
            if kind.about_requests and not (_about_requests(sentence, topic) and _about_disclosure(sentence, topic)):
                continue
            if kind.about_disclosure and not _about_disclosure(sentence, topic):
                continue
            distance = max(d for d, _ in nearest)  # type: ignore[misc]
            if best is None or (distance, rank) < best[:2]:
                best = (distance, rank, kind.name)
        if best is not None:
            return best[2]
    return None


def _stated_figures(section_no: int, body: str, start: int, sentence: str, topic: str | None) -> list[NarrativeFigure]:
    found = []
    matches = list(_FIGURE.finditer(sentence))
    for n, m in enumerate(matches):
        value = read_number(m["number"], bool(m["wan"]))
        if value is None:
            continue
        clause_start = max(sentence.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
        before_start = max(clause_start, matches[n - 1].end() if n else 0)
        clause_end = _clause_end(sentence, m.end())
        after_end = min(clause_end, matches[n + 1].start() if n + 1 < len(matches) else clause_end)
        before, after = sentence[before_start : m.start()], sentence[m.end() : after_end]
        tail = sentence[m.end() : m.end() + 4]
        unit = m["unit"]
        kind = _kind_of(before, after, unit, sentence, topic)
        if kind is None:
            continue
        if kind == "proactive_items" and re.match(r"[，,]?\s*占", tail):
            continue  # '…主动公开政府信息303条，占71.3%': a part of the total
        if unit == "万元":
            value *= 10_000
        found.append(
            _figure(
                kind, value, section_no, start + m.start(), start + m.end(), sentence[clause_start:clause_end], body
            )
        )
    return found


def _stated_zeros(section_no: int, body: str, start: int, sentence: str, topic: str | None) -> list[NarrativeFigure]:
    found = []
    m = _NO_DISPUTE.search(sentence)
    if m and _about_disclosure(sentence, topic):
        clause = sentence[m.start() : _clause_end(sentence, m.start())]
        for kind, terms in _NEGATED_DISPUTES:
            if any(t in clause for t in terms):
                end = start + m.start() + len(clause)
                found.append(_figure(kind, Decimal(0), section_no, start + m.start(), end, clause, body))
    m = _NO_REFUSAL.search(sentence)
    if m and _about_requests(sentence, topic):
        found.append(
            _figure("requests_refused", Decimal(0), section_no, start + m.start(), start + m.end(), m[0], body)
        )
    for m in _NO_REQUEST.finditer(sentence):
        clause = sentence[m.start() : _clause_end(sentence, m.start())]
        if any(t in clause for t in ("复议", "诉讼", "申诉", "举报", "不予公开")) or not _about_disclosure(
            sentence, topic
        ):
            continue
        found.append(
            _figure("requests_received", Decimal(0), section_no, start + m.start(), start + m.end(), clause, body)
        )
        break
    m = _NO_FEE.search(sentence)
    if m and (_about_disclosure(sentence, topic) or "收费及减免" in sentence):
        found.append(_figure("fees_yuan", Decimal(0), section_no, start + m.start(), start + m.end(), m[0], body))
    return found


def _figure(
    kind: str, value: Decimal, section_no: int, start: int, end: int, clause: str, body: str
) -> NarrativeFigure:
    return NarrativeFigure(
        kind, float(value), section_no, start, end, re.sub(r"\s+", "", clause), sentence_around(body, start)
    )


def figures(section_no: int, body: str, topic: str | None = None) -> list[NarrativeFigure]:
    """Every figure of one section's body whose wording names its kind, in order."""
    found: list[NarrativeFigure] = []
    for s in _SENTENCE.finditer(body):
        sentence = s.group()
        if _OTHER_PERIOD.search(sentence):
            continue
        found += _stated_figures(section_no, body, s.start(), sentence, topic)
        found += _stated_zeros(section_no, body, s.start(), sentence, topic)
    return sorted(found, key=lambda f: f.char_start)
