"""The template catalogue: every table, row, column and cell of the annual-report templates, defined once.

The parser's label matching, the DuckDB label dimensions, the arithmetic rules and the expected-value
keys are all derived from this module (see `../shared/spec/annual-report-format.md` §2–§3).
"""

from dataclasses import dataclass, field

TEMPLATE_2021 = "2021"
TEMPLATE_2021_23ROW = "2021-23row"
TEMPLATE_2019 = "2019"
# Reports of the 2008 regulation (statistics years 2008–2018): no mandated tables, figures in the prose.
TEMPLATE_PRE_2019 = "pre-2019"


@dataclass(frozen=True)
class ApplicationRow:
    """One row of section 三 (收到和处理政府信息公开申请情况)."""

    key: str  # expected-JSON row key, e.g. "3.3.5"
    code: str  # the printed hierarchical code, e.g. "三(三)5"
    label: str  # canonical Chinese label
    parent: str | None  # key of the group row ("3", "3.3"), None for top-level rows
    is_leaf: bool  # a result leaf: counted once in 三(七)总计
    aliases: tuple[str, ...] = ()  # short forms, synonyms and known typos


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProactiveItem:
    """One row of section 二 with its value columns."""

    key: str
    label: str
    article: str  # 第二十条第（X）项
    columns: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    kind: str = "count"  # count | amount_10k_yuan | signed | as_printed

    def column_kind(self, column: str) -> str:
        """What one column holds: in the 2019 items only 本年增/减 (change) is signed."""
        if self.kind == "signed":
            return "signed" if column == "change" else "count"
        return self.kind


@dataclass(frozen=True)
class Template:
    name: str
    proactive: tuple[ProactiveItem, ...]
    application_rows: tuple[ApplicationRow, ...]
    application_columns: tuple[Column, ...] = field(default=())
    review_blocks: tuple[Column, ...] = field(default=())
    review_columns: tuple[Column, ...] = field(default=())

    @property
    def leaves(self) -> tuple[ApplicationRow, ...]:
        return tuple(r for r in self.application_rows if r.is_leaf)

    def cell_count(self) -> int:
        return (
            sum(len(p.columns) for p in self.proactive)
            + len(self.application_rows) * len(self.application_columns)
            + len(self.review_blocks) * len(self.review_columns)
        )


APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业"),
    Column("research_institution", "科研机构"),
    Column("social_welfare_org", "社会公益组织", ("社会组织",)),
    Column("legal_service_org", "法律服务机构"),
    Column("other", "其他"),
    Column("total", "总计"),
)
ORG_COLUMNS = tuple(c.key for c in APPLICANT_COLUMNS[1:6])

REVIEW_BLOCKS: tuple[Column, ...] = (
    Column("administrative_review", "行政复议"),
    Column("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议直接起诉",)),
    Column("litigation_after_review", "行政诉讼·复议后起诉", ("复议后起诉",)),
)
REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", ("维持",)),
    Column("corrected", "结果纠正", ("纠正",)),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

_HEAD_ROWS = (
    ApplicationRow("1", "一", "本年新收政府信息公开申请数量", None, False, ("本年新收政府信息公开申请",)),
    ApplicationRow("2", "二", "上年结转政府信息公开申请数量", None, False, ("上年结转政府信息公开申请",)),
    ApplicationRow("3.1", "三(一)", "予以公开", "3", True),
    ApplicationRow("3.2", "三(二)", "部分公开（区分处理的，只计这一情形，不计其他情形）", "3", True, ("部分公开",)),
    ApplicationRow("3.3.1", "三(三)1", "属于国家秘密", "3.3", True),
    ApplicationRow("3.3.2", "三(三)2", "其他法律行政法规禁止公开", "3.3", True),
    ApplicationRow("3.3.3", "三(三)3", "危及“三安全一稳定”", "3.3", True),
    ApplicationRow("3.3.4", "三(三)4", "保护第三方合法权益", "3.3", True),
    ApplicationRow("3.3.5", "三(三)5", "属于三类内部事务信息", "3.3", True),
    ApplicationRow("3.3.6", "三(三)6", "属于四类过程性信息", "3.3", True),
    ApplicationRow("3.3.7", "三(三)7", "属于行政执法案卷", "3.3", True),
    ApplicationRow("3.3.8", "三(三)8", "属于行政查询事项", "3.3", True),
    ApplicationRow("3.4.1", "三(四)1", "本机关不掌握相关政府信息", "3.4", True),
    ApplicationRow("3.4.2", "三(四)2", "没有现成信息需要另行制作", "3.4", True),
    ApplicationRow("3.4.3", "三(四)3", "补正后申请内容仍不明确", "3.4", True),
    ApplicationRow("3.5.1", "三(五)1", "信访举报投诉类申请", "3.5", True),
    ApplicationRow("3.5.2", "三(五)2", "重复申请", "3.5", True),
    ApplicationRow("3.5.3", "三(五)3", "要求提供公开出版物", "3.5", True),
    ApplicationRow("3.5.4", "三(五)4", "无正当理由大量反复申请", "3.5", True),
    ApplicationRow("3.5.5", "三(五)5", "要求行政机关确认或重新出具已获取信息", "3.5", True),
)
_OTHER_SPLIT = (
    ApplicationRow(
        "3.6.1",
        "三(六)1",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "3.6",
        True,
        ("申请人无正当理由逾期不补正",),
    ),
    ApplicationRow(
        "3.6.2",
        "三(六)2",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.6",
        True,
        ("申请人逾期未按收费通知要求缴纳费用",),
    ),
    ApplicationRow("3.6.3", "三(六)3", "其他", "3.6", True),
)
_OTHER_SINGLE = (ApplicationRow("3.6", "三(六)", "其他处理", "3", True),)
_TAIL_ROWS = (
    ApplicationRow("3.7", "三(七)", "总计", "3", False),
    ApplicationRow("4", "四", "结转下年度继续办理", None, False),
)

# Group header rows: merged label cells, never data rows (stored in the label dimension only).
APPLICATION_GROUPS: tuple[ApplicationRow, ...] = (
    ApplicationRow("3", "三", "本年度办理结果", None, False),
    ApplicationRow("3.3", "三(三)", "不予公开", "3", False),
    ApplicationRow("3.4", "三(四)", "无法提供", "3", False),
    ApplicationRow("3.5", "三(五)", "不予处理", "3", False),
)

# Column headers of section 二, by column key (2021 and 2019 templates).
PROACTIVE_COLUMN_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_year_items": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
    "amount": "采购总金额",
}

PROACTIVE_2021: tuple[ProactiveItem, ...] = (
    ProactiveItem("regulations", "规章", "第二十条第（一）项", ("issued", "repealed", "in_force")),
    ProactiveItem(
        "normative_documents",
        "行政规范性文件",
        "第二十条第（一）项",
        ("issued", "repealed", "in_force"),
        ("规范性文件", "行政規範性檔案", "規範性檔案", "行政规范性档案"),
    ),
    ProactiveItem("administrative_licensing", "行政许可", "第二十条第（五）项", ("decisions",)),
    ProactiveItem("administrative_punishment", "行政处罚", "第二十条第（六）项", ("decisions",)),
    ProactiveItem("administrative_coercion", "行政强制", "第二十条第（六）项", ("decisions",)),
    ProactiveItem(
        "administrative_fees",
        "行政事业性收费",
        "第二十条第（八）项",
        ("amount_10k_yuan",),
        kind="amount_10k_yuan",
    ),
)

PROACTIVE_2019: tuple[ProactiveItem, ...] = (
    ProactiveItem("regulations", "规章", "第二十条第（一）项", ("new_made", "new_published", "total_published")),
    ProactiveItem(
        "normative_documents",
        "规范性文件",
        "第二十条第（一）项",
        ("new_made", "new_published", "total_published"),
        ("行政规范性文件",),
    ),
    ProactiveItem(
        "administrative_licensing",
        "行政许可",
        "第二十条第（五）项",
        ("previous_year_items", "change", "decisions"),
        kind="signed",
    ),
    ProactiveItem(
        "other_external_services",
        "其他对外管理服务事项",
        "第二十条第（五）项",
        ("previous_year_items", "change", "decisions"),
        kind="signed",
    ),
    ProactiveItem(
        "administrative_punishment",
        "行政处罚",
        "第二十条第（六）项",
        ("previous_year_items", "change", "decisions"),
        kind="signed",
    ),
    ProactiveItem(
        "administrative_coercion",
        "行政强制",
        "第二十条第（六）项",
        ("previous_year_items", "change", "decisions"),
        kind="signed",
    ),
    ProactiveItem(
        "administrative_fees",
        "行政事业性收费",
        "第二十条第（八）项",
        ("previous_year_items", "change"),
        kind="signed",
    ),
    ProactiveItem(
        "government_procurement",
        "政府集中采购",
        "第二十条第（九）项",
        ("items", "amount"),
        kind="as_printed",
    ),
)

TEMPLATES: dict[str, Template] = {
    TEMPLATE_2021: Template(
        TEMPLATE_2021,
        PROACTIVE_2021,
        _HEAD_ROWS + _OTHER_SPLIT + _TAIL_ROWS,
        APPLICANT_COLUMNS,
        REVIEW_BLOCKS,
        REVIEW_COLUMNS,
    ),
    TEMPLATE_2021_23ROW: Template(
        TEMPLATE_2021_23ROW,
        PROACTIVE_2021,
        _HEAD_ROWS + _OTHER_SINGLE + _TAIL_ROWS,
        APPLICANT_COLUMNS,
        REVIEW_BLOCKS,
        REVIEW_COLUMNS,
    ),
    TEMPLATE_2019: Template(
        TEMPLATE_2019,
        PROACTIVE_2019,
        _HEAD_ROWS + _OTHER_SINGLE + _TAIL_ROWS,
        APPLICANT_COLUMNS,
        REVIEW_BLOCKS,
        REVIEW_COLUMNS,
    ),
}

# Every data row any layout can have, in canonical order (3.6 sits where the split rows would be).
ALL_APPLICATION_ROWS: tuple[ApplicationRow, ...] = _HEAD_ROWS + _OTHER_SINGLE + _OTHER_SPLIT + _TAIL_ROWS

# Section titles (canonical first, then synonyms). Matched on the normalised label key.
SECTION_TITLES: dict[int, tuple[str, ...]] = {
    1: ("总体情况",),
    2: ("主动公开政府信息情况",),
    3: ("收到和处理政府信息公开申请情况",),
    4: (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议行政诉讼情况",
    ),
    5: ("存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况", "存在问题及改进情况"),
    6: ("其他需要报告的事项",),
}
SECTION_NAMES = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六"}

# What each section is about (`report_sections.topic`): the template's six sections by number, and the
# sections of a report before the 2019 format by their own titles (`EARLY_OUTLINE`).
SECTION_TOPICS = {
    1: "overview", 2: "proactive", 3: "requests", 4: "review_litigation", 5: "problems", 6: "other",
}  # fmt: skip

# Reports before the 2019 format (the 2008 regulation) have no mandated tables and each body's own
# outline; the usual one is 概述 / 主动公开情况 / 依申请公开情况 / 收费及减免情况 / 行政复议、行政诉讼情况 /
# 存在的主要问题及改进措施 / 其他需要报告的事项, sometimes with a 统计表. A top-level title is a numeral
# and 、 followed by one of these (regular expressions over the title's first characters, in order).
EARLY_OUTLINE: tuple[tuple[str, str], ...] = (
    ("statistics_table", r"[^。；：:，,]{0,30}?统计表"),
    ("fees", r"[^。；：:，,]{0,14}?收费[^。；：:，,]{0,6}?减免[^。；：:，,]{0,4}?情况"),
    ("review_litigation", r"[^。；：:，,]{0,24}?复议[^。；：:，,]{0,24}?情况"),
    ("requests", r"[^。；：:，,]{0,12}?依申请公开[^。；：:，,]{0,18}?情况"),
    ("proactive", r"[^。；：:，,]{0,12}?主动公开[^。；：:，,]{0,10}?情况"),
    ("key_areas", r"重点领域[^。；：:，,]{0,14}?情况"),
    ("problems", r"[^。；：:，,]{0,16}?(?:存在的?(?:主要)?问题|主要问题)(?:[及和](?:改进|整改)(?:措施|情况))?"),
    ("problems", r"(?:改进|整改)(?:措施|情况)"),
    ("other", r"[^。；：:，,]{0,4}?(?:其他需要报告的事项|需要说明的其他事项)(?:与附表|及附表)?"),
    ("staff_and_costs", r"[^。；：:，,]{0,12}?(?:工作人员|支出)[^。；：:，,]{0,14}?情况"),
    ("overview", r"[^。；：:，,]{0,16}?(?:概述|概况|基本情况|总体情况)"),
)
