"""Generated reports of the 2008 regulation (before the 2019 format), as messy as the real ones, with the
figures each states.

What the real older pages do, each turned into a variation drawn at random (seeded, reproducible):
- an outline of its own ('一、概述', '二．主动公开政府信息的情况', '第三部分 依申请公开情况', …), sometimes a cover
  letter (函) before the report, sometimes no numbered titles at all;
- numbers as digits, grouped digits (1,234), 万 (1.2万), Chinese numerals (十二), fullwidth digits (１２);
- zeros stated in words ('未收到…申请', '无收费及减免情况', '未发生…行政复议、行政诉讼');
- figures that are not the year's total: counts over several years (近3年, 历年累计), items of information
  (依申请公开信息数), parts of a total (…占71.3%), categories, approvals at a service window, the cost of
  the work (经费…万元), the number of parts of the report (共七个部分);
- a 统计表 of indicators, one or two columns (the year's, the running total), spaced, or flattened by a
  crawl with its cells run together ('条294981916其中：1、…');
- the whole body on one line, as crawlers store it.

`generate(seed)` gives the text and `truth`: each kind the text states for its year, with its value; a
table row of a kind is in `table_truth` (its cells may be ambiguous once run together).
"""

import random
from dataclasses import dataclass, field

AGENCIES = (
    "某某县财政局",
    "某某市公安局",
    "某某区教育局",
    "某某县人民政府",
    "某某镇人民政府",
    "某某市卫生局",
    "某某县民政局",
)
_DIGITS = "零一二三四五六七八九"
_TABLE_KINDS = {
    "主动公开信息数": "proactive_items",
    "受理依申请公开信息总数": "requests_received",
    "同意公开答复数": "requests_granted",
    "行政复议数": "reviews",
    "行政诉讼数": "litigations",
}


@dataclass
class GeneratedReport:
    text: str
    year: int
    agency: str
    truth: dict[str, float] = field(default_factory=dict)  # kind → value stated in the prose
    table_truth: dict[str, float] = field(default_factory=dict)  # kind → value of the 统计表's year column
    style: list[str] = field(default_factory=list)  # which variations were drawn


def chinese(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 12000 → 一万二千 (for n < 100,000,000)."""
    if n < 10:
        return _DIGITS[n]
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + chinese(low)
        return chinese(high) + "万" + rest
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, unit)
        if digit:
            out += (
                ("零" if zero and out else "")
                + ("" if digit == 1 and name == "十" and not out else _DIGITS[digit])
                + name
            )
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def _number(rng: random.Random, n: int, style: list[str]) -> str:
    choices = ["digits"]
    if n >= 1000:
        choices.append("grouped")
    if n >= 10_000 and n % 1000 == 0:
        choices.append("wan")
    if n < 100_000:
        choices.append("chinese")
    choices.append("fullwidth")
    pick = rng.choice(choices)
    style.append(pick)
    if pick == "grouped":
        return f"{n:,}"
    if pick == "wan":
        return f"{n / 10_000:g}万"
    if pick == "chinese":
        return chinese(n)
    if pick == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    return str(n)


def _table(rng: random.Random, rows: list[tuple[str, str, int]], year: int, style: list[str]) -> str:
    """The 统计表: (label, unit, the year's value) rows, in one of the layouts pages print."""
    layout = rng.choice(["one_column", "two_columns", "glued"])
    style.append(f"table_{layout}")
    header = "指标名称 计量单位 年末统计" if layout == "one_column" else f"指标名称 计量单位 {year}年度 历年累计"
    parts = [header]
    for i, (label, unit, value) in enumerate(rows):
        if layout == "one_column":
            parts.append(f"{label} {unit} {value}")
        else:
            total = value + rng.choice([0, 0, rng.randint(1, 500)])
            cells = f"{value} {total}" if layout == "two_columns" else f"{value}{total}"
            # a sub-row's number: after '其中：', or glued to the digits before it ('…9162、')
            prefix = rng.choice(["其中：1、", f"{i % 3 + 1}、", ""]) if i else ""
            parts.append(f"{prefix}{label}{unit}{cells}" if layout == "glued" else f"{prefix}{label} {unit} {cells}")
    return ("" if layout == "glued" else " ").join(parts)


def generate(seed: int) -> GeneratedReport:
    rng = random.Random(seed)
    year = rng.randint(2008, 2018)
    agency = rng.choice(AGENCIES)
    style: list[str] = []
    report = GeneratedReport("", year, agency, style=style)
    truth = report.truth
    num = lambda n: _number(rng, n, style)  # noqa: E731

    received = rng.choice([0, 0, rng.randint(1, 30), rng.randint(30, 5000)])
    outcomes: dict[str, int] = {}
    if received:
        left = received
        for kind in ("requests_granted", "requests_partly_granted", "requests_refused", "requests_not_held",
                     "requests_not_this_body", "requests_unclear"):  # fmt: skip
            if rng.random() < 0.6 and left:
                outcomes[kind] = rng.randint(0, left)
                left -= outcomes[kind]
    proactive = rng.choice([rng.randint(1, 300), rng.randint(300, 50_000), rng.randint(1, 40) * 1000])
    reviews, litigations = rng.choice([(0, 0), (rng.randint(0, 9), rng.randint(0, 9))])
    fees = rng.choice([0, 0, rng.randint(1, 3000)])

    overview = [f"{year}年，我局认真贯彻《中华人民共和国政府信息公开条例》，政府信息公开工作有序推进。"]
    if rng.random() < 0.5:
        overview.append(f"今年共制作政府信息{rng.randint(100, 900)}条，依申请公开信息数{rng.randint(1, 400)}条。")
        style.append("items_of_information")
    if rng.random() < 0.4:
        overview.append(f"建立窗口服务大厅，开设窗口{rng.randint(2, 30)}个，共受理申请{rng.randint(1000, 90000)}件。")
        style.append("service_window")
    proactive_text = [f"{year}年主动公开政府信息{num(proactive)}条。"]
    truth["proactive_items"] = proactive
    if rng.random() < 0.5 and proactive > 10:
        part = rng.randint(1, proactive - 1)
        proactive_text.append(f"其中，各乡镇主动公开政府信息{part}条，占{round(100 * part / proactive, 1)}%。")
        proactive_text.append(f"其他应主动公开的信息{rng.randint(1, 99)}条。")
        style.append("parts_of_total")
    if received == 0:
        requests_text = [rng.choice([f"{year}年，我局未收到政府信息公开申请。", "本年度没有收到信息公开申请。"])]
        style.append("zero_requests_in_words")
    else:
        words = {"requests_granted": "同意公开", "requests_partly_granted": "部分公开", "requests_refused": "不予公开",
                 "requests_not_held": "信息不存在", "requests_not_this_body": "非本机关政府信息",
                 "requests_unclear": "申请内容不明确"}  # fmt: skip
        clauses = [f"{words[k]}{num(v)}件" for k, v in outcomes.items()]
        opening = rng.choice(["全年共受理政府信息公开申请", "本年度共收到政府信息公开申请"])
        requests_text = [f"{opening}{num(received)}件" + (f"，其中{'，'.join(clauses)}。" if clauses else "。")]
        truth.update(outcomes)
    truth["requests_received"] = received
    if rng.random() < 0.4:
        requests_text.append(f"近3年共受理信息公开申请{received + rng.randint(1, 50)}件。")
        style.append("several_years")
    if fees == 0:
        fees_text = rng.choice(["无收费及减免情况。", "依申请提供政府信息暂不收费。", "收取检索、复制、邮寄费0元。"])
    else:
        fees_text = f"收取检索、复制、邮寄费{fees}元。"
    truth["fees_yuan"] = fees
    if reviews == litigations == 0 and rng.random() < 0.6:
        disputes_text = "未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"
        style.append("zero_disputes_in_words")
    else:
        disputes_text = f"因政府信息公开被申请行政复议{num(reviews)}件，提起行政诉讼{num(litigations)}件。"
    truth["reviews"], truth["litigations"] = reviews, litigations
    problems = f"一是工作人员均为兼职；二是公开内容不够深入。政府信息公开工作经费{rng.randint(1, 9)}万元。"

    outline = [
        ("概述", overview),
        (rng.choice(["主动公开政府信息情况", "主动公开政府信息的情况", "政府信息主动公开情况"]), proactive_text),
        (rng.choice(["依申请公开政府信息情况", "政府信息依申请公开办理情况"]), requests_text),
        (rng.choice(["收费及减免情况", "政府信息公开的收费及减免情况"]), [fees_text]),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", [disputes_text]),
        ("存在的主要问题及改进措施", [problems]),
    ]
    heading = rng.choice(["{n}、", "{n}．", "第{n}部分 "])
    numbered = rng.random() < 0.9
    style.append("numbered" if numbered else "unnumbered")
    body = []
    for i, (title, paragraphs) in enumerate(outline, 1):
        body.append((heading.format(n=_DIGITS[i]) if numbered else "") + title)
        body += paragraphs
    if rng.random() < 0.6:
        rows = [("主动公开信息数", "条", proactive), ("受理依申请公开信息总数", "条", received)]
        if "requests_granted" in outcomes:
            rows.append(("同意公开答复数", "条", outcomes["requests_granted"]))
        rows += [("行政复议数", "件", reviews), ("行政诉讼数", "件", litigations)]
        body.append("附表：" + _table(rng, rows, year, style))
        report.table_truth = {_TABLE_KINDS[label]: value for label, _, value in rows}
    title = f"{agency}{year}年政府信息公开工作年度报告"
    preamble = [title, f"本报告由概述、主动公开政府信息情况等{chinese(len(outline))}个部分组成。"]
    if rng.random() < 0.2:
        preamble.insert(
            0, f"关于报送{year}年度政府信息公开工作年度报告的函 市政府办公室：现将我局{year}年度报告报送贵处。"
        )
        style.append("cover_letter")
    lines = preamble + body
    flattened = rng.random() < 0.5
    style.append("one_line" if flattened else "lines")
    report.text = (lines[0] + "\n" + " ".join(lines[1:])) if flattened else "\n".join(lines)
    return report
