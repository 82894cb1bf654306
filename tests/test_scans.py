"""Scanned-report fixtures (tests/support/scans.py): each output really has the property it is made for.

Exact properties, fast: the scanner's draws stay in their ranges, an image-only PDF has its pages and no
text layer, a garbled text layer holds no template word and little plausible CJK while the page looks as
before, the same seed gives the same bytes. Most tests use a one-page PDF made here (a text layer over a
blank page: no LibreOffice); the font-map rewrite is also checked on the real WPS PDF (a cross-reference
stream) and on a LibreOffice PDF (a classic cross-reference table)."""

import io
import json
import random
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from PIL import Image

from pipeline.settings import Settings
from pipeline.sniff import sniff
from tests.conftest import EXPECTED_DIR, require_shared
from tests.support import fuzz, render, scans

A4 = (595.0, 842.0)
LINES = (
    "淮安市人民政府2024年政府信息公开工作年度报告",
    "三、收到和处理政府信息公开申请情况",
    "申请人情况 自然人 法人或其他组织 总计",
    "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119",
    "四、政府信息公开行政复议、行政诉讼情况 结果维持 尚未审结",
)


def text_pdf(lines: tuple[str, ...] = LINES, pages: int = 1) -> bytes:
    """A text-layer PDF of A4 pages, each holding `lines` (over a blank page: what matters here is the
    layer, which has a ToUnicode map like any CJK PDF's)."""
    blank = Image.new("L", (int(A4[0]), int(A4[1])), 255)
    blank.info["dpi"] = (72, 72)
    runs = [
        [scans._TextRun(line, 60.0, 760.0 - 30.0 * i, 12.0 * len(line), 12.0) for i, line in enumerate(lines)]
        for _ in range(pages)
    ]
    return scans._images_pdf([blank] * pages, 72, runs)


def _numbers() -> dict:
    return json.loads((EXPECTED_DIR / "000_2a55ae499e2e47bc.expected.json").read_text(encoding="utf-8"))


def _render(pdf: bytes, page: int = 0, scale: float = 0.5) -> np.ndarray:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return np.asarray(document[page].render(scale=scale).to_pil().convert("RGB"))
    finally:
        document.close()


LOW = scans.ScanStyle(dpi=100, noise="both", blur=0.5, brightness=-10.0, contrast=0.9, jpeg_quality=60)


def test_text_pdf_made_here_has_the_text_layer_the_tests_garble() -> None:
    profile = scans.text_profile(scans.pdf_text(text_pdf())[0])
    assert profile["cjk_share"] > 0.7 and "收到和处理" in profile["template_words"]


# ---------------------------------------------------------------------------------------------------
# Scanning


def test_random_scan_styles_stay_in_their_ranges() -> None:
    rng = random.Random(0)
    styles = [scans.random_scan_style(rng) for _ in range(300)]
    assert all(150 <= s.dpi <= 300 for s in styles)
    assert all(40 <= s.jpeg_quality <= 85 for s in styles)
    assert all(s.blur == 0 or 0.3 <= s.blur <= 0.9 for s in styles)
    assert all(0.85 <= s.contrast <= 1.1 and -18 <= s.brightness <= 8 for s in styles)
    # every choice is drawn: blur or none, each noise, grayscale or colour
    assert {s.noise for s in styles} == {"gaussian", "salt_pepper", "both"}
    assert {s.grayscale for s in styles} == {True, False} and {s.blur == 0 for s in styles} == {True, False}


def test_scanned_pages_are_skewed_within_range_and_sized_by_their_dpi() -> None:
    pdf = text_pdf(pages=3)
    images = scans.scan_pages(pdf, random.Random(1), LOW)
    assert len(images) == 3
    for number, image in enumerate(images, 1):
        info = image.info["scan"]
        assert info["page"] == number
        assert 0.3 <= abs(info["angle"]) <= 1.5
        assert abs(image.width - A4[0] * 100 / 72) <= 1 and abs(image.height - A4[1] * 100 / 72) <= 1
        assert image.info["dpi"] == (100, 100) and image.mode == "RGB"
    assert len({image.info["scan"]["angle"] for image in images}) == 3  # each sheet sits differently
    gray = scans.scan_pages(pdf, random.Random(1), scans.ScanStyle(dpi=80, grayscale=True), pages=[2])
    assert len(gray) == 1 and gray[0].mode == "L" and gray[0].info["scan"]["page"] == 2


def test_a_scan_is_noisy_toned_and_went_through_jpeg() -> None:
    """A blank page comes out grey (brightness -10, contrast 0.9), with specks and grain, not flat."""
    image = scans.scan_pages(text_pdf(), random.Random(2), LOW)[0]
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    middle = pixels[50:-50, 50:-50]  # away from the corners the skew filled white
    assert 225 < float(np.median(middle)) < 245
    assert middle.std() > 2 and (middle < 100).mean() > 0.0002  # grain, and dark specks


def test_image_only_pdf_has_the_pages_and_no_text_layer() -> None:
    images = scans.scan_pages(text_pdf(pages=2), random.Random(3), LOW)
    pdf = scans.image_only_pdf(images)
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 2
        for page in document:
            width, height = page.get_size()
            assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1  # the source's paper size
            kinds = [obj.type for obj in page.get_objects()]
            assert kinds == [pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    finally:
        document.close()
    assert scans.pdf_text(pdf) == ["", ""]


def test_page_images_are_png_jpeg_and_tiff_files_of_the_page() -> None:
    image = scans.scan_pages(text_pdf(), random.Random(4), LOW)[0]
    magic = {"png": b"\x89PNG", "jpeg": b"\xff\xd8\xff", "tiff": b"II*\x00"}
    for fmt in scans.IMAGE_FORMATS:
        (data,) = scans.page_images([image], fmt)
        assert data.startswith(magic[fmt])
        decoded = Image.open(io.BytesIO(data))
        assert decoded.size == image.size and round(float(decoded.info["dpi"][0])) == 100
    with pytest.raises(ValueError):
        scans.page_images([image], "gif")


def test_long_image_stacks_every_page() -> None:
    images = scans.scan_pages(text_pdf(pages=3), random.Random(5), scans.ScanStyle(dpi=60, jpeg_quality=50))
    stacked = Image.open(io.BytesIO(scans.long_image(images, "png", gap=4)))
    assert stacked.width == max(i.width for i in images)
    assert stacked.height == sum(i.height for i in images) + 8


def test_the_same_seed_gives_the_same_bytes() -> None:
    pdf = text_pdf()

    def made(seed: int) -> tuple[bytes, ...]:
        rng = random.Random(seed)
        images = scans.scan_pages(pdf, rng, scans.ScanStyle(dpi=80, noise="both"))
        return (
            scans.image_only_pdf(images),
            *scans.page_images(images, "png"),
            scans.garbled_text_layer_pdf(pdf, rng, "font_map", "private_use"),
            scans.garbled_text_layer_pdf(pdf, rng, "ocr_layer", "rare_cjk", images),
        )

    assert made(7) == made(7)
    assert all(a != b for a, b in zip(made(7), made(8), strict=True))


# ---------------------------------------------------------------------------------------------------
# Garbled text layers


def _assert_garbage(pdf: bytes, garble: str) -> dict:
    profile = scans.text_profile("\n".join(scans.pdf_text(pdf)))
    assert profile["chars"] > 20
    assert profile["template_words"] == []
    if garble != "shuffled":  # shuffled keeps the font's own (CJK) characters, in the wrong places
        assert profile["cjk_share"] < 0.05
    if garble == "private_use":
        assert profile["private_use_share"] > 0.95
    return profile


@pytest.mark.parametrize("garble", scans.GARBLES)
def test_font_map_garbling_breaks_the_text_and_keeps_the_page(garble: str) -> None:
    pdf = text_pdf()
    garbled = scans.garbled_text_layer_pdf(pdf, random.Random(9), "font_map", garble)
    _assert_garbage(garbled, garble)
    assert garbled.startswith(pdf)  # an incremental update: the file's own bytes are untouched
    assert scans.pdf_text(garbled)[0] != scans.pdf_text(pdf)[0]


def test_ocr_layer_garbling_lays_garbage_over_the_scan() -> None:
    pdf = text_pdf()
    images = scans.scan_pages(pdf, random.Random(10), LOW)
    for garble in scans.GARBLES:
        garbled = scans.garbled_text_layer_pdf(pdf, random.Random(11), "ocr_layer", garble, images)
        _assert_garbage(garbled, garble)
        # the text is invisible: the page is the scan, exactly as the image-only PDF shows it
        assert np.array_equal(_render(garbled), _render(scans.image_only_pdf(images)))


def test_a_garbling_that_spells_a_template_word_is_redrawn() -> None:
    """Two glyphs, 公 and 开, shuffled: the identity spells 公开, the swap does not; with 公开开公 on the
    page every permutation spells it, so no garbling is possible."""
    garbled = scans.garbled_text_layer_pdf(text_pdf(("公开",)), random.Random(0), "font_map", "shuffled")
    assert scans.pdf_text(garbled)[0].strip() == "开公"
    with pytest.raises(ValueError, match="template word"):
        scans.garbled_text_layer_pdf(text_pdf(("公开开公",)), random.Random(0), "font_map", "shuffled", attempts=5)


def test_text_profile() -> None:
    profile = scans.text_profile("收到和处理政府信息公开申请情况 ⼀\ue000 ab")
    assert profile["chars"] == 19
    assert profile["cjk_share"] == 16 / 19  # the Kangxi radical ⼀ folds to 一 (NFKC)
    assert profile["private_use_share"] == 1 / 19 and profile["ascii_share"] == 2 / 19
    assert {"收到和处理", "政府信息公开", "政府", "公开", "申请"} <= set(profile["template_words"])


def test_font_map_garbling_of_the_real_pdf() -> None:
    """The real WPS PDF (fonts in a cross-reference stream file): every page garbled, each page renders
    pixel for pixel as before, the numbers are gone from the text layer (private-use characters)."""
    pdf = require_shared("fixtures", "real", "szfgs2024.pdf").read_bytes()
    garbled = scans.garbled_text_layer_pdf(pdf, random.Random(12), "font_map", "private_use")
    _assert_garbage(garbled, "private_use")
    assert not any(c.isdigit() for c in "".join(scans.pdf_text(garbled)))
    for page in (0, 3):
        assert np.array_equal(_render(garbled, page, 0.4), _render(pdf, page, 0.4))


@pytest.fixture(scope="module")
def libreoffice_pdf() -> bytes:
    if render.soffice() is None:
        pytest.skip("needs LibreOffice (soffice)")
    return render.convert_to_pdf(render.render_html(_numbers()), ".html")


@pytest.mark.parametrize("garble", ["latin_mojibake", "shuffled"])
def test_font_map_garbling_of_a_libreoffice_pdf(libreoffice_pdf: bytes, garble: str) -> None:
    garbled = scans.garbled_text_layer_pdf(libreoffice_pdf, random.Random(13), "font_map", garble)
    _assert_garbage(garbled, garble)
    assert np.array_equal(_render(garbled, 0, 0.4), _render(libreoffice_pdf, 0, 0.4))


# ---------------------------------------------------------------------------------------------------
# Fixtures folder (the CLI) and the fuzzer's scanned share


def test_cli_writes_scans_with_their_expected_files(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "report.pdf").write_bytes(text_pdf(pages=2))
    (src / "report.pdf.expected.json").write_text(json.dumps({**_numbers(), "file": "report.pdf"}), encoding="utf-8")
    (src / "unrelated.pdf").write_bytes(text_pdf())  # no expected file: not a fixture source
    assert scans.main([str(src), str(out), "--seed", "3", "--sources", "pdf"]) == 0
    reports = sorted(p.name for p in (out / "reports").iterdir() if not p.name.endswith(".expected.json"))
    assert [n.split(".", 2)[2].rsplit(".", 1)[0] for n in reports] == [
        "garbled-fontmap",
        "garbled-ocrlayer",
        "long",
        "scan",
    ]
    assert all(n.startswith("report.s3.") for n in reports)
    pages = sorted(p.name for p in (out / "pages").iterdir() if not p.name.endswith(".expected.json"))
    assert [n.split(".")[2] for n in pages] == ["p1", "p2"]  # both pages hold table words
    for folder, names in (("reports", reports), ("pages", pages)):
        for name in names:
            expected = json.loads((out / folder / f"{name}.expected.json").read_text(encoding="utf-8"))
            assert expected["file"] == name and expected["quirks"]
            assert expected["applications"] == _numbers()["applications"]
    formats = {name: sniff(out / "reports" / name, Settings()).format for name in reports}
    assert sorted(formats.values()) == ["image", "pdf", "pdf", "pdf"]
    assert scans.pdf_text((out / "reports" / "report.s3.scan.pdf").read_bytes()) == ["", ""]


def test_scanned_is_off_in_the_ci_profile_and_drawn_in_the_long_one() -> None:
    assert fuzz.SCANNED not in fuzz.DEFAULT_FORMATS
    assert fuzz.run_case(0, ("text",), scan_fraction=1.0).degraded == []
    drawn = sum(random.Random(f"{seed}/scan-sample").random() < 0.02 for seed in range(10_000))
    assert 150 < drawn < 250


def test_scanned_scoring_counts_a_quarantine_as_misses_and_a_wrong_value_as_a_failure(tmp_path: Path) -> None:
    numbers = fuzz.generate(0)
    unreadable = fuzz.Rendering(fuzz.SCANNED, b"%PDF-1.4\n% nothing readable\n", "scanned(test)", (), "pdf")
    outcome, failures = fuzz.check_scanned(numbers, 0, unreadable, tmp_path)
    assert failures == [] and not outcome.crashed and outcome.missed == outcome.values > 0
    wrong = json.loads(json.dumps(numbers))
    wrong["applications"]["1"]["natural_person"] += 1
    wrong["applications"]["1"]["total"] += 1
    text = render.render_text(wrong, render.TextOptions())
    misread = fuzz.Rendering(fuzz.SCANNED, text, "scanned(test)", (), "text")
    outcome, failures = fuzz.check_scanned(numbers, 0, misread, tmp_path)
    assert outcome.wrong == 2 and {f.key for f in failures} == {
        ("applications", "1", "natural_person"),
        ("applications", "1", "total"),
    }


def test_fuzz_scanned_rendering_is_a_scan_the_pipeline_sniffs(tmp_path: Path) -> None:
    if fuzz.scans_available() is not None:
        pytest.skip(fuzz.scans_available())
    rendering = fuzz.render_scanned(fuzz.generate(0), 0)
    assert rendering.fmt == fuzz.SCANNED and rendering.quirks.split("; ")[1].startswith("scanned(")
    path = tmp_path / f"case{rendering.suffix or '.pdf'}"
    path.write_bytes(rendering.data)
    assert sniff(path, Settings()).format == rendering.format
    if rendering.format == "pdf" and "garbled" not in rendering.quirks:
        assert not "".join(scans.pdf_text(rendering.data)).strip()
