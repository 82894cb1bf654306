"""Scans read by offline OCR (issue 14): pages without a plausible text layer, and image files, go
through RapidOCR into the same tables; every digit the rules cannot confirm stays NULL.

The scans are made here from the real PDF (../shared/fixtures/real/szfgs2024.pdf): its pages rendered
to images and put back into an image-only PDF, which is what a scanner or a "print to image" gives."""

import io
import json
import socket
from pathlib import Path

import duckdb
import numpy as np
import pypdfium2
import pytest

from pipeline.document import Cell, Line, Lineage
from pipeline.parse import parse_document
from pipeline.read import read_document
from pipeline.read.layout import strip_furniture
from pipeline.read.ocr import PagePool, page_tiles, text_layer_is_plausible
from pipeline.settings import Settings
from pipeline.sniff import sniff
from tests.conftest import materialize_into, require_shared

PDF = ("fixtures", "real", "szfgs2024.pdf")
TABLE_PAGES = (3, 4, 5)  # sections 二, 三 and 四 (1-based)


def _page_images(pages: tuple[int, ...], dpi: int = 200) -> list:
    pdf = pypdfium2.PdfDocument(str(require_shared(*PDF)))
    try:
        return [pdf[p - 1].render(scale=dpi / 72).to_pil().convert("RGB") for p in pages]
    finally:
        pdf.close()


def _image_only_pdf(images: list, dpi: int = 200) -> bytes:
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def _expected() -> dict:
    return json.loads(require_shared(*PDF[:-1], PDF[-1] + ".expected.json").read_text(encoding="utf-8"))


def test_text_layer_plausibility() -> None:
    assert not text_layer_is_plausible("")
    assert not text_layer_is_plausible("   \n ")
    assert text_layer_is_plausible("- 3 -")  # too little to judge: nothing to lose either
    assert text_layer_is_plausible("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3")
    garbage = "\ue013\ue045\ue102 ÃÂ¤Ã¥ \ue200\ue201 " * 10  # a broken font map: private-use code points
    assert not text_layer_is_plausible(garbage)
    mojibake = "ÕþÐÅÏ¢¹«¿ª¹¤×÷Äê¶È±¨¸æ ÊÕµ½ºÍ´¦ÀíÕþ¸®ÐÅÏ¢¹«¿ªÉêÇëÇé¿ö"  # GBK read as Latin-1
    assert not text_layer_is_plausible(mojibake)
    # A font map shifted onto other CJK code points: CJK, but none of the words every page uses.
    shifted = "".join(chr(0x4E00 + (ord(ch) * 7919) % 20000) for ch in "本机关认真贯彻落实条例" * 12)
    assert not text_layer_is_plausible(shifted)
    page = "2023年，本机关进一步加强政务公开，完善工作机制，依法做好政府信息公开工作。" * 4
    assert text_layer_is_plausible(page)


def test_scanned_table_pages_read_by_ocr_with_the_rules_guarding_digits() -> None:
    """The three table pages as an image-only PDF: no text layer, so every page is OCR'd. Every one of the
    200 cells is right. The page-wide pass misses lone digits and misreads some (9 as 6 in 三(三)7's 总计);
    each figure cell is read again alone, and where the two readings differ the rules pick the one with
    which section 三 adds up whole, saying so."""
    report = parse_document(read_document(_image_only_pdf(_page_images(TABLE_PAGES)), "pdf", Settings()))
    assert [i.code for i in report.issues if i.code == "read_by_ocr"] == ["read_by_ocr"]
    expected = _expected()
    got = {(c.table, c.row_key, c.col_key): c.value for c in report.cells}
    assert got == {
        (table, row, col): want
        for table in ("proactive", "applications", "review_litigation")
        for row, cols in expected[table].items()
        for col, want in cols.items()
    }
    assert not [i for i in report.issues if i.code == "ocr_unconfirmed"]
    chosen = [c for c in report.cells if c.read_as == "ocr_reading_by_rule"]
    assert all(c.table == "applications" for c in chosen)
    said = [i.code for i in report.issues if i.code == "ocr_reading_by_rule"]
    assert said == (["ocr_reading_by_rule"] if chosen else [])
    ocr_cells = [c for c in report.cells if c.value is not None]
    assert all(c.lineage is not None and 0 < (c.lineage.ocr_confidence or 0) <= 1 for c in ocr_cells)
    assert all(c.lineage.ocr_readings for c in ocr_cells)  # type: ignore[union-attr]
    # pages of the scan (1-3), boxes in points on them
    assert all(c.lineage.page in (1, 2, 3) and c.lineage.bbox for c in ocr_cells)  # type: ignore[union-attr]


def test_ocr_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The models ship inside the pinned wheel: a fresh engine loads and reads with every socket refused."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network unreachable (test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from rapidocr_onnxruntime import RapidOCR

    image = _page_images((4,), dpi=100)[0]
    result, _ = RapidOCR()(np.asarray(image)[:, :, ::-1].copy())
    assert result and any("本年新收" in text for _, text, _ in result)


def test_image_file_in_the_warehouse(tmp_path: Path) -> None:
    """A photographed page (PNG) is sniffed as an image, read by OCR, and its cells say so in
    v_cell_sources."""
    raw = tmp_path / "raw"
    raw.mkdir()
    first, table = _page_images((1, 4), dpi=200)
    # The title page gives agency and year; the table page the cells. Two images of one report: the
    # warehouse holds each file as a document, so the title page is stacked onto the table page.
    from PIL import Image

    page = Image.new("RGB", (table.width, first.height // 4 + table.height), "white")
    page.paste(first.crop((0, 0, first.width, first.height // 4)), (0, 0))
    page.paste(table, (0, first.height // 4))
    page.save(raw / "淮安市人民政府2024年报告.png", dpi=(200, 200))
    assert sniff(raw / "淮安市人民政府2024年报告.png", Settings()).format == "image"
    db = tmp_path / "w.duckdb"
    assert materialize_into(raw, db).success
    con = duckdb.connect(str(db), read_only=True)
    try:
        report = con.execute("select format, agency, year from reports").fetchone()
        assert report == ("image", "淮安市人民政府", 2024)
        # every cell OCR placed, kept or NULL'd by the rule gate, points at its box on the page
        located = con.execute(
            "select location, ocr_confidence from v_cell_sources where ocr_confidence is not null"
        ).fetchall()
        assert located and all(loc.startswith("OCR (confidence ") and conf > 0 for loc, conf in located)
    finally:
        con.close()


def _line(text: str, page: int) -> Line:
    return Line([Cell(text, Lineage(page=page))])


def test_ocr_page_numbers_that_lost_a_dash_are_page_furniture() -> None:
    """OCR reads '- 4 -' as '4-' and '- 3 -' as '3': one dash is decoration enough, and a bare number at
    a page's edge goes when another page's number, bare or decorated, keeps the same sequence. A bare
    number alone (a table's last value) stays."""
    pages = [
        [_line("淮安市人民政府", 1), _line("正文", 1)],
        [_line("行政许可 447228", 2), _line("第二十条第（六）项", 2), _line("3", 2)],
        [_line("一、本年新收 3001", 3), _line("4-", 3)],
        [_line("四、结转下年度继续办理", 4), _line("103", 4)],
    ]
    # numbering starts after a cover: page 2 prints 3, page 3 prints 4
    kept = [[line.text for line in page] for page in strip_furniture(pages)]
    assert kept == [
        ["淮安市人民政府", "正文"],
        ["行政许可 447228", "第二十条第（六）项"],
        ["一、本年新收 3001"],
        ["四、结转下年度继续办理", "103"],
    ]


def test_a_tall_image_is_cut_into_pages_at_their_margins() -> None:
    """Three A4-shaped pages stacked into one picture (as sites post a report), specked with noise: the
    pieces are cut in the blank bands between pages, never through a text line."""
    rng = np.random.default_rng(0)
    width, page_height, margin = 400, 566, 60
    image = np.full((3 * page_height, width, 3), 255, np.uint8)
    for page in range(3):
        for line in range(margin, page_height - margin, 24):  # text lines: dark bars 12 px high
            top = page * page_height + line
            image[top : top + 12, 40 : width - 40] = 30
    specks = rng.random(image.shape[:2]) < 0.0005
    image[specks] = 0
    tiles = page_tiles(image)
    cuts = np.cumsum([tile.shape[0] for tile in tiles])[:-1]
    assert len(tiles) == 3 and sum(tile.shape[0] for tile in tiles) == image.shape[0]
    for cut, boundary in zip(cuts, (page_height, 2 * page_height), strict=True):
        assert abs(cut - boundary) < margin, (cut, boundary)
    assert page_tiles(image[:page_height])[0].shape == image[:page_height].shape  # one page: one piece


def test_ocr_shares_the_cores_among_the_pages_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages read at once each get cores / pages engine threads; one page, or one worker, gets them all
    (0: the engine's default, every core). Engine threads on the same cores as another's run slower."""
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    shapes = {}
    for workers, pages in ((0, 6), (0, 1), (1, 6), (2, 6), (0, 3), (8, 2)):
        with PagePool(workers, pages) as pool:
            shapes[(workers, pages)] = (pool.workers, pool.threads)
    assert shapes == {
        (0, 6): (4, 1),
        (0, 1): (1, 0),
        (1, 6): (1, 0),
        (2, 6): (2, 2),
        (0, 3): (3, 1),
        (8, 2): (2, 2),
    }
