"""Scanned reports made from text-layer PDFs: test data for the OCR path (issue 14, item 5).

Many reports are published as scans (no text layer) or as PDFs whose text layer is garbage (broken font
maps). These fixtures are made from PDFs whose numbers are known (the seeds rendered by `tests.support.render`,
`../shared/fixtures/real/szfgs2024.pdf`, fuzz reports), so the expected JSON of the source is the
expected JSON of the scan. Every function is pure given a seeded `random.Random`:

- `scan_pages`: every page rendered with pypdfium2 at 150–300 dpi, then made to look scanned: skewed by
  ±0.3–1.5° (white fill), a little blur or none, gaussian and/or salt-and-pepper noise, brightness and
  contrast shifted, grayscale or colour, and passed through JPEG at quality 40–85 (`ScanStyle`).
- `image_only_pdf`: those pages as a PDF of images and nothing else (no text layer: what a scanner makes).
- `page_images`: single pages as PNG, JPEG or TIFF files (image files are OCR input too); `long_image`:
  the pages stacked into one tall image, as sites post a whole report as one picture.
- `garbled_text_layer_pdf`: a PDF that looks right but whose text layer is garbage, in two real kinds:
  `font_map` (the source PDF with its fonts' ToUnicode maps rewritten, as broken converters leave them:
  the page renders pixel-identical, extraction yields private-use characters, mojibake or wrong CJK) and
  `ocr_layer` (a scan with an invisible text layer of garbage over it, as a copier's bad OCR leaves it).
  A drawn garbling that happens to spell a template word is redrawn, so the text layer never holds one.

    python -m tests.support.scans ../shared/fixtures/real data/scans --seed 0 --seed 1   # the real PDF
    python -m tests.support.scans tests/fixtures/seeds data/scans     # expected files alone: rendered, printed

takes every `<name>.expected.json` of SRC_DIR whose `<name>` is a PDF (and, `--sources`, expected files
without a source, rendered by `tests.support.render` and printed by LibreOffice, or DOCX/HTML/text printed) and
writes, per source report and seed, `OUT_DIR/reports/` (whole reports: the image-only PDF, both garbled
PDFs, the long image) and `OUT_DIR/pages/` (an image of each page holding a statistics table), each file
with `<name>.expected.json` (the source's numbers, `file` set to the name, `quirks` saying how it was
made). Whole reports and single pages are apart because a page is not a report: `xxgk run --raw-dir
OUT_DIR/reports` and `evaluate.py` over `OUT_DIR/reports` score the OCR path on whole reports.
"""

import argparse
import io
import json
import math
import random
import re
import sys
import time
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

DPI_RANGE = (150, 300)
ROTATION_RANGE = (0.3, 1.5)  # degrees, either direction: scanner skew
JPEG_QUALITY_RANGE = (40, 85)
IMAGE_FORMATS = ("png", "jpeg", "tiff")
GARBLED_KINDS = ("font_map", "ocr_layer")
# How a broken text layer reads: private-use code points (no ToUnicode for a subset font), UTF-8 read as
# Windows-1252 ('æ”¿åºœ'), characters of the rare CJK Extension A block, or the map's own characters
# shuffled among its glyphs (plausible CJK in the wrong places: only the template words give it away).
GARBLES = ("private_use", "latin_mojibake", "rare_cjk", "shuffled")
# Words every report in the template prints: a text layer holding one is not garbage (the OCR reader's
# plausibility test looks for them), so a garbled layer must hold none.
TEMPLATE_WORDS = (
    "政府信息公开", "收到和处理", "主动公开", "申请人情况", "自然人", "行政复议", "行政诉讼", "年度报告",
    "信息内容", "本年新收", "予以公开", "结果维持", "尚未审结", "总计", "政府", "公开", "申请",
)  # fmt: skip
# Label keys found only on pages holding the statistics tables of sections 二, 三 and 四.
_TABLE_MARKERS = ("第二十条第", "信息内容", "本年新收", "申请人情况", "本年度办理结果", "结果维持", "尚未审结")
_WHITE = 255


# ---------------------------------------------------------------------------------------------------
# Scanning: rendered pages made to look like a scanner's


@dataclass(frozen=True)
class ScanStyle:
    """How one document was scanned. Page skew is drawn per page (a sheet sits differently on the glass);
    the rest is the scanner's and its settings, the same for every page."""

    dpi: int = 200
    blur: float = 0.0  # Gaussian blur radius in pixels (0: none): focus and the sensor's softness
    noise: str = "gaussian"  # "gaussian", "salt_pepper" (dust, toner specks) or "both"
    noise_sigma: float = 4.0  # gaussian noise, standard deviation on 0–255
    speckle: float = 0.001  # salt-and-pepper, share of pixels set black or white
    brightness: float = 0.0  # added on 0–255 (negative: grey paper)
    contrast: float = 1.0  # around mid-grey
    grayscale: bool = False
    jpeg_quality: int = 75


def random_scan_style(rng: random.Random) -> ScanStyle:
    """A scanner and its settings, from the ranges real scanned reports show."""
    return ScanStyle(
        dpi=rng.randint(*DPI_RANGE),
        blur=rng.choice((0.0, 0.0, round(rng.uniform(0.3, 0.9), 2))),
        noise=rng.choice(("gaussian", "salt_pepper", "both")),
        noise_sigma=round(rng.uniform(2.0, 7.0), 2),
        speckle=round(rng.uniform(0.0002, 0.002), 5),
        brightness=round(rng.uniform(-18.0, 8.0), 1),
        contrast=round(rng.uniform(0.85, 1.1), 3),
        grayscale=rng.random() < 0.5,
        jpeg_quality=rng.randint(*JPEG_QUALITY_RANGE),
    )


def describe(style: Any) -> str:
    """The fields of an options dataclass, compactly (for the expected JSON's `quirks`)."""
    return " ".join(f"{f.name}={getattr(style, f.name)!r}" for f in fields(style))


def scan_pages(
    pdf: bytes, rng: random.Random, style: ScanStyle | None = None, pages: Sequence[int] | None = None
) -> list[Image.Image]:
    """Every page of `pdf` (or the 1-based `pages`) rendered at the style's dpi and made to look scanned.
    `style` is drawn from `rng` when not given. Each image carries `info["dpi"]` and `info["scan"]`
    (the style's fields, the page number and the skew drawn for it, in degrees, counter-clockwise)."""
    style = style or random_scan_style(rng)
    document = pypdfium2.PdfDocument(pdf)
    try:
        numbers = list(pages) if pages is not None else list(range(1, len(document) + 1))
        out = []
        for number in numbers:
            page = document[number - 1]
            try:
                bitmap = page.render(scale=style.dpi / 72, grayscale=style.grayscale)
                image = bitmap.to_pil().convert("L" if style.grayscale else "RGB")
            finally:
                page.close()
            angle = rng.uniform(*ROTATION_RANGE) * rng.choice((-1, 1))
            noise_seed = rng.getrandbits(64)  # numpy's generator, seeded from ours: same seed, same pixels
            out.append(_scanned(image, style, angle, noise_seed, number))
    finally:
        document.close()
    return out


def _scanned(image: Image.Image, style: ScanStyle, angle: float, noise_seed: int, number: int) -> Image.Image:
    """One rendered page through the scanner: skew, blur, tone, noise, JPEG."""
    fill: int | tuple[int, int, int] = _WHITE if image.mode == "L" else (_WHITE,) * 3
    # Bilinear: bicubic costs twice as much on a 300 dpi page and JPEG smears the difference anyway.
    image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)
    if style.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(style.blur))
    generator = np.random.default_rng(noise_seed)
    pixels = np.asarray(image, dtype=np.float32)
    pixels *= style.contrast  # in place: a 300 dpi colour page is 26 million values
    pixels += 128.0 * (1.0 - style.contrast) + style.brightness
    if style.noise in ("gaussian", "both"):
        # Sensor noise is mostly in luminance: one draw per pixel, shared by its colour channels.
        noise = generator.standard_normal(pixels.shape[:2], dtype=np.float32)
        noise *= style.noise_sigma
        pixels += noise if pixels.ndim == 2 else noise[:, :, None]
    pixels = np.clip(pixels, 0, 255, out=pixels).astype(np.uint8)
    if style.noise in ("salt_pepper", "both"):
        specks = generator.random(pixels.shape[:2], dtype=np.float32) < style.speckle
        black = generator.random(pixels.shape[:2], dtype=np.float32) < 0.6  # toner specks outnumber dropouts
        pixels[specks & black] = 0
        pixels[specks & ~black] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=style.jpeg_quality, dpi=(style.dpi, style.dpi))
    scanned = Image.open(io.BytesIO(buffer.getvalue()))
    scanned.load()
    scanned.info["dpi"] = (style.dpi, style.dpi)
    scanned.info["scan"] = {**asdict(style), "page": number, "angle": round(angle, 4)}
    return scanned


def _dpi_of(image: Image.Image, default: int = 200) -> int:
    dpi = image.info.get("dpi", (default, default))
    return round(float(dpi[0]))


def page_images(images: Sequence[Image.Image], fmt: str) -> list[bytes]:
    """Each page as an image file: PNG, JPEG (at the scan's own quality) or TIFF (LZW, as scanners
    write it), with the scan's dpi recorded in the file."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format {fmt!r}: one of {IMAGE_FORMATS}")
    return [_image_file(image, fmt) for image in images]


def _image_file(image: Image.Image, fmt: str) -> bytes:
    dpi = _dpi_of(image)
    buffer = io.BytesIO()
    if fmt == "png":
        image.save(buffer, "PNG", dpi=(dpi, dpi), optimize=False)
    elif fmt == "jpeg":
        quality = image.info.get("scan", {}).get("jpeg_quality", 85)
        image.save(buffer, "JPEG", quality=quality, dpi=(dpi, dpi))
    else:
        image.save(buffer, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    return buffer.getvalue()


def long_image(images: Sequence[Image.Image], fmt: str = "jpeg", gap: int = 0) -> bytes:
    """The pages stacked top to bottom into one image file (`gap` white pixels between pages): how a
    whole report is posted as a single picture. Pages keep their own size; narrower ones are centred."""
    width = max(image.width for image in images)
    height = sum(image.height for image in images) + gap * (len(images) - 1)
    mode = "L" if all(image.mode == "L" for image in images) else "RGB"
    canvas = Image.new(mode, (width, height), _WHITE if mode == "L" else (_WHITE,) * 3)
    top = 0
    for image in images:
        canvas.paste(image.convert(mode), ((width - image.width) // 2, top))
        top += image.height + gap
    canvas.info = {"dpi": images[0].info.get("dpi", (200, 200)), "scan": images[0].info.get("scan", {})}
    return _image_file(canvas, fmt)


# ---------------------------------------------------------------------------------------------------
# Writing PDFs of page images (and, for the OCR-layer kind, invisible text): a minimal PDF writer.
# Pillow can write an image PDF too, but it stamps the time into every file (the same seed must give the
# same bytes) and cannot add text; pdfium can add text but embeds whole fonts (a CJK font is 10–20 MB).


@dataclass(frozen=True)
class _TextRun:
    """A run of invisible text: its string, and where it sits on the page (PDF points, y up)."""

    text: str
    x: float
    y: float  # baseline
    width: float
    height: float
    angle: float = 0.0  # degrees counter-clockwise: the page's skew


class _PdfWriter:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def reserve(self) -> int:
        self.objects.append(b"")
        return len(self.objects)

    def set(self, number: int, body: bytes) -> int:
        self.objects[number - 1] = body
        return number

    def add(self, body: bytes) -> int:
        return self.set(self.reserve(), body)

    def stream(self, header: bytes, data: bytes) -> int:
        return self.add(b"<<" + header + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream")

    def build(self, root: int) -> bytes:
        out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(self.objects) + 1, root, xref)
        return bytes(out)


def _jpeg(image: Image.Image) -> bytes:
    """The page as JPEG at the scan's own quality: re-encoding a decoded JPEG at its quality changes
    next to nothing, and a scanner's PDF holds JPEG (DCTDecode) images."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=image.info.get("scan", {}).get("jpeg_quality", 85))
    return buffer.getvalue()


def _utf16_hex(text: str) -> bytes:
    return text.encode("utf-16-be").hex().upper().encode()


_CODES_PER_FONT = 255  # a Type3 font's codes are single bytes; code 0 is left unused


def _images_pdf(images: Sequence[Image.Image], dpi: int | None, runs: Sequence[Sequence[_TextRun]] = ()) -> bytes:
    """A PDF with one page per image (the image filling the page at `dpi`, else each image's own), and
    on each page the runs of `runs` as invisible text (render mode 3): how OCR'd scans carry their text
    layer. The text is set in Type3 fonts whose glyphs draw nothing but have a full em box, and whose
    ToUnicode maps give each code its string: pdfium leaves out characters without a glyph box, so the
    glyph-less CID font OCR tools use would lose most characters here."""
    writer = _PdfWriter()
    catalog, pages_root = writer.reserve(), writer.reserve()
    codes: dict[str, int] = {}  # character -> its index among the fonts' codes, from 0
    for page_runs in runs:
        for run in page_runs:
            for char in run.text:
                codes.setdefault(char, len(codes))
    fonts = [writer.reserve() for _ in range(-(-len(codes) // _CODES_PER_FONT))]
    font_resources = b"/Font<<%s>>" % b"".join(b"/F%d %d 0 R" % (i, ref) for i, ref in enumerate(fonts))
    page_refs = []
    for index, image in enumerate(images):
        resolution = dpi or _dpi_of(image)
        width, height = image.width * 72 / resolution, image.height * 72 / resolution
        space = b"/DeviceGray" if image.mode == "L" else b"/DeviceRGB"
        header = b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace%s/BitsPerComponent 8" % (
            image.width,
            image.height,
            space,
        )
        picture = writer.stream(header + b"/Filter/DCTDecode", _jpeg(image.convert(image.mode)))
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q\n" % (width, height)
        page_runs = runs[index] if index < len(runs) else ()
        if page_runs:
            content += b"BT 3 Tr\n" + b"".join(_run_operators(run, codes) for run in page_runs) + b"ET\n"
        contents = writer.stream(b"", content)
        page_refs.append(
            writer.add(
                b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 %.4f %.4f]/Resources<</XObject<</Im0 %d 0 R>>%s>>"
                b"/Contents %d 0 R>>"
                % (pages_root, width, height, picture, font_resources if page_runs else b"", contents)
            )
        )
    if fonts:
        _invisible_fonts(writer, fonts, codes)
    kids = b" ".join(b"%d 0 R" % ref for ref in page_refs)
    writer.set(pages_root, b"<</Type/Pages/Kids[%s]/Count %d>>" % (kids, len(page_refs)))
    writer.set(catalog, b"<</Type/Catalog/Pages %d 0 R>>" % pages_root)
    return writer.build(catalog)


def _run_operators(run: _TextRun, codes: dict[str, int]) -> bytes:
    """One run: its font size the run's height, squeezed horizontally (Tz) to the run's width (every
    glyph is 1 em wide), each character shown in the font that holds its code."""
    size = max(run.height, 1.0)
    scale = 100.0 * run.width / (len(run.text) * size) if run.text else 100.0
    cos, sin = math.cos(math.radians(run.angle)), math.sin(math.radians(run.angle))
    out = b"%.3f Tz %.5f %.5f %.5f %.5f %.3f %.3f Tm" % (scale, cos, sin, -sin, cos, run.x, run.y)
    font = -1
    for char in run.text:
        index = codes[char]
        if index // _CODES_PER_FONT != font:
            font = index // _CODES_PER_FONT
            out += b" /F%d %.3f Tf" % (font, size)
        out += b" <%02X> Tj" % (index % _CODES_PER_FONT + 1)
    return out + b"\n"


def _invisible_fonts(writer: _PdfWriter, fonts: Sequence[int], codes: dict[str, int]) -> None:
    """The Type3 fonts of `_images_pdf`: glyphs 1 em wide and tall that paint nothing, and ToUnicode."""
    glyph = writer.stream(b"", b"1000 0 0 0 1000 1000 d1")
    by_index = sorted(codes.items(), key=lambda item: item[1])
    for number, ref in enumerate(fonts):
        chars = by_index[number * _CODES_PER_FONT : (number + 1) * _CODES_PER_FONT]
        names = b"".join(b"/g%d" % (i + 1) for i in range(len(chars)))
        procs = b"".join(b"/g%d %d 0 R" % (i + 1, glyph) for i in range(len(chars)))
        entries = [(i + 1, char) for i, (char, _) in enumerate(chars)]
        to_unicode = writer.stream(b"/Filter/FlateDecode", zlib.compress(_cmap(entries, b"<00> <FF>", 1), 9))
        writer.set(
            ref,
            b"<</Type/Font/Subtype/Type3/FontBBox[0 0 1000 1000]/FontMatrix[0.001 0 0 0.001 0 0]"
            b"/CharProcs<<%s>>/Encoding<</Type/Encoding/Differences[1 %s]>>/FirstChar 1/LastChar %d"
            b"/Widths[%s]/Resources<<>>/ToUnicode %d 0 R>>"
            % (procs, names, len(chars), b" ".join([b"1000"] * len(chars)), to_unicode),
        )


def _cmap(entries: Sequence[tuple[int, str]], codespace: bytes, width: int) -> bytes:
    """A ToUnicode CMap: each code (`width` bytes) to its string, in bfchar blocks of at most 100."""
    lines = [
        b"/CIDInit/ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def",
        b"/CMapName/Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange " + codespace + b" endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        lines.append(b"%d beginbfchar" % len(block))
        lines += [b"<%0*X> <%s>" % (width * 2, code, _utf16_hex(text)) for code, text in block]
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict/CMap defineresource pop end end")
    return b"\n".join(lines)


def image_only_pdf(images: Sequence[Image.Image], dpi: int | None = None) -> bytes:
    """The page images as a PDF with no text layer at all (a scanner's PDF). Each page measures its
    image at `dpi` (default: the dpi the image carries), so the page keeps the source's paper size."""
    return _images_pdf(images, dpi)


# ---------------------------------------------------------------------------------------------------
# Garbage text layers


def text_profile(text: str) -> dict[str, Any]:
    """What a plausibility test sees in a text layer: its non-space characters, the shares of common
    CJK (U+4E00–U+9FFF after NFKC, where every template character lives), private-use and ASCII
    characters, and the template words it holds."""
    folded = unicodedata.normalize("NFKC", text)
    chars = [c for c in folded if not c.isspace()]
    total = len(chars) or 1
    squeezed = "".join(chars)
    return {
        "chars": len(chars),
        "cjk_share": sum("\u4e00" <= c <= "\u9fff" for c in chars) / total,
        "private_use_share": sum(unicodedata.category(c) == "Co" for c in chars) / total,
        "ascii_share": sum(c.isascii() for c in chars) / total,
        "template_words": [word for word in TEMPLATE_WORDS if word in squeezed],
    }


def pdf_text(pdf: bytes) -> list[str]:
    """The text layer of each page, as pypdfium2 (the pipeline's PDF reader) extracts it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def _mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (bytes it leaves undefined read as Latin-1): '政' -> 'æ”¿'."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


class _Garbler:
    """One document's broken character map: the same character always comes out as the same garbage.
    Whitespace stays (a space glyph maps to a space in broken maps too)."""

    def __init__(self, rng: random.Random, garble: str) -> None:
        if garble not in GARBLES:
            raise ValueError(f"garble {garble!r}: one of {GARBLES}")
        self.rng, self.garble = rng, garble
        self.memo: dict[str, str] = {}
        self.used: set[str] = set()

    def _draw(self, low: int, high: int) -> str:
        while True:
            char = chr(self.rng.randint(low, high))
            if char not in self.used:
                self.used.add(char)
                return char

    def of(self, source: str) -> str:
        """The garbage a glyph mapped to `source` (one character, or a ligature's few) comes out as."""
        if not source or source.isspace():
            return source
        if source not in self.memo:
            if self.garble == "private_use":
                self.memo[source] = self._draw(0xE000, 0xF8FF)
            elif self.garble == "rare_cjk":
                self.memo[source] = self._draw(0x3400, 0x4DB5)  # Extension A: NFKC leaves it alone
            elif self.garble == "latin_mojibake":
                self.memo[source] = _mojibake(source)
            else:
                raise ValueError("a shuffled map permutes a whole set at once: use `mapping`")
        return self.memo[source]

    def mapping(self, sources: Iterable[str]) -> dict[str, str]:
        """The garbage for each of `sources` (one font's map, or every character of a text layer). Shuffled:
        the set's own strings permuted among its glyphs (a map made for another subset of the font)."""
        distinct = sorted(set(sources))
        if self.garble != "shuffled":
            return {source: self.of(source) for source in distinct}
        moved = [s for s in distinct if s and not s.isspace()]
        targets = list(moved)
        self.rng.shuffle(targets)
        return {**{s: s for s in distinct}, **dict(zip(moved, targets, strict=True))}


# ToUnicode rewriting: the source PDF with an incremental update replacing every font's ToUnicode stream.

_TO_UNICODE = re.compile(rb"/ToUnicode\s*(\d+)\s+(\d+)\s+R")
_HEX_OR_BRACKET = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[|\]")


def _find_object(data: bytes, number: int, generation: int) -> re.Match[bytes] | None:
    """The last definition of object `number generation` in the file (later updates override earlier)."""
    found = None
    for match in re.finditer(rb"(?<![0-9])%d\s+%d\s+obj\b" % (number, generation), data):
        found = match
    return found


def _stream_of(data: bytes, number: int, generation: int) -> tuple[bytes, bytes] | None:
    """(dictionary, decoded data) of a stream object, or None where it cannot be decoded here."""
    match = _find_object(data, number, generation)
    if match is None:
        return None
    start = data.find(b"stream", match.end())
    if start < 0:
        return None
    header = data[match.end() : start]
    body_start = start + len(b"stream")
    body_start += 2 if data[body_start : body_start + 2] == b"\r\n" else 1
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", header)
    if length:
        raw = data[body_start : body_start + int(length[1])]
    else:  # an indirect /Length: the data ends at endstream
        end = data.find(b"endstream", body_start)
        raw = data[body_start:end].rstrip(b"\r\n")
    filters = re.findall(rb"/(\w+Decode)", header)
    if not filters:
        return header, raw
    if filters != [b"FlateDecode"] or b"/DecodeParms" in header:
        return None
    try:
        return header, zlib.decompress(raw)
    except zlib.error:
        return None


def _object_streams(data: bytes) -> Iterable[bytes]:
    """The decoded contents of the file's object streams (font dictionaries may sit inside them)."""
    for match in re.finditer(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\s*<<[^>]*?/Type\s*/ObjStm", data):
        stream = _stream_of(data, int(match[1]), int(match[2]))
        if stream is not None:
            yield stream[1]


def _parse_cmap(cmap: bytes) -> tuple[bytes, int, list[tuple[int, str]]]:
    """(codespace ranges as written, code width in bytes, [(code, string)]) of a ToUnicode CMap."""
    codespace = re.search(rb"begincodespacerange(.*?)endcodespacerange", cmap, re.S)
    space = codespace[1].strip() if codespace else b"<0000> <FFFF>"
    first = re.search(rb"<([0-9A-Fa-f]+)>", space)
    width = len(first[1]) // 2 if first else 2
    entries: dict[int, str] = {}

    def string(hexdigits: bytes) -> str:
        raw = bytes.fromhex(re.sub(rb"\s", b"", hexdigits).decode())
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        tokens = [m[1] for m in _HEX_OR_BRACKET.finditer(block) if m[1] is not None]
        for src, dst in zip(tokens[::2], tokens[1::2], strict=False):
            entries[int(src, 16)] = string(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        tokens = [m[0] for m in _HEX_OR_BRACKET.finditer(block)]
        i = 0
        while i + 2 < len(tokens):
            low, high = int(tokens[i][1:-1], 16), int(tokens[i + 1][1:-1], 16)
            if tokens[i + 2] == b"[":  # <lo> <hi> [<dst> <dst> ...]
                end = tokens.index(b"]", i + 3)
                for offset, dst in enumerate(tokens[i + 3 : end]):
                    entries[low + offset] = string(dst[1:-1])
                i = end + 1
            else:  # <lo> <hi> <dst>: the last UTF-16 unit counts up
                base = string(tokens[i + 2][1:-1])
                for offset in range(high - low + 1):
                    entries[low + offset] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
                i += 3
    return space, width, sorted(entries.items())


def _incremental_update(data: bytes, replaced: dict[tuple[int, int], bytes]) -> bytes:
    """`data` with an incremental update appended that redefines the objects of `replaced` (the file's
    own bytes are untouched, as editors save; pdfium reads the newest definition). The update's cross
    reference is a classic table whose /Prev points at the file's last one, table or stream."""
    startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", data)[-1]
    info = re.findall(rb"/Info\s+(\d+\s+\d+\s+R)", data)
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = []
    for (number, generation), body in sorted(replaced.items()):
        offsets.append((number, generation, len(out)))
        out += b"%d %d obj\n" % (number, generation) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    out += b"".join(b"%d 1\n%010d %05d n \n" % (n, offset, g) for n, g, offset in offsets)
    extra = b"/Info " + info[-1] if info else b""
    out += b"trailer\n<</Size %d/Root %s%s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, extra, startxref, xref)
    return bytes(out)


def garble_font_maps(pdf: bytes, rng: random.Random, garble: str) -> bytes:
    """`pdf` with every font's ToUnicode map rewritten by `garble` (the page renders exactly as before;
    its text layer is garbage). Raises ValueError when the file has no map this can rewrite."""
    holders = (pdf, *_object_streams(pdf))  # font dictionaries, in the file or inside object streams
    refs = sorted({(int(n), int(g)) for holder in holders for n, g in _TO_UNICODE.findall(holder)})
    garbler = _Garbler(rng, garble)
    replaced: dict[tuple[int, int], bytes] = {}
    for number, generation in refs:
        stream = _stream_of(pdf, number, generation)
        if stream is None:
            continue
        codespace, width, entries = _parse_cmap(stream[1])
        if not entries:
            continue
        mapping = garbler.mapping(text for _, text in entries)  # per font, as each font has its own map
        new = [(code, mapping[text]) for code, text in entries]
        body = zlib.compress(_cmap(new, codespace, width), 9)
        replaced[(number, generation)] = (
            b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(body) + body + (b"\nendstream")
        )
    if not replaced:
        raise ValueError("the PDF has no ToUnicode map that can be rewritten")
    return _incremental_update(pdf, replaced)


def _source_runs(textpage: Any) -> list[tuple[str, float, float, float, float]]:
    """The page's words as an OCR engine would box them: (text, left, bottom, right, top), each a run of
    characters on one line with no space and no gap wider than half a character between them."""
    runs: list[tuple[str, float, float, float, float]] = []
    chars: list[str] = []
    box: list[float] = []
    for i in range(textpage.count_chars()):
        code = pypdfium2.raw.FPDFText_GetUnicode(textpage.raw, i)
        char = " " if 0xD800 <= code <= 0xDFFF else chr(code)  # half of a pair (a rare Extension B name): dropped
        left, bottom, right, top = textpage.get_charbox(i)
        same_run = (
            chars
            and not char.isspace()
            and abs(bottom - box[1]) < 0.3 * max(top - bottom, 1.0)
            and -0.5 < left - box[2] < 0.5 * max(top - bottom, 1.0)
        )
        if chars and not same_run:
            runs.append(("".join(chars), box[0], box[1], box[2], box[3]))
            chars, box = [], []
        if char.isspace() or right <= left:
            continue
        if chars:
            box = [box[0], min(box[1], bottom), max(box[2], right), max(box[3], top)]
        else:
            box = [left, bottom, right, top]
        chars.append(char)
    if chars:
        runs.append(("".join(chars), box[0], box[1], box[2], box[3]))
    return runs


def _text_runs(pdf: bytes, images: Sequence[Image.Image]) -> list[list[_TextRun]]:
    """The source's words placed on the scanned pages: scaled to the scan's page size and turned with
    the page's skew about its centre, as an OCR layer follows its image."""
    document = pypdfium2.PdfDocument(pdf)
    out: list[list[_TextRun]] = []
    try:
        for index, image in enumerate(images):
            number = image.info.get("scan", {}).get("page", index + 1)
            page = document[number - 1]
            textpage = page.get_textpage()
            try:
                source_width, source_height = page.get_size()
                dpi = _dpi_of(image)
                width, height = image.width * 72 / dpi, image.height * 72 / dpi
                sx, sy = width / source_width, height / source_height
                angle = image.info.get("scan", {}).get("angle", 0.0)
                cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
                runs = []
                for text, left, bottom, right, top in _source_runs(textpage):
                    x, y = left * sx - width / 2, bottom * sy - height / 2
                    runs.append(
                        _TextRun(
                            text,
                            width / 2 + x * cos - y * sin,
                            height / 2 + x * sin + y * cos,
                            (right - left) * sx,
                            (top - bottom) * sy,
                            angle,
                        )
                    )
                out.append(runs)
            finally:
                textpage.close()
                page.close()
    finally:
        document.close()
    return out


def ocr_layer_pdf(pdf: bytes, rng: random.Random, garble: str, images: Sequence[Image.Image] | None = None) -> bytes:
    """A scan of `pdf` (its `images`, else scanned now with a drawn style) carrying an invisible text
    layer of garbage where the source's text runs are: a copier's OCR gone wrong."""
    images = images if images is not None else scan_pages(pdf, rng)
    runs = _text_runs(pdf, images)
    mapping = _Garbler(rng, garble).mapping(c for page in runs for run in page for c in run.text)
    garbled = [[replace(run, text="".join(mapping[c] for c in run.text)) for run in page] for page in runs]
    return _images_pdf(images, None, garbled)


def garbled_text_layer_pdf(
    pdf: bytes,
    rng: random.Random,
    kind: str | None = None,
    garble: str | None = None,
    images: Sequence[Image.Image] | None = None,
    attempts: int = 20,
) -> bytes:
    """A PDF that shows the report of `pdf` but whose text layer is garbage (`kind` and `garble` drawn
    from `rng` when not given; `images`: the scan the `ocr_layer` kind lays its text over). A garbling
    whose text layer holds a template word (a shuffled map can spell 公开 by chance) is redrawn; after
    `attempts` draws, ValueError."""
    kind = kind or rng.choice(GARBLED_KINDS)
    garble = garble or rng.choice(GARBLES)
    if kind not in GARBLED_KINDS:
        raise ValueError(f"garbled kind {kind!r}: one of {GARBLED_KINDS}")
    if kind == "ocr_layer" and images is None:
        images = scan_pages(pdf, rng)
    for _ in range(attempts):
        out = garble_font_maps(pdf, rng, garble) if kind == "font_map" else ocr_layer_pdf(pdf, rng, garble, images)
        if not text_profile("\n".join(pdf_text(out)))["template_words"]:
            return out
    raise ValueError(f"{kind}/{garble}: every garbling drawn still spells a template word")


# ---------------------------------------------------------------------------------------------------
# One scanned rendering of a report (the fuzzer's `scanned` share)

SCANNED_OUTPUTS = ("scan", "garbled-fontmap", "garbled-ocrlayer", "image")
_SCANNED_WEIGHTS = (3, 2, 1, 1)  # image-only PDFs are what scanned reports mostly are


@dataclass(frozen=True)
class Scanned:
    data: bytes
    reads_as: str  # the format the pipeline reads it as: "pdf" or "image"
    suffix: str  # its file name's extension
    quirks: str  # "scanned(output) ...": what was made and how


def scanned(pdf: bytes, rng: random.Random, output: str | None = None) -> Scanned:
    """`pdf` as one scanned `output` (drawn from `rng` when not given): an image-only PDF, a garbled
    font map, a scan under a garbled OCR layer, or the whole report as one image file."""
    output = output or rng.choices(SCANNED_OUTPUTS, _SCANNED_WEIGHTS)[0]
    if output == "garbled-fontmap":
        garble = rng.choice(GARBLES)
        try:
            data = garbled_text_layer_pdf(pdf, rng, "font_map", garble)
            return Scanned(data, "pdf", ".pdf", f"scanned({output}) garble={garble}")
        except ValueError:  # no rewritable font map: a scan under a garbled OCR layer instead
            output = "garbled-ocrlayer"
    if output not in SCANNED_OUTPUTS:
        raise ValueError(f"scanned output {output!r}: one of {SCANNED_OUTPUTS}")
    style = random_scan_style(rng)
    images = scan_pages(pdf, rng, style)
    angles = ",".join(f"{image.info['scan']['angle']:+.2f}" for image in images)
    how = f"{describe(style)} angles=[{angles}]"
    if output == "scan":
        return Scanned(image_only_pdf(images), "pdf", ".pdf", f"scanned({output}) {how}")
    if output == "garbled-ocrlayer":
        garble = rng.choice(GARBLES)
        data = garbled_text_layer_pdf(pdf, rng, "ocr_layer", garble, images)
        return Scanned(data, "pdf", ".pdf", f"scanned({output}) garble={garble} {how}")
    fmt = rng.choice(("jpeg", "png"))
    return Scanned(long_image(images, fmt), "image", ".jpg" if fmt == "jpeg" else ".png", f"scanned(image {fmt}) {how}")


# ---------------------------------------------------------------------------------------------------
# Fixtures: a folder of source reports into scans with expected JSON


def table_pages(pdf: bytes) -> list[int]:
    """The 1-based pages whose text layer holds a statistics table (sections 二, 三, 四)."""
    pages = []
    for number, text in enumerate(pdf_text(pdf), 1):
        key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        if any(marker in key for marker in _TABLE_MARKERS):
            pages.append(number)
    return pages


@dataclass(frozen=True)
class Source:
    """A report to scan: its PDF and expected numbers, and where the PDF came from."""

    name: str  # the source file's base name, or the expected file's stem for a rendered one
    pdf: bytes
    numbers: dict[str, Any]
    origin: str  # "pdf", or how a PDF was made from it ("docx->pdf", "html->pdf", "txt->pdf")


SOURCE_KINDS = ("pdf", "json", "docx", "html", "txt")


def sources(folder: Path, kinds: Sequence[str] = ("pdf", "json"), template_docx: Path | None = None) -> list[Source]:
    """The reports of `folder`: every `<name>.expected.json` whose source `<name>` (or the file its
    `file` key names) is a PDF; with "docx"/"html"/"txt" in `kinds`, those printed to PDF by LibreOffice;
    with "json", an expected file whose source is not in the folder rendered first (the official DOCX
    template filled, or the HTML page for the 2019 format) and printed."""
    from tests.support import render

    found = []
    for path in sorted(folder.glob("*.expected.json")):
        numbers = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".expected.json")
        source = folder / name
        if not source.is_file():
            source = folder / str(numbers.get("file", ""))
        suffix = source.suffix.lower().lstrip(".") if source.is_file() else ""
        suffix = {"htm": "html", "md": "txt"}.get(suffix, suffix)
        if suffix == "pdf" and "pdf" in kinds:
            found.append(Source(source.name, source.read_bytes(), numbers, "pdf"))
        elif suffix in ("docx", "html", "txt") and suffix in kinds:
            pdf = render.convert_to_pdf(source.read_bytes(), f".{suffix}")
            found.append(Source(source.name, pdf, numbers, f"{suffix}->pdf"))
        elif not suffix and "json" in kinds:
            stem = Path(str(numbers.get("file") or name)).stem
            if numbers.get("template", "2021") != "2019" and template_docx is not None and template_docx.exists():
                pdf = render.convert_to_pdf(render.render_docx(numbers, template_docx), ".docx")
                found.append(Source(stem, pdf, numbers, "rendered docx->pdf"))
            else:
                pdf = render.convert_to_pdf(render.render_html(numbers), ".html")
                found.append(Source(stem, pdf, numbers, "rendered html->pdf"))
    return found


def _write(folder: Path, name: str, data: bytes, numbers: dict[str, Any], quirks: str, **extra: Any) -> Path:
    """A fixture and its `<name>.expected.json`: the source's numbers with `file` set to `name`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    expected = {**numbers, "file": name, "quirks": quirks, **extra}
    (folder / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def make_fixtures(source: Source, seed: int, out: Path, all_pages: bool = False) -> list[Path]:
    """One source scanned with `seed`: into `out/reports/` the image-only PDF, the font-map and the
    OCR-layer garbled PDFs and the long image; into `out/pages/` an image of each table page (every
    page with `all_pages`). Each with its expected JSON."""
    rng = random.Random(f"{source.name}/{seed}")
    stem = Path(source.name).stem if source.origin == "pdf" else source.name
    base = f"{stem}.s{seed}"
    style = random_scan_style(rng)
    images = scan_pages(source.pdf, rng, style)
    angles = ", ".join(f"{image.info['scan']['angle']:+.2f}" for image in images)
    scanned = f"scan of {source.name} ({source.origin}) {describe(style)} angles=[{angles}]"
    reports, pages = out / "reports", out / "pages"
    written = [
        _write(reports, f"{base}.scan.pdf", image_only_pdf(images), source.numbers, f"image-only PDF, {scanned}")
    ]
    garble = rng.choice(GARBLES)
    try:
        data = garbled_text_layer_pdf(source.pdf, rng, "font_map", garble)
        quirks = f"font_map garble={garble}: {source.name} ({source.origin}) with its ToUnicode maps rewritten"
        written.append(_write(reports, f"{base}.garbled-fontmap.pdf", data, source.numbers, quirks))
    except ValueError as exc:  # no rewritable map (a font without ToUnicode): the OCR-layer kind covers it
        print(f"scans: {source.name}: no font-map garbling ({exc})", file=sys.stderr)
    garble = rng.choice(GARBLES)
    data = garbled_text_layer_pdf(source.pdf, rng, "ocr_layer", garble, images)
    quirks = f"ocr_layer garble={garble}: invisible garbage text over the {scanned}"
    written.append(_write(reports, f"{base}.garbled-ocrlayer.pdf", data, source.numbers, quirks))
    fmt = rng.choice(("jpeg", "jpeg", "png"))
    suffix = {"jpeg": "jpg", "png": "png"}[fmt]
    quirks = f"the pages stacked into one {fmt} image, {scanned}"
    written.append(_write(reports, f"{base}.long.{suffix}", long_image(images, fmt), source.numbers, quirks))
    numbers = range(1, len(images) + 1) if all_pages else table_pages(source.pdf)
    for number in numbers:
        image = images[number - 1]
        fmt = rng.choice(IMAGE_FORMATS)
        suffix = {"jpeg": "jpg", "png": "png", "tiff": "tif"}[fmt]
        quirks = f"page {number} of {len(images)} as {fmt}, {scanned}"
        data = page_images([image], fmt)[0]
        note = "one page of the report: only the cells printed on this page can be read from it"
        written.append(
            _write(pages, f"{base}.p{number}.{suffix}", data, source.numbers, quirks, page=number, note=note)
        )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.scans", description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="folder of reports with <name>.expected.json beside them")
    parser.add_argument("out", type=Path, help="output folder (reports/ and pages/ are made inside)")
    parser.add_argument("--seed", type=int, action="append", help="seed (repeatable; default 0)")
    parser.add_argument(
        "--sources",
        default="pdf,json",
        help="what to take from SRC: pdf (PDFs), json (expected files without a source, rendered and "
        "printed), docx, html, txt (printed by LibreOffice); comma-separated, default pdf,json",
    )
    parser.add_argument("--all-pages", action="store_true", help="an image of every page, not only table pages")
    parser.add_argument("--template-docx", type=Path, help="the official blank template for rendering (json)")
    args = parser.parse_args(argv)
    kinds = tuple(k.strip() for k in args.sources.split(",") if k.strip())
    unknown = set(kinds) - set(SOURCE_KINDS)
    if unknown:
        parser.error(f"--sources: unknown {sorted(unknown)}; one of {SOURCE_KINDS}")
    if not args.src.is_dir():
        parser.error(f"{args.src} is not a folder")
    template = args.template_docx
    if template is None:
        from pipeline.settings import PROJECT_ROOT

        template = PROJECT_ROOT.parent / "shared" / "fixtures" / "real" / "政务公开年报模版.docx"
    started = time.perf_counter()
    found = sources(args.src, kinds, template)
    if not found:
        print(f"scans: no reports with expected files in {args.src} (sources: {','.join(kinds)})", file=sys.stderr)
        return 1
    written: list[Path] = []
    for source in found:
        for seed in args.seed or [0]:
            began = time.perf_counter()
            made = make_fixtures(source, seed, args.out, args.all_pages)
            size = sum(p.stat().st_size for p in made)
            print(f"scans: {source.name} seed {seed}: {len(made)} files, {size / 1e6:.1f} MB, "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
            written += made
    print(f"scans: wrote {len(written)} files to {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
