"""The rule catalogue (spec §4): id, severity, the table it checks and a description a user can read.

Each rule's quantities per report and scope come from `sql/rule_<id>.sql`; its GX suite lives in
`expectations/suites.py`, whose verdicts `dq_results` stores (`pipeline/quality.py`); the Dagster checks, the
Data Docs and the scorecards all read those verdicts.
"""

from dataclasses import dataclass

HARD = "hard"
COMPLIANCE = "compliance"
SOFT = "soft"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    description: str
    table: str | None = None  # the cell table the rule reads, for attributing failures
    # Compares reports with one another (S1 across years, S11 across agencies, S13 across a region): a new
    # report can change the verdicts of others, so its SQL runs over the whole warehouse.
    cross_report: bool = False

    @property
    def sql_name(self) -> str:
        return f"rule_{self.id.lower()}"


RULES: tuple[Rule, ...] = (
    Rule("H1", HARD, "勾稽关系 per column",
         "一 新收 + 二 上年结转 = 三(七) 总计 + 四 结转下年度, in each applicant column of section 三 (the "
         "table's printed 勾稽关系).", "applications"),
    Rule("H2", HARD, "row totals",
         "总计 = 自然人 + the five organisation columns, in every row of section 三.", "applications"),
    Rule("H3", HARD, "result sum",
         "三(七) 总计 = the sum of the result rows (each request is counted once), in every column.", "applications"),
    Rule("H4", HARD, "review/litigation totals",
         "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, in each block of section 四.", "review_litigation"),
    Rule("H5", HARD, "bounded by requests",
         "四 结转下年度 and 三(七) 总计 are each at most 一 + 二, per column (localises H1 failures).", "applications"),
    Rule("H6", HARD, "item counts (2019)",
         "2019 format: 上一年项目数量 + 本年增/减 >= 0 for the items of 第二十条第（五）（六）（八）项.", "proactive"),
    Rule("D1", HARD, "non-negative integers",
         "Every count of sections 二, 三 and 四 is an integer >= 0.", None),
    Rule("D2", HARD, "fee amount",
         "行政事业性收费 (万元) is a decimal >= 0 with at most 4 decimals (0.0001 万元 = 1 元).", "proactive"),
    Rule("D3", HARD, "signed change (2019)",
         "2019 format: 本年增/减 is a signed integer.", "proactive"),
    Rule("D4", HARD, "blank is not zero",
         "Cells printed blank, '/' or '—', and cells absent from the source, hold no value: never coerced to 0.",
         None),
    Rule("C1", COMPLIANCE, "six sections",
         "All six sections are present, in order, with recognisable titles (not assessable before the 2019 "
         "format).", None),
    Rule("C2", COMPLIANCE, "template of the year",
         "2019–2020 reports use the 2019 format; reports for 2021 on use the 2021 format with the 25-row section 三 "
         "(not assessable before the 2019 format).", None),
    Rule("C3", COMPLIANCE, "completeness",
         "Every template cell is filled; '/' counts as filled (rows that cannot apply), blank does not.", None),
    Rule("C4", COMPLIANCE, "title year = period",
         "The title's year equals the stated statistics period (1 Jan – 31 Dec of that year).", None),
    Rule("C5", COMPLIANCE, "published on time",
         "Published by 31 Jan (departments) or 31 Mar (government-level reports) of the next year (Art. 49); "
         "assessable where the page states its publication date, from the 2019 format on.", None),
    Rule("C6", COMPLIANCE, "problems section",
         "Section 五 (problems and improvements) is present and says more than '无' (not assessable before the "
         "2019 format).", None),
    Rule("S1", SOFT, "carry-over across years",
         "This year's 二 上年结转 equals last year's 四 结转下年度 for the same agency, per column.", "applications",
         cross_report=True),
    Rule("S2", SOFT, "documents in force",
         "现行有效件数 >= 本年制发件数 for 规章 and 行政规范性文件 (documents may lapse: a warning).", "proactive"),
    Rule("S3", SOFT, "rule-making power",
         "Only provincial and 设区的市 governments (and State Council departments) issue 规章; others show 0 or '/'.",
         "proactive"),
    Rule("S4", SOFT, "fee vs listed fees",
         "The 行政事业性收费 amount (万元) equals the fee items the prose lists in 元; equal to the 元 sum itself "
         "suggests a unit error.", "proactive"),
    Rule("S5", SOFT, "requests in the prose",
         "The prose's number of requests received equals 一, 一+二 or 三(七) of the 总计 column.", "applications"),
    Rule("S6", SOFT, "disclosures in the prose",
         "The prose's '予以公开 X 件' equals 三(一) or 三(一)+三(二), in the 总计 or the 自然人 column.",
         "applications"),
    Rule("S7", SOFT, "reviews and lawsuits in the prose",
         "'未发生…行政复议、行政诉讼' means every section-四 总计 is 0; stated review and lawsuit counts equal "
         "the section-四 totals.", "review_litigation"),
    Rule("S8", SOFT, "years agree",
         "The title's statistics year is the year the preamble and overview talk about most.", None),
    Rule("S9", SOFT, "outlier ratios",
         "Disputes (复议 + 直接起诉) per 100 handled requests, and the carried-forward share, at most 50 "
         "(from 10 handled requests up).", None),
    Rule("S10", SOFT, "processing fee reported",
         "Requests closed for an unpaid fee notice (三(六)2 > 0) imply section 六 reports the 信息处理费.", None),
    Rule("S11", SOFT, "boilerplate",
         "Section 五 (before 2019: the first section on problems) is not, years and figures aside, the same "
         "text as another agency's or year's report.", None,
         cross_report=True),
    Rule("S12", SOFT, "stated parts",
         "The number of parts the report says it has matches the sections present (before 2019: its own "
         "numbered sections and 统计表).", None),
    # Not in the spec's list: the hierarchy check users asked for (a region vs the bodies inside it).
    Rule("S13", SOFT, "region vs its bodies",
         "A regional government's report (province or city 人民政府) counts at least as many requests received "
         "(一 总计) as the reports of the lower-level bodies inside its region add up to, same year.", None,
         cross_report=True),
)  # fmt: skip
RULES_BY_ID = {r.id: r for r in RULES}
