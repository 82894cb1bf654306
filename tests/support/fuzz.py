"""Round-trip fuzzing: random valid reports, rendered with real-world quirks, parsed back cell by cell.

`generate(seed)` makes a report in the expected-JSON shape whose numbers satisfy every hard rule of
spec §4 (H1–H6, D1–D4), with blanks only where the spec allows them. `run_case(seed)` renders it as
text, HTML, DOCX and (sampled) PDF with quirks drawn from spec §5 and Appendix B (`render_case`, over
`tests.support.render`), reads each rendering back through the pipeline's own path (`check_rendering`:
`sniff` + `ingest.process`) and compares every cell, value and blank-versus-zero alike (`compare`).
Everything is derived from the seed, so a failure is reproduced with
`python -m tests.support.fuzz --seed N --format F --dump DIR`.

Degraded renderings (`render_degraded`, over `tests.support.degrade`) are what the world makes of a
publication: a crawler's flattened text, group labels down narrow columns, converters' torn tables,
lying headers, abbreviated agency names. Each case draws one from its seed (the pseudo-format
`degraded`), or `--format flatten` (any name of `degrade.DEGRADATIONS`) asks for that one. They are
scored apart (`check_degraded`): a number where another or none was expected is wrong, as everywhere,
but a cell left NULL where a number was expected is a miss, counted as the share of cells left NULL.

Scanned renderings (the pseudo-format `scanned`, `tests/support/scans.py`) are the case printed to PDF and
scanned: an image-only PDF, a garbled font map, a scan under a garbled OCR layer or the report as one
image, for a `scan_fraction` of the cases (OCR costs seconds a page). Scored as degradations, except that
a quarantine (a scan the pipeline cannot read yet) is every cell missed, not a crash (`check_scanned`).

    python -m tests.support.fuzz --cases 10000 --out fuzz/RESULTS.md    # the long profile (make fuzz-long)
"""

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.catalogue import (
    APPLICANT_COLUMNS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    TEMPLATE_2019,
    TEMPLATE_2021,
    TEMPLATE_2021_23ROW,
    TEMPLATES,
)
from pipeline.normalise import label_key
from pipeline.settings import PROJECT_ROOT, Settings
from tests.support import degrade, render

Numbers = dict[str, Any]
Key = tuple[str, str, str]  # (table, row, column); ("meta", "agency", "") for the report's identity

FORMATS = ("text", "html", "docx", "pdf")
DEFAULT_FORMATS = ("text", "html", "docx")
DEGRADED = "degraded"  # pseudo-format: the degradation drawn from the case's seed
SCANNED = "scanned"  # pseudo-format: the case printed to PDF and scanned (tests/support/scans.py), for a sampled share
DEGRADATIONS = degrade.DEGRADATIONS
# How often each degradation is drawn for a case (the PDF-based ones cost a LibreOffice run, 2-4 s)
DEGRADATION_WEIGHTS = {
    "flatten": 3,
    "vertical_labels": 2,
    "torn_table": 2,
    "lying_header": 1.5,
    "abbreviated_name": 1.5,
}
TEMPLATE_DOCX = PROJECT_ROOT.parent / "shared" / "fixtures" / "real" / "政务公开年报模版.docx"
_SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
_CELL_TABLES = ("proactive", "applications", "review_litigation")

# ---------------------------------------------------------------------------------------------------
# Generation: numbers that satisfy the hard rules by construction

_PLACES = (
    "周口市", "信阳市", "聊城市", "卫辉市", "淮北市", "淮安市", "平潭县", "沭阳县", "杭州市西湖区", "福州市",
    "新乡市", "东莞市", "昆明市", "菏泽市", "淄博市", "腾冲市", "登封市", "哈密市", "济源市", "仙桃市",
    "石河子市", "河南省", "江苏省", "浙江省", "上海市", "重庆市渝中区", "亳州市", "阿克苏地区", "那曲市",
)  # fmt: skip
_BODIES = (
    "公安局", "人民政府", "人民政府办公室", "自然资源和规划局", "生态环境局", "教育局", "财政局",
    "卫生健康委员会", "市场监督管理局", "交通运输局", "住房和城乡建设局", "司法局", "民政局", "退役军人事务局",
    "发展和改革委员会", "农业农村局", "应急管理局", "审计局", "人力资源和社会保障局", "医疗保障局",
)  # fmt: skip
_APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS)
_PEOPLE = _APPLICANT_KEYS[:6]  # natural_person and the five organisation columns; total is their sum


def _count(rng: random.Random, scale: int) -> int:
    """A count of roughly `scale`: agencies range from all-zero tables to tens of thousands."""
    return rng.randint(0, scale) if scale else 0


def _proactive(rng: random.Random, template: str) -> dict[str, dict[str, float | None]]:
    """Section 二: counts >= 0 (D1), the fee in 万元 with at most 4 decimals (D2), 2019 signed changes
    that never take an item count below zero (D3, H6)."""
    out: dict[str, dict[str, float | None]] = {}
    for item in TEMPLATES[template].proactive:
        cols = item.columns
        if item.kind == "amount_10k_yuan":  # D2: a decimal >= 0 with at most 4 decimals, in 万元
            decimals = rng.choice((0, 0, 1, 2, 2, 4))
            units = _count(rng, 10 ** rng.randint(0, 9))
            out[item.key] = {cols[0]: units / 10**decimals}
        elif item.kind == "signed":  # 2019 (五)(六)(八): previous items, signed change, decisions
            previous = _count(rng, rng.choice((0, 20, 300)))
            change = rng.randint(-previous, previous // 2 + 5)  # H6: previous + change >= 0
            values = {
                "previous_year_items": previous,
                "change": change,
                "decisions": _count(rng, 10 ** rng.randint(0, 6)),
            }
            out[item.key] = {c: values[c] for c in cols}
        elif item.kind == "as_printed":  # 2019 (九) procurement: items and an amount as printed
            out[item.key] = {"items": _count(rng, 200), "amount": _count(rng, 10 ** rng.randint(0, 8))}
        elif len(cols) == 3:  # documents: made/repealed (or published) this year, and the stock
            first, second = _count(rng, rng.choice((0, 3, 40))), _count(rng, rng.choice((0, 3, 40)))
            out[item.key] = dict(zip(cols, (first, second, first + _count(rng, 300)), strict=True))
        else:
            out[item.key] = {cols[0]: _count(rng, 10 ** rng.randint(0, 6))}
    if rng.random() < 0.2:  # S3: bodies without rule-making power print 规章 as "/ / /" (spec §4.2 D4)
        out["regulations"] = dict.fromkeys(out["regulations"])
    return out


def _applications(rng: random.Random, template: str) -> dict[str, dict[str, float | None]]:
    """Section 三 column by column: received + carried = handled + pending (H1), handled = the sum of
    the result leaves (H3), and the 总计 column the sum of the six applicant columns (H2)."""
    rows = TEMPLATES[template].application_rows
    leaves = [r.key for r in rows if r.is_leaf]
    table: dict[str, dict[str, float | None]] = {r.key: {} for r in rows}
    scale = rng.choice((0, 3, 10, 60, 400, 5000))
    lacks_other = rng.random() < 0.04  # seed 003: a table printed without its 其他 column (absent, not 0)
    for col in _PEOPLE:
        active = col == "natural_person" or (rng.random() < 0.3 and not (lacks_other and col == "other"))
        received = _count(rng, scale if col == "natural_person" else scale // 4 + 1) if active else 0
        carried = _count(rng, scale // 5) if active and rng.random() < 0.4 else 0
        pending = rng.randint(0, received + carried) if rng.random() < 0.4 else 0
        handled = received + carried - pending
        split = dict.fromkeys(leaves, 0)
        used = rng.sample(leaves, rng.randint(1, min(6, len(leaves))))
        cuts = sorted(rng.randint(0, handled) for _ in range(len(used) - 1))
        for leaf, lo, hi in zip(used, [0, *cuts], [*cuts, handled], strict=True):
            split[leaf] = hi - lo
        column = {"1": received, "2": carried, "3.7": handled, "4": pending, **split}
        for key, value in column.items():
            table[key][col] = value
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in _PEOPLE)  # type: ignore[misc]
        if lacks_other:
            cells["other"] = None
    return table


def _review(rng: random.Random) -> dict[str, dict[str, float | None]]:
    """Section 四: each block's 总计 is the sum of its four results (H4)."""
    out: dict[str, dict[str, float | None]] = {}
    for block in REVIEW_BLOCKS:
        scale = rng.choice((0, 0, 3, 20))
        parts = {c.key: _count(rng, scale) for c in REVIEW_COLUMNS[:4]}
        out[block.key] = {**parts, "total": sum(parts.values())}  # H4
    return out


def _blank_out(rng: random.Random, numbers: Numbers) -> None:
    """Blanks where real reports print them (D4): zeros left blank (Shanghai 2019 used blanks for
    zeros) and, in some reports, the whole 总计 column of the result rows left blank."""
    if rng.random() < 0.1:
        rate = rng.choice((0.2, 0.6, 1.0))
        for table in _CELL_TABLES:
            for cells in numbers[table].values():
                for col, value in cells.items():
                    if value == 0 and rng.random() < rate:
                        cells[col] = None
    if rng.random() < 0.05:
        for row in TEMPLATES[numbers["template"]].leaves:
            numbers["applications"][row.key]["total"] = None


def generate(seed: int) -> Numbers:
    """A random valid report in the expected-JSON shape (fixtures/README.md), reproducible from `seed`."""
    rng = random.Random(seed)
    template = rng.choices((TEMPLATE_2021, TEMPLATE_2021_23ROW, TEMPLATE_2019), weights=(6, 2, 2))[0]
    year = rng.choice((2019, 2020)) if template == TEMPLATE_2019 else rng.randint(2021, 2025)
    numbers: Numbers = {
        "file": f"fuzz_{seed}",
        "agency": rng.choice(_PLACES) + rng.choice(_BODIES),
        "year": year,
        "template": template,
        "proactive": _proactive(rng, template),
        "applications": _applications(rng, template),
        "review_litigation": _review(rng),
    }
    _blank_out(rng, numbers)
    return numbers


def hard_rule_violations(numbers: Numbers) -> list[str]:
    """H1–H6 and D1–D3 of spec §4 on an expected-JSON report. A rule that touches a blank is not
    assessable (D4) and is skipped, never counted as a pass by coercing the blank to 0."""
    found: list[str] = []
    apps, template = numbers["applications"], TEMPLATES[numbers["template"]]
    leaves = [r.key for r in template.leaves]
    for col in _APPLICANT_KEYS:
        h1 = [apps[k][col] for k in ("1", "2", "3.7", "4")]
        if None not in h1 and h1[0] + h1[1] != h1[2] + h1[3]:
            found.append(f"H1 {col}")
        h3 = [apps[k][col] for k in leaves]
        if None not in h3 and apps["3.7"][col] is not None and sum(h3) != apps["3.7"][col]:
            found.append(f"H3 {col}")
        if None not in h1 and (h1[3] > h1[0] + h1[1] or h1[2] > h1[0] + h1[1]):
            found.append(f"H5 {col}")
    for key, cells in apps.items():
        parts = [cells[c] for c in _PEOPLE]
        if None not in parts and cells["total"] is not None and sum(parts) != cells["total"]:
            found.append(f"H2 {key}")
    for block, cells in numbers["review_litigation"].items():
        parts = [cells[c.key] for c in REVIEW_COLUMNS[:4]]
        if None not in parts and cells["total"] is not None and sum(parts) != cells["total"]:
            found.append(f"H4 {block}")
    for item in template.proactive:
        cells = numbers["proactive"][item.key]
        if item.kind == "signed" and None not in (cells["previous_year_items"], cells["change"]):
            if cells["previous_year_items"] + cells["change"] < 0:
                found.append(f"H6 {item.key}")
        for col, value in cells.items():
            kind = item.column_kind(col)
            if value is None or kind == "as_printed":
                continue
            if kind == "amount_10k_yuan" and (value < 0 or round(value, 4) != value):
                found.append(f"D2 {item.key}")
            elif kind == "signed" and value != int(value):
                found.append(f"D3 {item.key}.{col}")
            elif kind == "count" and (value < 0 or value != int(value)):
                found.append(f"D1 {item.key}.{col}")
    for table in ("applications", "review_litigation"):
        for row, cells in numbers[table].items():
            for col, value in cells.items():
                if value is not None and (value < 0 or value != int(value)):
                    found.append(f"D1 {table}.{row}.{col}")
    return found


def expected_cells(numbers: Numbers) -> dict[Key, Any]:
    """Every cell of the report, plus its identity (agency, year, template) as `meta` pseudo-cells."""
    cells: dict[Key, Any] = {
        (table, row, col): value
        for table in _CELL_TABLES
        for row, cols in numbers[table].items()
        for col, value in cols.items()
    }
    cells |= {("meta", k, ""): numbers[k] for k in ("agency", "year", "template")}
    return cells


# ---------------------------------------------------------------------------------------------------
# Quirks: each rendering draws its own from Random(f"{seed}/{format}")

_MARKS = ("/", "/", "—", "-", "——", "／", "－", "\\")  # printed for a blank in a text dump (spec §5.4)


def random_style(rng: random.Random, blank_marks: Sequence[str]) -> render.CellStyle:
    """How the values print; `blank_marks` are what a blank may print as (a text dump needs a mark)."""
    return render.CellStyle(
        blank=rng.choice(blank_marks),
        thousands=rng.random() < 0.2,
        fullwidth=rng.random() < 0.15,
        plus_sign=rng.random() < 0.5,
        units=rng.random() < 0.3,
        annotate=rng.random() < 0.1,
        pad=rng.choice(("\u00a0", "\u3000", " ", "\u200b")) if rng.random() < 0.15 else "",
    )


def random_text_options(
    rng: random.Random, numbers: Numbers, layouts: Sequence[str] = render.TEXT_LAYOUTS
) -> render.TextOptions:
    """A text dump's layout and quirks; some depend on the report (a missing column needs no values)."""
    layout = rng.choice(layouts)
    # A table without its 其他 column only when the report has no value there (seed 003)
    lacks_other = all(cells["other"] is None for cells in numbers["applications"].values())
    # Typos only where the spec's edit-distance matching can apply: labels of 6 characters and more
    typo_candidates = [
        r.key
        for r in TEMPLATES[numbers["template"]].application_rows
        if len(label_key(r.label)) >= 6 and render.typo(r.label) != r.label
    ]
    page_rows = rng.choice((0, 7, 12, 16)) if layout == "markdown" else 0
    return render.TextOptions(
        layout=layout,
        style=random_style(rng, _MARKS),
        title_form=rng.randrange(render.TITLE_FORMS),
        title_after_heading=rng.random() < 0.2,
        preamble=rng.random() < 0.3,
        wrap_labels=rng.choice((0, 0, 4, 7, 10, 16)) if layout != "markdown" else 0,
        radicals=rng.random() < 0.25,
        social_org_alias=rng.random() < 0.2,
        fee_decimals_note=rng.random() < 0.3,
        spaced_review_header=rng.random() < 0.3,
        numbered_headers=rng.random() < 0.1,
        headings=rng.choice(render.HEADING_STYLES) if rng.random() < 0.5 else "canonical",
        tables_last=rng.random() < 0.15,
        title_twice=rng.random() < 0.15,
        spaced_labels=rng.random() < 0.1,
        glue_values=layout == "space" and rng.random() < 0.3,
        fullwidth_digits=rng.random() < 0.08,
        typo_rows=tuple(rng.sample(typo_candidates, rng.randint(1, 2))) if rng.random() < 0.1 else (),
        page_rows=page_rows,
        split_label_at_break=bool(page_rows) and rng.random() < 0.5,
        blank_lines=rng.random() < 0.3,
        script=rng.choice(("s2t", "s2tw", "s2twp", "s2hk")) if rng.random() < 0.08 else "",
        glosses=rng.random() < 0.08,
        omit_other_column=lacks_other and rng.random() < 0.7,
        newline="\r\n" if rng.random() < 0.2 else "\n",
        encoding=rng.choice(render.TEXT_ENCODINGS),
    )


@dataclass(frozen=True)
class Rendering:
    fmt: str  # a format, or a degraded rendering's recipe ("flatten+abbreviated_name")
    data: bytes
    quirks: str  # the options that differ from the defaults, for the failure message
    options: tuple[Any, ...] = ()  # the option objects drawn (TextOptions, CellStyle), for coverage checks
    reads_as: str = ""  # the format the pipeline must sniff (a degraded rendering's; else `fmt`)
    numbers: Numbers | None = None  # what a degraded rendering prints, where it differs from the case's
    identity: degrade.Identity | None = None  # abbreviated_name: the agency as printed and what it stands for
    suffix: str = ""  # the file name's extension where the format does not say it (a scanned image: .jpg, .png)

    @property
    def format(self) -> str:
        return self.reads_as or self.fmt


def describe(options: Any) -> str:
    """The fields of an options dataclass that differ from its defaults, compactly."""
    default = type(options)()
    parts = []
    for f in dataclasses.fields(options):
        value, base = getattr(options, f.name), getattr(default, f.name)
        if value == base:
            continue
        parts.append(f"{f.name}=({describe(value)})" if dataclasses.is_dataclass(value) else f"{f.name}={value!r}")
    return " ".join(parts)


def render_case(numbers: Numbers, seed: int, fmt: str) -> Rendering:
    """The report in one format, with quirks drawn from the seed and the format (reproducible)."""
    rng = random.Random(f"{seed}/{fmt}")
    if fmt == "text":
        options = random_text_options(rng, numbers)
        return Rendering(fmt, render.render_text(numbers, options), describe(options), (options, options.style))
    if fmt == "html":
        if rng.random() < 0.15:  # the site flattened the tables into paragraphs (markdown is a dump's, not a site's)
            options = random_text_options(rng, numbers, ("space", "tab", "cells"))
            encoding = rng.choice(("utf-8", "gb18030"))
            page = render.render_flat_html(numbers, options, encoding, rng.random() < 0.5)
            return Rendering(fmt, page, f"flat encoding={encoding} {describe(options)}", (options, options.style))
        encoding, declared = rng.choice((("utf-8", True), ("utf-8", False), ("gbk", False), ("gbk", True)))
        style = random_style(rng, ("", "", "/", "—"))
        split = rng.random() < 0.15
        layout = render.HtmlLayout(
            headings=rng.choice(render.HEADING_STYLES) if rng.random() < 0.5 else "canonical",
            title_form=rng.randrange(render.TITLE_FORMS),
            layout_table=rng.random() < 0.2,
            header_cells=rng.random() < 0.3,
            repeat_labels=split or rng.random() < 0.2,
            split_applications=rng.randint(3, 20) if split else 0,
            script=rng.choice(("s2t", "s2tw", "s2hk")) if rng.random() < 0.08 else "",
        )
        if layout.script:  # a Big5 gateway copy declares its charset
            encoding, declared = "big5", True
        page = render.render_html(numbers, encoding, declared, style, layout)
        quirks = f"encoding={encoding} declared={declared} {describe(style)} {describe(layout)}"
        return Rendering(fmt, page, quirks, (style, layout))
    if fmt == "pdf" and rng.random() < 0.3:  # a text dump printed to PDF: no ruling lines, the text layer only
        options = random_text_options(rng, numbers, ("space", "tab"))
        # Printed, a long row wraps at the margin, and full-width digits (CJK for line breaking) may wrap
        # inside a number: "１" ending one line and "８" starting the next is two values to any reader
        # of a text layer without cells. ASCII digits never break, so printed dumps keep them.
        style = dataclasses.replace(options.style, fullwidth=False)
        options = dataclasses.replace(options, style=style, fullwidth_digits=False, encoding="utf-8", newline="\n")
        pdf = render.convert_to_pdf(render.render_text(numbers, options), ".txt")
        return Rendering(fmt, pdf, f"from text {describe(options)}", (options, options.style))
    if fmt in ("docx", "pdf"):
        style = random_style(rng, ("", "", "/", "—"))
        title_form = rng.randrange(render.TITLE_FORMS)
        docx = render.render_docx(numbers, TEMPLATE_DOCX, style, title_form)
        quirks = f"title_form={title_form} {describe(style)}"
        if fmt == "docx":
            return Rendering(fmt, docx, quirks, (style,))
        return Rendering(fmt, render.convert_to_pdf(docx, ".docx"), "from docx " + quirks, (style,))
    raise ValueError(f"unknown format {fmt!r}")


def formats_for(numbers: Numbers, seed: int, formats: Sequence[str], pdf_fraction: float) -> list[str]:
    """The formats a case is rendered in: DOCX and PDF need the 2021-format official template, and PDF
    (LibreOffice, 1–2 s each) is only rendered for a sampled fraction of the cases."""
    chosen = []
    for fmt in formats:
        if fmt not in FORMATS:  # a degradation, or `degraded`: see degradations_for
            continue
        if fmt in ("docx", "pdf") and (numbers["template"] == TEMPLATE_2019 or not TEMPLATE_DOCX.exists()):
            continue
        if fmt == "pdf" and (render.soffice() is None or random.Random(f"{seed}/sample").random() >= pdf_fraction):
            continue
        chosen.append(fmt)
    return chosen


# ---------------------------------------------------------------------------------------------------
# Degraded renderings: what crawlers, converters, copyists and people make of a publication


def degradations_available() -> dict[str, str]:
    """The degradations this machine can make, and for each that it cannot, why."""
    return {name: why for name in DEGRADATIONS if (why := degrade.missing_tools(name))}


def primary_degradation(seed: int, available: Sequence[str] = DEGRADATIONS) -> str | None:
    """The degradation case `seed` draws (among those available here), for the pseudo-format `degraded`."""
    names = [n for n in DEGRADATIONS if n in available]
    if not names:
        return None
    return random.Random(f"{seed}/degrade").choices(names, [DEGRADATION_WEIGHTS[n] for n in names])[0]


def degradation_recipe(seed: int, primary: str) -> tuple[str, ...]:
    """`primary`, sometimes with a lying header or an abbreviated name on top (both happen to crawled
    and converted reports alike)."""
    rng = random.Random(f"{seed}/degrade/{primary}/recipe")
    recipe = [primary]
    if primary in ("flatten", "vertical_labels", "torn_table") and rng.random() < 0.2:
        recipe.append("lying_header")
    if primary != "abbreviated_name" and rng.random() < 0.2:
        recipe.append("abbreviated_name")
    return tuple(recipe)


def _degradable_html(numbers: Numbers, rng: random.Random, merged_labels: bool, traditional: bool) -> tuple[bytes, str]:
    """A table page (UTF-8) to degrade, with the cell and layout quirks of `render_case`. `merged_labels`:
    group labels in rowspan cells (vertical_labels narrows them); `traditional`: a Big5-gateway copy may be
    drawn (a degradation that finds labels by text must not get one)."""
    style = random_style(rng, ("", "", "/", "—"))
    split = not merged_labels and rng.random() < 0.15
    layout = render.HtmlLayout(
        headings=rng.choice(render.HEADING_STYLES) if rng.random() < 0.5 else "canonical",
        title_form=rng.randrange(render.TITLE_FORMS),
        layout_table=rng.random() < 0.2,
        header_cells=rng.random() < 0.3,
        repeat_labels=not merged_labels and (split or rng.random() < 0.2),
        split_applications=rng.randint(3, 20) if split else 0,
        script=rng.choice(("s2t", "s2tw", "s2hk")) if traditional and rng.random() < 0.08 else "",
    )
    return render.render_html(numbers, "utf-8", True, style, layout), f"html {describe(style)} {describe(layout)}"


def render_degraded(numbers: Numbers, seed: int, primary: str) -> Rendering:
    """Case `seed` degraded by `primary` (and what `degradation_recipe` adds), reproducibly from the seed.
    The rendering's `fmt` is the recipe, `reads_as` the format the pipeline reads it as."""
    if primary not in DEGRADATIONS:
        raise ValueError(f"unknown degradation {primary!r}; one of {DEGRADATIONS}")
    recipe = degradation_recipe(seed, primary)
    rng = random.Random(f"{seed}/degrade/{primary}")
    steps: list[str] = []
    identity = None
    if "abbreviated_name" in recipe:
        numbers, identity = degrade.abbreviated_name(numbers, rng)
        steps.append(f"abbreviated_name printed={identity.printed!r} for {identity.full!r}")
    lie = "lying_header" in recipe
    office = numbers["template"] != TEMPLATE_2019 and TEMPLATE_DOCX.exists()

    def docx_source() -> bytes:
        style = random_style(rng, ("", "", "/", "—"))
        title_form = rng.randrange(render.TITLE_FORMS)
        steps.append(f"docx title_form={title_form} {describe(style)}".strip())
        return render.render_docx(numbers, TEMPLATE_DOCX, style, title_form)

    def html_source(merged_labels: bool = False) -> bytes:
        page, quirks = _degradable_html(numbers, rng, merged_labels, traditional=not lie and not merged_labels)
        steps.append(quirks.strip())
        return page

    def lied(data: bytes, fmt: str) -> bytes:
        if not lie:
            return data
        out = degrade.lying_header(data, fmt, rng)
        steps.append(out.quirks)
        return out.data

    if primary == "abbreviated_name":
        fmt = rng.choice(("text", "html", "docx") if office else ("text", "html"))
        base = render_case(numbers, seed, fmt)
        out = degrade.Output(base.data, fmt, f"abbreviated_name({fmt}) {base.quirks}".strip())
    elif primary == "lying_header":
        fmt = rng.choice(("html", "docx") if office else ("html",))
        out = degrade.lying_header(docx_source() if fmt == "docx" else html_source(), fmt, rng)
    elif primary == "flatten":
        out = degrade.flatten(lied(html_source(), "html"), rng)
    elif primary == "vertical_labels":
        out = degrade.vertical_labels(lied(html_source(merged_labels=True), "html"), rng)
    else:  # torn_table: a DOCX converted as it is or printed to PDF, or a page printed to PDF
        fmt = rng.choice(("docx", "docx", "html") if office else ("html",))
        source = docx_source() if fmt == "docx" else html_source()
        out = degrade.torn_table(lied(source, fmt), fmt, rng)
    steps.append(out.quirks)
    return Rendering("+".join(recipe), out.data, "; ".join(steps), (), out.reads_as, numbers, identity)


# ---------------------------------------------------------------------------------------------------
# Round trip and comparison


@dataclass(frozen=True)
class Failure:
    seed: int
    fmt: str  # the format, or a degraded rendering's recipe
    kind: str  # "cell" (a wrong value) or "crash" (an exception or a quarantine)
    key: Key | None
    expected: Any = None
    got: Any = None
    detail: str = ""
    quirks: str = ""

    def __str__(self) -> str:
        where = f"seed={self.seed} format={self.fmt}"
        if self.kind == "crash":
            return f"{where} CRASH {self.detail} [{self.quirks}]"
        cell = ".".join(k for k in self.key or () if k)
        return f"{where} {cell}: expected {self.expected!r}, got {self.got!r} {self.detail} [{self.quirks}]"


def compare(numbers: Numbers, report: Any) -> list[tuple[Key, Any, Any, str]]:
    """Every cell that differs between the expected numbers and a parsed report: (key, expected, got,
    detail). None and 0 differ: a blank read as zero is as wrong as a zero read as blank (D4)."""
    got: dict[Key, Any] = {(c.table, c.row_key, c.col_key): c for c in report.cells}
    got_meta = {"agency": report.agency, "year": report.year, "template": report.template}
    wrong = []
    for key, want in expected_cells(numbers).items():
        if key[0] == "meta":
            have = got_meta[key[1]]
            if have != want:
                wrong.append((key, want, have, ""))
            continue
        cell = got.pop(key, None)
        have = cell.value if cell is not None else "<missing>"
        if (have is None) != (want is None) or have != want:  # 0 == 0.0, but None != 0
            detail = f"(raw {cell.raw!r}, {cell.semantic})" if cell is not None else ""
            wrong.append((key, want, have, detail))
    for key, cell in got.items():  # cells the template does not have
        wrong.append((key, "<absent>", cell.value, f"(raw {cell.raw!r}, {cell.semantic})"))
    return wrong


Diff = tuple[Key, Any, Any, str]  # (key, expected, got, detail)


def split_misses(
    numbers: Numbers, report: Any, identity: degrade.Identity | None = None
) -> tuple[list[Diff], list[Key]]:
    """`compare` for a degraded rendering: (wrong, missed). A cell read back NULL (or not at all) where a
    value was expected is a miss; a value where another or none was expected is wrong, and so is a NULL
    read as 0 or a blank read as a value. A cell the template lacks is wrong only if it holds a value.
    With an `identity` (abbreviated_name), the agency's kind and normalised name must be those of the full
    name, or left as printed (a miss: 交运局 kept as the kind); another expansion is wrong."""
    wrong: list[Diff] = []
    missed: list[Key] = []
    for key, want, have, detail in compare(numbers, report):
        if (want == "<absent>" and have is None) or (want is None and have == "<missing>"):
            continue  # nothing expected and nothing read
        if want is not None and want != "<absent>" and (have is None or have == "<missing>"):
            missed.append(key)
        else:
            wrong.append((key, want, have, detail))
    if identity is not None:
        from pipeline import agency

        info = report.agency_info
        printed, short = identity.printed, identity.short_kind
        # (field, expected, left as printed: the short kind kept, alone or with the printed region)
        checks = [("agency_kind", identity.kind, lambda have: printed.endswith(have))]
        if identity.region_printed == identity.region:  # the region in full: the normalised name is known
            full = agency.resolve(identity.full).normalised
            checks.append(("agency_normalised", full, lambda have: have.endswith(short)))
        for field_name, want, as_printed in checks:
            have = getattr(info, field_name.removeprefix("agency_"), None) if info is not None else None
            key = ("meta", field_name, "")
            if have == want:
                continue
            if have is None or as_printed(have):
                missed.append(key)
            else:
                wrong.append((key, want, have, f"(printed {printed!r})"))
    return wrong, missed


def _crash(seed: int, fmt: str, stage: str, exc: BaseException, quirks: str = "") -> Failure:
    return Failure(seed, fmt, "crash", None, detail=f"{stage}: {type(exc).__name__}: {exc}", quirks=quirks)


def read_back(seed: int, rendering: Rendering, workdir: Path) -> tuple[Any, list[Failure]]:
    """Read one rendering the way the pipeline reads a raw file (sniff, then ingest.process, which parses
    and builds the warehouse frames): (the parsed report, []) or (None, [the crash]). A sniff to the wrong
    format, a quarantine or an exception is a crash."""
    from pipeline import ingest
    from pipeline.sniff import sniff

    fmt, quirks = rendering.fmt, rendering.quirks
    path = workdir / f"fuzz_{seed}{rendering.suffix or _SUFFIX[rendering.format]}"
    path.write_bytes(rendering.data)
    settings = Settings(raw_dir=workdir, warehouse=workdir / "unused.duckdb")
    try:
        source = sniff(path, settings)
        if source.format != rendering.format:
            detail = f"sniffed as {source.format} ({source.reason_code}: {source.reason})"
            return None, [Failure(seed, fmt, "crash", None, detail=detail, quirks=quirks)]
        outcome = ingest.process(source, settings)
    except Exception as exc:  # the pipeline promises not to raise for a bad file, so this is a bug too
        return None, [_crash(seed, fmt, "pipeline", exc, quirks)]
    finally:
        path.unlink(missing_ok=True)
    if outcome.reason_code is not None or outcome.report is None:
        detail = f"quarantined as {outcome.reason_code}: {outcome.reason}"
        return None, [Failure(seed, fmt, "crash", None, detail=detail, quirks=quirks)]
    return outcome.report, []


def check_rendering(numbers: Numbers, seed: int, rendering: Rendering, workdir: Path) -> list[Failure]:
    """Read one rendering back and compare every cell, strictly: any difference is a failure."""
    report, crashed = read_back(seed, rendering, workdir)
    if report is None:
        return crashed
    return [
        Failure(seed, rendering.fmt, "cell", key, want, have, detail, rendering.quirks)
        for key, want, have, detail in compare(numbers, report)
    ]


@dataclass
class DegradedOutcome:
    """One degraded rendering read back: its recipe, how it was made, and what came back."""

    recipe: str  # "flatten+abbreviated_name"
    route: str  # the primary degradation and its tool or style ("torn_table markitdown(docx)")
    values: int  # expected cells holding a value (identity fields included)
    missed: int  # of those, read back NULL
    wrong: int
    crashed: bool
    seconds: float = 0.0


def check_degraded(
    numbers: Numbers, seed: int, rendering: Rendering, workdir: Path
) -> tuple[DegradedOutcome, list[Failure]]:
    """Read a degraded rendering back: wrong values and crashes are failures, NULLs are counted misses."""
    numbers = rendering.numbers or numbers
    report, crashed = read_back(seed, rendering, workdir)
    identity = rendering.identity
    named = 0 if identity is None else 1 + (identity.region_printed == identity.region)  # kind (, normalised)
    values = sum(v is not None for v in expected_cells(numbers).values()) + named
    route = _route(rendering)
    if report is None:
        return DegradedOutcome(rendering.fmt, route, values, values, 0, True), crashed
    wrong, missed = split_misses(numbers, report, rendering.identity)
    failures = [Failure(seed, rendering.fmt, "cell", *diff[:3], diff[3], rendering.quirks) for diff in wrong]
    return DegradedOutcome(rendering.fmt, route, values, len(missed), len(wrong), False), failures


def render_scanned(numbers: Numbers, seed: int) -> Rendering:
    """Case `seed` printed to PDF (the filled official DOCX, or the HTML page for the 2019 format) and
    scanned as one output of `scans.SCANNED_OUTPUTS` drawn from the seed."""
    from tests.support import scans

    rng = random.Random(f"{seed}/scanned")
    if numbers["template"] != TEMPLATE_2019 and TEMPLATE_DOCX.exists():
        pdf, source = render.convert_to_pdf(render.render_docx(numbers, TEMPLATE_DOCX), ".docx"), "docx->pdf"
    else:
        pdf, source = render.convert_to_pdf(render.render_html(numbers), ".html"), "html->pdf"
    out = scans.scanned(pdf, rng)
    return Rendering(SCANNED, out.data, f"{source}; {out.quirks}", (), out.reads_as, suffix=out.suffix)


def scans_available() -> str | None:
    """Why scanned renderings cannot be made here (they are printed by LibreOffice), or None."""
    return None if render.soffice() is not None else "scanned needs LibreOffice (soffice): `make test` installs it"


def check_scanned(
    numbers: Numbers, seed: int, rendering: Rendering, workdir: Path
) -> tuple[DegradedOutcome, list[Failure]]:
    """`check_degraded` for a scanned rendering: a quarantine (no text layer and no OCR, nothing read) is
    every cell missed, not a crash; a reader's exception (read_error) or the wrong format still is one."""
    outcome, failures = check_degraded(numbers, seed, rendering, workdir)
    if outcome.crashed and len(failures) == 1 and failures[0].detail.startswith("quarantined as "):
        if not failures[0].detail.startswith("quarantined as read_error"):
            outcome.crashed = False
            return outcome, []
    return outcome, failures


def _route(rendering: Rendering) -> str:
    """The primary degradation and how it was made (the last step of the quirks): "flatten(glued)",
    "torn_table(docx->pdf markitdown)", "vertical_labels(pdf)", "lying_header(docx)"."""
    return degrade.route_of(rendering.quirks.rsplit("; ", 1)[-1])


@dataclass
class CaseResult:
    seed: int
    template: str
    formats: tuple[str, ...]  # the formats rendered (degraded renderings are in `degraded`)
    cells: int  # cells compared per rendering
    failures: list[Failure]
    seconds: dict[str, float]
    degraded: list[DegradedOutcome] = field(default_factory=list)


def degradations_for(seed: int, formats: Sequence[str], available: Sequence[str]) -> list[str]:
    """The degradations case `seed` is rendered with: those named in `formats` and, for `degraded`, the
    one its seed draws; only those this machine can make (`degradations_available`)."""
    chosen = [f for f in formats if f in DEGRADATIONS and f in available]
    if DEGRADED in formats:
        drawn = primary_degradation(seed, available)
        if drawn is not None and drawn not in chosen:
            chosen.append(drawn)
    return chosen


def run_case(
    seed: int,
    formats: Sequence[str] = DEFAULT_FORMATS,
    pdf_fraction: float = 0.0,
    degrade_fraction: float = 1.0,
    scan_fraction: float = 1.0,
) -> CaseResult:
    """Generate case `seed`, render it in each format and read every rendering back. Degradations named in
    `formats` (or `degraded`: the seed's draw) are rendered for a `degrade_fraction` of the cases, and with
    `scanned` in `formats`, a scan for a `scan_fraction` of them."""
    numbers = generate(seed)
    chosen = formats_for(numbers, seed, formats, pdf_fraction)
    failures: list[Failure] = []
    seconds: dict[str, float] = {}
    degraded: list[DegradedOutcome] = []
    with tempfile.TemporaryDirectory(prefix="xxgk-fuzz-") as tmp:
        for fmt in chosen:
            started = time.perf_counter()
            try:
                rendering = render_case(numbers, seed, fmt)
            except Exception as exc:  # a generator or renderer bug: counted, never hidden
                failures.append(_crash(seed, fmt, "render", exc))
            else:
                failures += check_rendering(numbers, seed, rendering, Path(tmp))
            seconds[fmt] = time.perf_counter() - started
        sampled = random.Random(f"{seed}/degrade-sample").random() < degrade_fraction
        unavailable = degradations_available() if sampled else {}
        available = [d for d in DEGRADATIONS if d not in unavailable]
        for primary in degradations_for(seed, formats, available) if sampled else ():
            started = time.perf_counter()
            try:
                rendering = render_degraded(numbers, seed, primary)
            except Exception as exc:  # a degradation bug: counted, never hidden
                recipe = "+".join(degradation_recipe(seed, primary))
                failures.append(_crash(seed, recipe, "degrade", exc))
                degraded.append(DegradedOutcome(recipe, primary, 0, 0, 0, True))
                continue
            outcome, found = check_degraded(numbers, seed, rendering, Path(tmp))
            outcome.seconds = time.perf_counter() - started
            degraded.append(outcome)
            failures += found
        if SCANNED in formats and random.Random(f"{seed}/scan-sample").random() < scan_fraction:
            if scans_available() is None:
                started = time.perf_counter()
                try:
                    rendering = render_scanned(numbers, seed)
                except Exception as exc:  # a scan-making bug: counted, never hidden
                    failures.append(_crash(seed, SCANNED, "scan", exc))
                    degraded.append(DegradedOutcome(SCANNED, SCANNED, 0, 0, 0, True))
                else:
                    outcome, found = check_scanned(numbers, seed, rendering, Path(tmp))
                    outcome.seconds = time.perf_counter() - started
                    degraded.append(outcome)
                    failures += found
    return CaseResult(
        seed, numbers["template"], tuple(chosen), len(expected_cells(numbers)), failures, seconds, degraded
    )


def _run_case_task(task: tuple[int, tuple[str, ...], float, float, float]) -> CaseResult:
    return run_case(*task)


@dataclass
class Summary:
    seeds: range | Sequence[int]
    workers: int
    seconds: float
    results: list[CaseResult] = field(default_factory=list)
    commit: str = "unknown"  # the code that ran: HEAD when the run started, "+ local changes" if dirty
    unavailable: dict[str, str] = field(default_factory=dict)  # degradations asked for but not made here: why

    @property
    def failures(self) -> list[Failure]:
        return [f for r in sorted(self.results, key=lambda r: r.seed) for f in r.failures]

    def count(self, fmt: str | None = None, kind: str | None = None) -> int:
        return sum((fmt is None or f.fmt == fmt) and (kind is None or f.kind == kind) for f in self.failures)

    def renderings(self) -> Counter[str]:
        return Counter(fmt for r in self.results for fmt in r.formats)

    def degraded(self) -> list[tuple[int, DegradedOutcome]]:
        return [(r.seed, d) for r in sorted(self.results, key=lambda r: r.seed) for d in r.degraded]

    def degradation_table(self) -> dict[str, "DegradationStats"]:
        """Per degradation: every degraded rendering whose recipe includes it."""
        stats: dict[str, DegradationStats] = {}
        for seed, outcome in self.degraded():
            for name in outcome.recipe.split("+"):
                stats.setdefault(name, DegradationStats()).add(seed, outcome, alone=outcome.recipe == name)
        return stats

    def route_table(self) -> dict[str, "DegradationStats"]:
        """Per primary degradation and tool (the route), for the NULL share of each converter and style."""
        stats: dict[str, DegradationStats] = {}
        for seed, outcome in self.degraded():
            stats.setdefault(outcome.route, DegradationStats()).add(seed, outcome, alone=True)
        return dict(sorted(stats.items()))


@dataclass
class DegradationStats:
    renderings: int = 0
    alone: int = 0  # renderings with this degradation only
    values: int = 0  # expected cells with a value
    missed: int = 0
    wrong: int = 0
    crashes: int = 0
    seconds: float = 0.0
    failing_seeds: list[int] = field(default_factory=list)

    def add(self, seed: int, outcome: DegradedOutcome, alone: bool) -> None:
        self.renderings += 1
        self.alone += alone
        self.values += outcome.values
        self.missed += outcome.missed
        self.wrong += outcome.wrong
        self.crashes += outcome.crashed
        self.seconds += outcome.seconds
        if (outcome.wrong or outcome.crashed) and seed not in self.failing_seeds:
            self.failing_seeds.append(seed)

    @property
    def null_share(self) -> float:
        return self.missed / self.values if self.values else 0.0


def run(
    seeds: range | Sequence[int],
    formats: Sequence[str] = DEFAULT_FORMATS,
    pdf_fraction: float = 0.0,
    workers: int = 1,
    progress: bool = False,
    degrade_fraction: float = 1.0,
    scan_fraction: float = 1.0,
) -> Summary:
    """Run cases `seeds`, in `workers` processes (spawned: the parent may hold threads)."""
    started = time.perf_counter()
    tasks = [(seed, tuple(formats), pdf_fraction, degrade_fraction, scan_fraction) for seed in seeds]
    summary = Summary(seeds, workers, 0.0, commit=_git_commit())
    summary.unavailable = {d: why for d, why in degradations_available().items() if d in formats or DEGRADED in formats}
    if SCANNED in formats and (why := scans_available()):
        summary.unavailable[SCANNED] = why
    results: Iterable[CaseResult]
    if workers <= 1:
        results = map(_run_case_task, tasks)
        summary.results = _collect(results, len(tasks), progress)
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            results = pool.imap_unordered(_run_case_task, tasks, chunksize=max(1, min(20, len(tasks) // (workers * 8))))
            summary.results = _collect(results, len(tasks), progress)
    summary.seconds = time.perf_counter() - started
    return summary


def _collect(results: Iterable[CaseResult], total: int, progress: bool) -> list[CaseResult]:
    out: list[CaseResult] = []
    for result in results:
        out.append(result)
        if progress and (len(out) % 100 == 0 or len(out) == total):
            failing = sum(bool(r.failures) for r in out)
            print(f"fuzz: {len(out)}/{total} cases, {failing} failing", file=sys.stderr, flush=True)
    return out


# ---------------------------------------------------------------------------------------------------
# Report


def _git_commit() -> str:
    """HEAD, and whether the code under test (pipeline/) has uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        dirty = git("status", "--porcelain", "--", "pipeline").strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" + local changes in pipeline/" if dirty else "")


def results_markdown(summary: Summary, command: str, first: int = 20) -> str:
    """RESULTS.md: when, where, how many and what failed (the first failing seeds, reproducible)."""
    renderings = summary.renderings()
    cells = Counter[str]()
    seconds = Counter[str]()
    templates = Counter(r.template for r in summary.results)
    for r in summary.results:
        for fmt in r.formats:
            cells[fmt] += r.cells
            seconds[fmt] += r.seconds.get(fmt, 0.0)
    seeds = summary.seeds
    lines = [
        "# Round-trip fuzzing results",
        "",
        f"Written by `{command}` (tests/support/fuzz.py); regenerate it, do not edit it by hand.",
        "",
        "| | |",
        "|---|---|",
        f"| date | {datetime.now(UTC):%Y-%m-%d %H:%M} UTC |",
        f"| machine | {platform.node()}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} |",
        f"| commit | {summary.commit} |",
        f"| cases | {len(summary.results)} (seeds {min(seeds, default=0)}–{max(seeds, default=0)}) |",
        f"| templates | {', '.join(f'{t}: {n}' for t, n in sorted(templates.items()))} |",
        f"| workers | {summary.workers} |",
        f"| duration | {summary.seconds:.0f} s |",
        f"| wrong cells | {summary.count(kind='cell')} |",
        f"| crashes | {summary.count(kind='crash')} |",
        "",
        "| format | renderings | cells compared | wrong cells | crashes | mean s per rendering |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for fmt in FORMATS:
        n = renderings.get(fmt, 0)
        mean = f"{seconds[fmt] / n:.3f}" if n else "–"
        lines.append(
            f"| {fmt} | {n} | {cells[fmt]} | {summary.count(fmt, 'cell')} | {summary.count(fmt, 'crash')} | {mean} |"
        )
    if "pdf" not in renderings:
        lines += ["", "No PDF renderings: LibreOffice (soffice) is not installed or the PDF fraction is 0."]
    lines += _degradation_markdown(summary)
    lines += ["", "## Failures", ""]
    failing = [r for r in sorted(summary.results, key=lambda r: r.seed) if r.failures]
    if not failing:
        lines.append("None: every cell of every rendering read back as generated, and nothing crashed.")
    else:
        lines.append(f"{len(failing)} failing cases; the first {min(first, len(failing))}:")
        lines.append("")
        for r in failing[:first]:
            formats = sorted({f.fmt for f in r.failures})
            degraded = sorted({f.split("+")[0] for f in formats if f not in FORMATS})  # --format names them
            extra = "".join(f" --format {d}" for d in degraded)
            command = f"python -m tests.support.fuzz --seed {r.seed}{extra} --dump DIR"
            lines.append(f"- seed {r.seed} ({', '.join(formats)}): `{command}`")
            lines += [f"  - {f}" for f in r.failures[:5]]
            if len(r.failures) > 5:
                lines.append(f"  - … {len(r.failures) - 5} more")
    return "\n".join(lines) + "\n"


def _degradation_markdown(summary: Summary) -> list[str]:
    """The degradations' tables: per degradation, then per route (primary degradation and tool)."""
    table = summary.degradation_table()
    if not table and not summary.unavailable:
        return []
    lines = [
        "",
        "## Degradations",
        "",
        "Renderings as crawlers, converters, copyists and people leave them (tests/support/degrade.py). A value where",
        "another or none was expected is a wrong cell (must be 0); a cell left NULL where a value was expected is",
        "a miss, allowed: the NULL share is misses / expected cells with a value (agency kind and name included",
        "for abbreviated names). A rendering counts under every degradation of its recipe. Scanned renderings",
        "(tests/support/scans.py) count a quarantine as every cell missed: OCR may not read them (yet).",
        "",
        "| degradation | renderings (alone) | cells with a value | wrong cells | crashes | NULL share | mean s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    scanned = [SCANNED] if SCANNED in table or SCANNED in summary.unavailable else []
    for name in (*DEGRADATIONS, *scanned):
        st = table.get(name)
        if st is None:
            why = summary.unavailable.get(name)
            lines.append(f"| {name} | 0 | – | – | – | – | {'not run: ' + why if why else '–'} |")
            continue
        lines.append(
            f"| {name} | {st.renderings} ({st.alone}) | {st.values} | {st.wrong} | {st.crashes} | "
            f"{st.null_share:.1%} | {st.seconds / st.renderings:.2f} |"
        )
    routes = summary.route_table()
    if routes:
        lines += [
            "",
            "By route (the primary degradation and the tool or source that made it):",
            "",
            "| route | renderings | wrong cells | crashes | NULL share |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {route} | {st.renderings} | {st.wrong} | {st.crashes} | {st.null_share:.1%} |"
            for route, st in routes.items()
        ]
    return lines


def dump_case(seed: int, formats: Sequence[str], out: Path) -> list[Path]:
    """Write case `seed` rendered in each format (and each degradation named, or drawn for `degraded`),
    with its expected JSON beside it (for debugging)."""
    numbers = generate(seed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    renderings = [render_case(numbers, seed, fmt) for fmt in formats_for(numbers, seed, formats, pdf_fraction=1.0)]
    unavailable = degradations_available()
    available = [d for d in DEGRADATIONS if d not in unavailable]
    renderings += [render_degraded(numbers, seed, d) for d in degradations_for(seed, formats, available)]
    if SCANNED in formats and scans_available() is None:
        renderings.append(render_scanned(numbers, seed))
    for rendering in renderings:
        suffix = rendering.suffix or _SUFFIX[rendering.format]
        name = f"fuzz_{seed}{suffix}"
        if rendering.fmt not in FORMATS:
            name = f"fuzz_{seed}.{rendering.fmt}{suffix}"
        path = out / name
        path.write_bytes(rendering.data)
        expected = {**(rendering.numbers or numbers), "file": path.name, "quirks": rendering.quirks}
        if rendering.identity is not None:
            expected["identity"] = dataclasses.asdict(rendering.identity)
        path.with_name(path.name + ".expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="number of cases (seeds start..start+cases-1)")
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--seed", type=int, help="run (or with --dump, write) this one case only")
    parser.add_argument(
        "--format",
        action="append",
        choices=(*FORMATS, DEGRADED, *DEGRADATIONS, SCANNED),
        help="formats, degradations, 'degraded' (the degradation each case's seed draws), or 'scanned' "
        "(a scan of the case, tests/support/scans.py); default: text, html, docx, pdf, degraded, scanned",
    )
    parser.add_argument("--pdf-fraction", type=float, default=0.01, help="share of cases also rendered as PDF")
    parser.add_argument(
        "--degrade-fraction",
        type=float,
        default=0.25,
        help="share of cases also rendered degraded (default 0.25: the PDF-based ones take 2-4 s each)",
    )
    parser.add_argument(
        "--scan-fraction",
        type=float,
        default=0.02,
        help="share of cases also scanned (default 0.02: printing, scanning and OCR take seconds a page)",
    )
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, help="write the results as Markdown to this file")
    parser.add_argument("--dump", type=Path, help="with --seed: write the renderings and expected JSON here")
    args = parser.parse_args(argv)
    formats = tuple(args.format or (*FORMATS, DEGRADED, SCANNED))
    if args.seed is not None and args.dump is not None:
        for path in dump_case(args.seed, formats, args.dump):
            print(path)
    seeds = range(args.seed, args.seed + 1) if args.seed is not None else range(args.start, args.start + args.cases)
    pdf_fraction = 1.0 if args.seed is not None else args.pdf_fraction
    degrade_fraction = 1.0 if args.seed is not None else args.degrade_fraction
    scan_fraction = 1.0 if args.seed is not None else args.scan_fraction
    workers = args.workers if len(seeds) > 1 else 1
    fractions = {"degrade_fraction": degrade_fraction, "scan_fraction": scan_fraction}
    summary = run(seeds, formats, pdf_fraction, workers, progress=len(seeds) > 1, **fractions)
    for failure in summary.failures[:50]:
        print(failure)
    renderings = summary.renderings()
    print(
        f"fuzz: {len(summary.results)} cases, renderings {dict(renderings)}, "
        f"{summary.count(kind='cell')} wrong cells, {summary.count(kind='crash')} crashes, {summary.seconds:.0f} s"
    )
    for name, st in summary.degradation_table().items():
        print(
            f"fuzz: degraded {name}: {st.renderings} renderings, {st.wrong} wrong cells, {st.crashes} crashes, "
            f"NULL share {st.null_share:.1%}" + (f", failing seeds {st.failing_seeds[:10]}" if st.failing_seeds else "")
        )
    for name, why in summary.unavailable.items():
        print(f"fuzz: degradation {name} not run: {why}")
    if args.out is not None:
        command = "python -m tests.support.fuzz " + " ".join(sys.argv[1:] if argv is None else argv)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(results_markdown(summary, command.strip()), encoding="utf-8")
        print(f"fuzz: wrote {args.out}")
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
