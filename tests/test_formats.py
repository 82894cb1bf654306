"""Real documents and every seed rendered in every format: the same 200 cells, with lineage."""

import json
from pathlib import Path

import pytest

from pipeline.catalogue import TEMPLATE_2021_23ROW
from pipeline.parse import ParsedReport, parse_document
from pipeline.read import read_document
from pipeline.settings import Settings
from pipeline.sniff import sniff
from tests.conftest import SEED_DIR, SEEDS, expected, expected_cells, expected_figures, require_shared
from tests.support import render


def cells_of(report: ParsedReport) -> dict:
    return {(c.table, c.row_key, c.col_key): c.value for c in report.cells}


def parse_bytes(data: bytes, fmt: str) -> ParsedReport:
    return parse_document(read_document(data, fmt))


def template_docx() -> Path:
    return require_shared("fixtures", "real", "政务公开年报模版.docx")


def require_soffice() -> None:
    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it with apt-get")


# --- real documents from ../shared/fixtures/real ------------------------------------------------------


@pytest.mark.parametrize("name", ["szfgs2024.pdf", "pingtan-2023.page.html"])
def test_real_document_every_cell(name: str) -> None:
    path = require_shared("fixtures", "real", name)
    exp = json.loads(path.with_name(name + ".expected.json").read_text(encoding="utf-8"))
    source = sniff(path, Settings())
    report = parse_bytes(path.read_bytes(), source.format or "")
    assert cells_of(report) == expected_cells(exp)
    assert (report.agency, report.year, report.template) == (exp["agency"], exp["year"], exp["template"])
    # Agency metadata findings (平潭综合实验区: a zone without a division code) are tested in test_agency.py.
    assert not [i for i in report.issues if i.code not in ("column_missing",) and i.table != "reports"]


def test_real_pdf_lineage_and_page_split() -> None:
    """Section 三 breaks after row 三(四)1 on page 4; a one-column page-border table on page 1 is text."""
    path = require_shared("fixtures", "real", "szfgs2024.pdf")
    report = parse_bytes(path.read_bytes(), "pdf")
    by_key = {(c.table, c.row_key, c.col_key): c for c in report.cells}
    first = by_key[("applications", "1", "total")]
    assert (first.lineage.page, first.raw) == (4, "3119")
    assert first.lineage.bbox is not None and first.lineage.table is not None
    after_break = by_key[("applications", "3.4.2", "natural_person")]
    assert (after_break.lineage.page, after_break.value) == (5, 11)
    fee = by_key[("proactive", "administrative_fees", "amount_10k_yuan")]
    assert (fee.lineage.page, fee.value) == (4, 96171.6)
    # wrapped labels in the PDF grid: 三(六)1 reads "1、申请人无正当理由逾期不补\n正、行政机关不再处理"
    assert by_key[("applications", "3.6.1", "total")].value == 71
    assert all(c.lineage is not None and c.lineage.page for c in report.cells)


def test_real_pdf_is_read_without_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader takes glyphs and ruling lines from pdfium: pdfplumber never opens the file (its
    pdfminer parse cost 90–150 ms a page), only its table finder runs on pdfium's lines."""
    import pdfplumber

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pdfplumber.open was called")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    path = require_shared("fixtures", "real", "szfgs2024.pdf")
    exp = json.loads(path.with_name("szfgs2024.pdf.expected.json").read_text(encoding="utf-8"))
    assert cells_of(parse_bytes(path.read_bytes(), "pdf")) == expected_cells(exp)


def test_real_pdf_font_size_under_a_scaled_text_matrix() -> None:
    """szfgs2024.pdf sets its fonts at 149–319 pt under a 0.05 text matrix; pdfium's font size is the
    bare 149. The size that spaces words (0.8 em) is the scaled 7.45 pt; the bare one would glue
    neighbouring cells' words together, a box-height estimate (0.9 em) would split "３１"."""
    import pypdfium2

    from pipeline.read import pdf as pdf_reader

    path = require_shared("fixtures", "real", "szfgs2024.pdf")
    pdf = pypdfium2.PdfDocument(path.read_bytes())
    try:
        page = pdf[3]
        glyphs = pdf_reader._glyphs(page, page.get_textpage())
    finally:
        pdf.close()
    sizes = {round(g.size, 2) for g in glyphs if not g.text.isspace()}
    assert sizes <= {7.45, 9.95, 11.05, 12.95, 15.95}, sizes


def test_real_pdf_heading_and_body_on_one_baseline_are_one_line() -> None:
    """A bold heading run and the body text after it share a baseline but not an ascent: lines are
    grouped by baseline, so "（五）…情况。根据省…" stays one text line as printed."""
    path = require_shared("fixtures", "real", "szfgs2024.pdf")
    document = read_document(path.read_bytes(), "pdf")
    texts = [line.text for line in document.lines]
    assert "（五）政府信息公开监督保障情况。根据省政务公开年度和" in texts


def test_real_html_lineage_is_table_row_column() -> None:
    path = require_shared("fixtures", "real", "pingtan-2023.page.html")
    report = parse_bytes(path.read_bytes(), "html")
    cell = next(c for c in report.cells if (c.row_key, c.col_key) == ("1", "total"))
    assert cell.lineage.table is not None and cell.lineage.row is not None and cell.lineage.col is not None
    fee = next(c for c in report.cells if c.row_key == "administrative_fees")
    assert (fee.value, fee.decimals) == (5949.088667, 6)  # printed with 6 decimals: D2 flags it


# --- the seeds rendered in every format ----------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("variant", ["utf8", "gbk-undeclared"])
def test_seed_as_html(name: str, variant: str) -> None:
    exp = expected(name)
    data = render.render_html(exp) if variant == "utf8" else render.render_html(exp, "gbk", declare_charset=False)
    report = parse_bytes(data, "html")
    assert cells_of(report) == expected_cells(exp)
    assert (report.agency, report.year) == (exp["agency"], exp["year"])


@pytest.mark.parametrize("name", SEEDS)
def test_seed_as_docx_filled_from_the_official_template(name: str) -> None:
    exp = expected(name)
    data = render.render_docx(exp, template_docx())
    report = parse_bytes(data, "docx")
    assert cells_of(report) == expected_cells(exp)
    assert (report.agency, report.year) == (exp["agency"], exp["year"])
    cell = next(c for c in report.cells if (c.row_key, c.col_key) == ("3.7", "total"))
    assert (cell.lineage.table, cell.lineage.row, cell.lineage.col) == (1, 26, 9)


@pytest.fixture(scope="module")
def seed_pdfs() -> dict[str, bytes]:
    require_soffice()
    return {name: render.convert_to_pdf(render.render_docx(expected(name), template_docx()), ".docx") for name in SEEDS}


@pytest.mark.parametrize("name", SEEDS)
def test_seed_as_pdf_with_ruled_tables(name: str, seed_pdfs: dict[str, bytes]) -> None:
    exp = expected(name)
    report = parse_bytes(seed_pdfs[name], "pdf")
    assert cells_of(report) == expected_cells(exp)
    assert (report.agency, report.year) == (exp["agency"], exp["year"])
    assert all(c.lineage.bbox for c in report.cells if c.table == "applications")


@pytest.mark.parametrize("name", SEEDS)
def test_seed_text_printed_to_pdf_falls_back_to_the_text_layer(name: str) -> None:
    """No ruling lines: a text dump printed to PDF. Labels glued to numbers, page numbers, bracketed digits."""
    require_soffice()
    exp = expected(name)
    pdf = render.convert_to_pdf((SEED_DIR / name).read_bytes(), ".txt")
    report = parse_bytes(pdf, "pdf")
    assert cells_of(report) == expected_cells(exp)


def test_23_row_layout_in_html() -> None:
    exp = expected(SEEDS[0])
    apps = {k: v for k, v in exp["applications"].items() if not k.startswith("3.6.")}
    apps["3.6"] = {c: 0 for c in exp["applications"]["1"]}
    numbers = {**exp, "template": TEMPLATE_2021_23ROW, "applications": apps}
    report = parse_bytes(render.render_html(numbers), "html")
    assert report.template == TEMPLATE_2021_23ROW
    assert cells_of(report) == expected_cells(numbers)


def test_legacy_doc_is_converted_with_libreoffice(tmp_path: Path) -> None:
    require_soffice()
    exp = expected(SEEDS[1])
    docx_path = tmp_path / "report.docx"
    docx_path.write_bytes(render.render_docx(exp, template_docx()))
    import subprocess

    subprocess.run(
        [render.soffice() or "soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "doc", "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    doc = tmp_path / "report.doc"
    source = sniff(doc, Settings())
    assert source.format == "legacy_office"
    report = parse_bytes(doc.read_bytes(), "legacy_office")
    assert cells_of(report) == expected_cells(exp)


def test_html_scripts_and_navigation_are_ignored() -> None:
    exp = expected(SEEDS[2])
    page = render.render_html(exp).replace(
        b"<body>", b"<body><script>var x='<table><tr><td>9</td></tr></table>';</script>"
    )
    report = parse_bytes(page, "html")
    assert cells_of(report) == expected_cells(exp)


def test_grid_cells_wrapped_inside_labels_and_numbers() -> None:
    from pipeline.document import Cell, Document, Line, Lineage

    def grid(*texts: str) -> Line:
        return Line([Cell(t, Lineage(table=0, row=0, col=i)) for i, t in enumerate(texts)], grid=True)

    seed = (SEED_DIR / SEEDS[0]).read_text(encoding="utf-8")
    lines = read_document(seed.encode(), "text").lines
    at = next(i for i, line in enumerate(lines) if line.text.startswith("⾏政许可"))
    lines[at] = grid("⾏政\n许可", "2295\n06", "", "")  # a wrapped label, a wrapped number, padding cells
    report = parse_document(Document("docx", lines))
    licensing = next(c for c in report.cells if c.row_key == "administrative_licensing")
    assert (licensing.value, licensing.semantic) == (229506, "number")


def test_html_page_whose_tables_were_flattened_into_text() -> None:
    name = SEEDS[0]
    body = "".join(f"<p>{line}</p>" for line in (SEED_DIR / name).read_text(encoding="utf-8").splitlines())
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    report = parse_bytes(page.encode("gb18030"), "html")
    assert cells_of(report) == expected_cells(expected(name))


def test_blank_official_template_is_quarantined_not_loaded() -> None:
    from pipeline import ingest

    source = sniff(template_docx(), Settings())
    outcome = ingest.process(source, Settings())
    assert (outcome.frames, outcome.reason_code) == (None, "blank_template")


@pytest.mark.parametrize("name", ["szfgs2024.pdf", "pingtan-2023.page.html"])
def test_real_document_narrative_figures(name: str) -> None:
    path = require_shared("fixtures", "real", name)
    exp = json.loads(path.with_name(name + ".expected.json").read_text(encoding="utf-8"))
    report = parse_bytes(path.read_bytes(), sniff(path, Settings()).format or "")
    first: dict[str, float] = {}
    for figure in report.figures:
        first.setdefault(figure.kind, figure.value)
    want = expected_figures(exp)
    assert {k: first.get(k) for k in want} == want
