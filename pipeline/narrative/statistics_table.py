"""The 统计表 of a report before the 2019 format: a table of indicators each body drew its own way
("指标名称 计量单位 2011年度 历年累计 / 主动公开信息数 条 425 1516 / 受理依申请公开信息总数 条 0 0 / …").

A crawl flattens it into one line, and often runs its cells together: "主动公开文件数条294981916其中：1、
政府网站公开数条2949819162、…". Rows are found by their unit (条, 件, 元, …) followed by digits; a row
number glued to the digits ("…9162、") is the next row's. Columns are the statistics year and, when the
header says so, the running total (历年累计), which is never less than the year's.

How a row's digits are read:
- as many numbers as columns: each is its cell;
- one number where the header promises two: when every row of the table is one token of two or more
  digits, some with a leading zero ('00', '01'), the cells ran together, and a row is cut where the
  running total is at least the year's and no piece has a leading zero; a row with several such cuts is
  not read ('294981916': 2949 | 81916, or 294 | 981916, …) and is reported;
- when every row is one token and some are a single digit, only one column was filled: it is read as
  the year's only if the prose confirms it (`confirmed_by_prose`).
Only the rows whose indicator names a kind of `narrative_figures` become figures.
"""

import re
from dataclasses import dataclass

from pipeline.narrative.figure import STATISTICS_TABLE, NarrativeFigure, sentence_around

_ROW = re.compile(
    r"(?P<unit>条|件|元|项|个)\s*(?P<values>\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*)(?P<enumerator>\s*[、．.](?!\d))?"
)
_HEADER_WORDS = re.compile(r".*(?:累计|统计|年度|年|单位|计量)")
_END = ("附件下载",)


@dataclass(frozen=True)
class TableReading:
    figures: list[NarrativeFigure]
    issues: list[str]  # rows not read, with why
    needs_confirmation: bool  # one filled column: the prose must confirm it before it is kept


def kind_of_indicator(label: str) -> str | None:
    """The figure kind an indicator row counts, or None for rows no kind covers (网站公开数, 当面申请数…)."""
    if "举报" in label or "申诉" in label:
        return "complaints"
    if "行政复议" in label:
        return "reviews"
    if "行政诉讼" in label:
        return "litigations"
    if "主动公开" in label and any(w in label for w in ("信息数", "文件数", "信息总数")):
        return "proactive_items"
    if "受理" in label and "申请" in label and "总数" in label:
        return "requests_received"
    if "部分公开" in label:
        return "requests_partly_granted"
    if "同意公开" in label:
        return "requests_granted"
    if "否决公开" in label or "不予公开" in label:
        return "requests_refused"
    if "收费" in label and "减免" not in label and "金额" in label:
        return "fees_yuan"
    return None


def _clean_label(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^(其中[：:])?\d*[、．.]?", "", text)
    return re.sub(r"^其中[：:]", "", text)


def _cuts(token: str) -> list[tuple[str, str]]:
    """Ways to cut a run of two cells: no piece with a leading zero, the running total at least the year's."""
    out = []
    for i in range(1, len(token)):
        a, b = token[:i], token[i:]
        if (a[0] == "0" and a != "0") or (b[0] == "0" and b != "0"):
            continue
        if int(b) >= int(a):
            out.append((a, b))
    return out


def read_statistics_table(section_no: int, body: str) -> TableReading | None:
    """The indicator table in one section's body, or None when it holds none."""
    start = body.find("指标名称")
    if start < 0:
        return None
    stop = min([i for i in (body.find(w, start) for w in _END) if i >= 0] or [len(body)])
    region = body[start:stop]
    rows = list(_ROW.finditer(region))
    if not rows:
        return TableReading([], ["指标名称 found, but no row with a unit and figures"], False)
    header_and_label = region[len("指标名称") : rows[0].start()]
    label_start = _HEADER_WORDS.match(header_and_label)
    header = header_and_label[: label_start.end()] if label_start else ""
    columns = 2 if "累计" in header else 1
    if columns == 2 and not re.search(r"\d{4}|本年|年度|年末", header.split("累计")[0]):
        return TableReading([], [f"header '{header.strip()}': the year's column is not the first"], False)
    parsed = []
    previous_end = len("指标名称") + (label_start.end() if label_start else 0)
    for m in rows:
        label = _clean_label(region[previous_end : m.start()])
        tokens = [(t.group(), t.start()) for t in re.finditer(r"\d+(?:\.\d+)?", m["values"])]
        if m["enumerator"]:
            last, at = tokens[-1]
            if len(tokens) > 1 and re.search(r"\s", m["values"][at - 1 : at]):
                tokens = tokens[:-1]  # '条 6 2．政府公报…': the 2 numbers the next row
            elif len(last) > 1:
                tokens[-1] = (last[:-1], at)  # '条002、网上申请数': glued to it
            else:
                tokens = []
        previous_end = m.end("values")  # a row number after it starts the next label
        parsed.append((label, m["unit"], tokens, start + m.start("values")))
    single = all(len(t) == 1 for _, _, t, _ in parsed)
    glued = (
        columns == 2
        and single
        and all(len(t[0][0]) > 1 for _, _, t, _ in parsed)
        and any(t[0][0].startswith("0") for _, _, t, _ in parsed)
    )
    one_column = columns == 2 and single and not glued and any(len(t[0][0]) == 1 for _, _, t, _ in parsed)
    figures, issues = [], []
    for label, unit, tokens, values_at in parsed:
        kind = kind_of_indicator(label)
        if kind is None or not tokens:
            continue
        if kind == "fees_yuan" and unit != "元":
            continue
        text, at = tokens[0]
        if len(tokens) == columns or one_column:
            year_value = text
        elif columns == 2 and len(tokens) == 1 and "." not in text:
            cuts = _cuts(text)
            if not glued or len(cuts) != 1:
                issues.append(
                    f"{label}: '{text}' may hold the year and the running total run together: "
                    f"{len(cuts)} cuts ({', '.join(a + ' | ' + b for a, b in cuts[:4])}), or one of them alone"
                )
                continue
            year_value = cuts[0][0]
        else:
            issues.append(f"{label}: {len(tokens)} figures for {columns} column(s)")
            continue
        begin = values_at + at
        figures.append(
            NarrativeFigure(
                kind, float(year_value), section_no, begin, begin + len(year_value), f"{label} {unit} {year_value}",
                sentence_around(body, begin)[:200], STATISTICS_TABLE,
            )
        )  # fmt: skip
    return TableReading(figures, issues, one_column)


def confirmed_by_prose(table: list[NarrativeFigure], prose: list[NarrativeFigure]) -> bool:
    """A table read from one filled column is the year's when the prose states at least one of its kinds
    with the same value, and none with another."""
    stated = {(f.kind, f.value) for f in prose}
    kinds = {f.kind for f in prose}
    agree = [f for f in table if (f.kind, f.value) in stated]
    disagree = [f for f in table if f.kind in kinds and (f.kind, f.value) not in stated]
    return bool(agree) and not disagree
