"""The rule catalogue: id (as in the spec §4), severity, description and the SQL computing its
quantities per report and scope. dq_results, the GX suites and the Dagster checks derive from it."""

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

    @property
    def sql_name(self) -> str:
        return f"rule_{self.id.lower()}"


RULES: tuple[Rule, ...] = (
    Rule("H1", HARD, "勾稽关系 per column", "一 + 二 = 三(七) + 四 in every applicant column of section 三."),
    Rule("H2", HARD, "row totals", "总计 = 自然人 + the five organisation columns, in every row of section 三."),
    Rule("H3", HARD, "result sum", "三(七) 总计 = the sum of the result leaf rows, in every column of section 三."),
    Rule("H4", HARD, "review/litigation totals", "总计 = 维持 + 纠正 + 其他 + 尚未审结, in each block of section 四."),
    Rule("D1", HARD, "non-negative integers", "Every count of sections 二, 三 and 四 is an integer >= 0."),
    Rule("D2", HARD, "fee amount", "行政事业性收费 (万元) is a decimal >= 0 with at most 4 decimals."),
    Rule("C3", COMPLIANCE, "completeness", "Every template cell is filled; '/' counts as filled, blank does not."),
)
RULES_BY_ID = {r.id: r for r in RULES}
