"""Render a report's numbers (the expected-JSON shape) as HTML, DOCX or PDF, the way agencies publish.

Used to build format fixtures from the seeds (`make fixtures`, tests) and by the fuzz generator. The
output is deliberately as messy as real pages: site chrome and scripts around the report, merged
header cells, line breaks and no-break spaces inside labels and cells, GBK encoding.
"""

import html
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pipeline.catalogue import PROACTIVE_COLUMN_LABELS, REVIEW_BLOCKS, REVIEW_COLUMNS, TEMPLATES, ApplicationRow

Numbers = dict[str, Any]  # the expected-JSON shape: proactive / applications / review_litigation ...

_APPLICANT_KEYS = (
    "natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
    "legal_service_org", "other", "total",
)  # fmt: skip
_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_GROUPS = {"3.3": "（三）不予公开", "3.4": "（四）无法提供", "3.5": "（五）不予处理", "3.6": "（六）其他处理"}
_ROMAN = "一二三四五六七八"


def fmt_value(value: float | int | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def title_of(numbers: Numbers) -> str:
    return f"{numbers['agency']}{numbers['year']}年政府信息公开工作年度报告"


def row_label(row: ApplicationRow) -> str:
    """The label as printed in the table: numbered like the official template."""
    if row.key in ("1", "2", "4"):
        return {"1": "一、", "2": "二、", "4": "四、"}[row.key] + row.label
    parts = row.key.split(".")
    if len(parts) == 2:
        return f"（{_ROMAN[int(parts[1]) - 1]}）{row.label}"
    return f"{parts[2]}.{row.label}"


def narrative(numbers: Numbers) -> dict[int, str]:
    received = numbers["applications"]["1"]["total"]
    return {
        1: f"{numbers['year']}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"全年共收到政府信息公开申请{fmt_value(received)}件，均按时答复。",
        5: "存在的主要问题是公开内容不够丰富。下一步将加强培训，提升公开质量。",
        6: "本年度未收取信息处理费。",
    }


# ---------------------------------------------------------------------------------------------------
# HTML


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    body = html.escape(text).replace("\n", "<br/>")
    return f'<td{attrs} style="border:1px solid #000" width="60"><p align="center"><span>{body}</span></p></td>'


def _proactive_html(numbers: Numbers, template: str) -> str:
    rows: list[str] = []
    article = None
    for item in TEMPLATES[template].proactive:
        if item.article != article:
            article = item.article
            rows.append(f"<tr>{_td(article, colspan=4)}</tr>")
            heads = [PROACTIVE_COLUMN_LABELS[c] for c in item.columns]
            span = 3 if len(heads) == 1 else 1
            rows.append("<tr>" + _td("信息内容") + "".join(_td(h, colspan=span) for h in heads) + "</tr>")
        values = [fmt_value(numbers["proactive"][item.key][c]) for c in item.columns]
        span = 3 if len(values) == 1 else 1
        rows.append("<tr>" + _td(item.label) + "".join(_td(v + "\u00a0", colspan=span) for v in values) + "</tr>")
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def _applications_html(numbers: Numbers, template: str) -> str:
    data_rows = TEMPLATES[template].application_rows
    results = [r for r in data_rows if r.parent == "3" or (r.parent or "").startswith("3.")]
    head = [
        "<tr>" + _td(_NOTE, rowspan=3, colspan=3) + _td("申请人情况", colspan=7) + "</tr>",
        "<tr>" + _td("自然人", rowspan=2) + _td("法人或其他组织", colspan=5) + _td("总计", rowspan=2) + "</tr>",
        "<tr>"
        + "".join(_td(t) for t in ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他"))
        + "</tr>",
    ]
    body: list[str] = []
    group_seen: set[str] = set()
    for row in data_rows:
        values = "".join(_td(fmt_value(numbers["applications"][row.key][c])) for c in _APPLICANT_KEYS)
        lead = ""
        if row is results[0]:
            lead += _td("三、本年度\n办理结果", rowspan=len(results))
        if row.key in ("1", "2", "4"):
            lead += _td(row_label(row), colspan=3)
        elif row.parent in _GROUPS:
            if row.parent not in group_seen:
                group_seen.add(row.parent)
                size = sum(1 for r in data_rows if r.parent == row.parent)
                lead += _td(_GROUPS[row.parent], rowspan=size)
            lead += _td(row_label(row))
        else:
            lead += _td(row_label(row), colspan=2)
        body.append(f"<tr>{lead}{values}</tr>")
    return '<table border="1" cellspacing="0" style="width:100%">' + "".join(head + body) + "</table>"


def _review_html(numbers: Numbers) -> str:
    subs = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    rows = [
        "<tr>" + _td("行政复议", colspan=5) + _td("行政诉讼", colspan=10) + "</tr>",
        "<tr>" + "".join(_td(s, rowspan=2) for s in subs) + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5) + "</tr>",
        "<tr>" + "".join(_td(s) for s in subs * 2) + "</tr>",
        "<tr>" + "".join(
            _td(fmt_value(numbers["review_litigation"][b.key][c.key])) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS
        ) + "</tr>",
    ]  # fmt: skip
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def render_html(numbers: Numbers, encoding: str = "utf-8", declare_charset: bool = True) -> bytes:
    template = numbers.get("template", "2021")
    text = narrative(numbers)
    meta = f'<meta charset="{encoding}">' if declare_charset else ""
    page = f"""<!DOCTYPE html><html><head>{meta}<title>{html.escape(title_of(numbers))}_政府信息公开年报</title>
<script>var nav = "一、总体情况"; document.write("<table><tr><td>1</td></tr></table>");</script>
<style>td {{ font-size: 12px }}</style></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政府信息公开年报</div>
<div class="article"><h1>{html.escape(title_of(numbers))}</h1>
<p>一、总体情况</p><p>{html.escape(text[1])}</p>
<p>二、主动公开政府信息情况</p>{_proactive_html(numbers, template)}
<p>三、收到和处理政府信息公开申请情况</p>{_applications_html(numbers, template)}
<p>四、政府信息公开行政复议、行政诉讼情况</p>{_review_html(numbers)}
<p>五、存在的主要问题及改进情况</p><p>{html.escape(text[5])}</p>
<p>六、其他需要报告的事项</p><p>{html.escape(text[6])}</p></div>
<div class="footer">主办单位：{html.escape(numbers["agency"])}　网站标识码 1234567890</div>
</body></html>"""
    return page.replace("\u00a0", "&nbsp;").encode(encoding)


# ---------------------------------------------------------------------------------------------------
# DOCX: fill the blank official template (../shared/fixtures/real/政务公开年报模版.docx)


def render_docx(numbers: Numbers, template_docx: Path) -> bytes:
    """Fill the official blank template's three tables and narrative paragraphs (25-row layout)."""
    import docx

    if numbers.get("template", "2021") != "2021":
        raise ValueError("the official DOCX template has the 25-row section 三 only")
    document = docx.Document(str(template_docx))
    text = narrative(numbers)
    paragraphs = document.paragraphs
    next(p for p in paragraphs if "格式模板" in p.text).text = title_of(numbers)
    placeholders = [p for p in paragraphs if p.text.startswith("（文字描述")]
    for paragraph, number in zip(placeholders, (1, 5, 6), strict=True):
        paragraph.text = text[number]
    proactive, applications, review = document.tables[:3]
    spots = {  # row and value columns of each item in the template's section-二 table
        "regulations": (2, (1, 2, 3)),
        "normative_documents": (3, (1, 2, 3)),
        "administrative_licensing": (6, (1,)),
        "administrative_punishment": (9, (1,)),
        "administrative_coercion": (10, (1,)),
        "administrative_fees": (13, (1,)),
    }
    for item in TEMPLATES["2021"].proactive:
        row, cols = spots[item.key]
        for col, key in zip(cols, item.columns, strict=True):
            proactive.cell(row, col).text = fmt_value(numbers["proactive"][item.key][key])
    for r_index, row in enumerate(TEMPLATES["2021"].application_rows, start=3):
        for c_index, key in enumerate(_APPLICANT_KEYS, start=3):
            applications.cell(r_index, c_index).text = fmt_value(numbers["applications"][row.key][key])
    for i, (block, col) in enumerate((b, c) for b in REVIEW_BLOCKS for c in REVIEW_COLUMNS):
        review.cell(3, i).text = fmt_value(numbers["review_litigation"][block.key][col.key])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------
# PDF: LibreOffice's PDF export of the filled DOCX (ruled tables, text layer, page breaks in tables)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(data: bytes, suffix: str, timeout: int = 180) -> bytes:
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: run `make fixtures-deps`")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            capture_output=True, timeout=timeout, check=True,
        )  # fmt: skip
        return (Path(tmp) / "report.pdf").read_bytes()


def render_all(expected_dir: Path, out_dir: Path, template_docx: Path | None) -> list[Path]:
    """Every expected-JSON report of expected_dir as HTML (UTF-8, undeclared GBK), DOCX and PDF, each
    with its expected file beside it, so `evaluate.py` can score a warehouse built from out_dir."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in sorted(expected_dir.glob("*.expected.json")):
        numbers = json.loads(path.read_text(encoding="utf-8"))
        stem = Path(numbers["file"]).stem
        outputs = {f"{stem}.utf8.html": render_html(numbers), f"{stem}.gbk.html": render_html(numbers, "gbk", False)}
        if template_docx is not None and template_docx.exists():
            outputs[f"{stem}.docx"] = render_docx(numbers, template_docx)
            if soffice() is not None:
                outputs[f"{stem}.pdf"] = convert_to_pdf(outputs[f"{stem}.docx"], ".docx")
        for name, data in outputs.items():
            (out_dir / name).write_bytes(data)
            sidecar = out_dir / f"{name}.expected.json"
            sidecar.write_text(json.dumps({**numbers, "file": name}, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append(out_dir / name)
    return written


if __name__ == "__main__":
    import sys

    if len(sys.argv) not in (3, 4):
        print("usage: python -m pipeline.render EXPECTED_DIR OUT_DIR [TEMPLATE_DOCX]")
        sys.exit(2)
    files = render_all(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) == 4 else None)
    print(f"wrote {len(files)} reports to {sys.argv[2]}")
