"""Figures a report states in words: the template-era prose checked against the tables (S4–S7), and the
prose and statistics tables of reports before the 2019 format, which have nothing else.

Modules: `figure` (the figure, its kinds, conflicts), `numbers` (digits, 万, Chinese numerals),
`segmenter` (the jieba tokenizer), `template_era`, `early` (prose before 2019), `statistics_table`.
"""

from pipeline.narrative.figure import KINDS, PROSE, STATISTICS_TABLE, NarrativeFigure
from pipeline.narrative.segmenter import DOMAIN_DICTIONARY, REGION_DICTIONARY, tokenizer
from pipeline.narrative.template_era import figures, period_year, report_figures, stated_parts

__all__ = [
    "DOMAIN_DICTIONARY",
    "KINDS",
    "PROSE",
    "REGION_DICTIONARY",
    "STATISTICS_TABLE",
    "NarrativeFigure",
    "figures",
    "period_year",
    "report_figures",
    "stated_parts",
    "tokenizer",
]
