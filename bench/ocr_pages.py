"""Benchmark 6: reading a scanned report by OCR, against the text-layer path on the same report, same run.

The real report ../shared/fixtures/real/szfgs2024.pdf (6 pages, a text layer) and its scan made by
`tests.support.scans` (every page rendered at 200 dpi, skewed, noised, JPEG'd, put back into an image-only
PDF: what a scanner gives) are each read and parsed (`read_document` + `parse_document`):

- text layer: the PDF as published (no page is OCR'd);
- OCR, one page at a time: the scan with `ocr_workers=1`;
- OCR, pages in parallel: the scan with `ocr_workers=0` (one thread per core).

Each is measured `repeats` times (interleaved, a garbage collection before each, medians) after one warm-up
call (imports, the OCR engine's models: reported apart). Cells right against the expected file are
counted for each, beside the time: speed bought with wrong numbers would not count.

    python -m bench.ocr_pages [--repeats 3]
"""

import argparse
import gc
import json
import random
import sys
from dataclasses import replace

from bench.common import Section, Table, Target, log, median, section_markdown, timed
from pipeline.parse import parse_document
from pipeline.read import read_document
from pipeline.settings import PROJECT_ROOT, Settings
from tests.support.scans import ScanStyle, image_only_pdf, scan_pages

REAL_PDF = PROJECT_ROOT.parent / "shared" / "fixtures" / "real" / "szfgs2024.pdf"
# The target: at most 3 s per OCR'd page on two cores, pages in parallel.
TARGET_SECONDS_PER_PAGE = 3.0
STYLE = ScanStyle(dpi=200, blur=0.5, noise="both", jpeg_quality=70, brightness=-8.0, contrast=0.95)
TABLES = ("proactive", "applications", "review_litigation")


def _cells_right(data: bytes, settings: Settings, expected: dict) -> tuple[int, int, int]:
    """(right, NULL, wrong) over the expected file's cells."""
    report = parse_document(read_document(data, "pdf", settings))
    got = {(c.table, c.row_key, c.col_key): c.value for c in report.cells}
    right = null = wrong = 0
    for table in TABLES:
        for row, cols in expected[table].items():
            for col, want in cols.items():
                value = got.get((table, row, col))
                right += value == want
                null += value is None and want is not None
                wrong += value is not None and value != want
    return right, null, wrong


def run(repeats: int = 3) -> Section:
    title = "Scanned reports: OCR time per page against the text layer"
    method = (
        f"The real report ({REAL_PDF.name}) as published, and its scan made by `tests.support.scans` "
        f"(200 dpi, skew, noise, JPEG: {STYLE.jpeg_quality}), read and parsed {repeats}× each, interleaved, "
        "medians; one warm-up call first (the OCR engine loads its models). `ocr_workers=1` reads one page at "
        "a time; `0` one page per core."
    )
    if not REAL_PDF.exists():
        return Section(title, method, skipped=f"{REAL_PDF} is absent (../shared not beside the project)")
    source = REAL_PDF.read_bytes()
    expected = json.loads(REAL_PDF.with_name(REAL_PDF.name + ".expected.json").read_text(encoding="utf-8"))
    scan = image_only_pdf(scan_pages(source, random.Random(0), STYLE))
    pages = 6
    base = Settings()
    methods = {
        "text layer": (source, base),
        "OCR, one page at a time": (scan, replace(base, ocr_workers=1)),
        "OCR, pages in parallel": (scan, replace(base, ocr_workers=0)),
    }
    cold, _ = timed(lambda: read_document(scan, "pdf", base))
    log(f"ocr_pages: first call (models load, the whole scan read) {cold:.1f} s")
    times: dict[str, list[float]] = {name: [] for name in methods}
    for i in range(repeats):
        for name in list(methods)[i % len(methods) :] + list(methods)[: i % len(methods)]:
            data, settings = methods[name]
            gc.collect()
            seconds, _ = timed(lambda d=data, s=settings: parse_document(read_document(d, "pdf", s)))
            times[name].append(seconds)
            log(f"ocr_pages: {name} {seconds:.2f} s")
    accuracy = {name: _cells_right(data, settings, expected) for name, (data, settings) in methods.items()}
    text_ms = median(times["text layer"]) * 1000
    rows = []
    for name in methods:
        seconds = median(times[name])
        right, null, wrong = accuracy[name]
        rows.append(
            [
                name,
                f"{seconds * 1000:.0f}",
                f"{seconds * 1000 / pages:.0f}",
                f"{seconds * 1000 / text_ms:.0f}×",
                f"{right}/{right + null + wrong}",
                wrong,
            ]
        )
    parallel = median(times["OCR, pages in parallel"]) / pages
    return Section(
        title,
        method,
        tables=[
            Table(
                ["path", "ms per report", "ms per page", "vs text layer", "cells right", "wrong values"],
                rows,
                caption=f"{pages} pages, every one OCR'd in the scan; "
                f"first call (models loading, then the whole scan) {cold:.1f} s",
            )
        ],
        targets=[Target("seconds per OCR'd page, pages in parallel", parallel, "≤", TARGET_SECONDS_PER_PAGE, " s")],
        notes=[
            "Per page: rendering at 200 dpi, deskewing, the engine's page pass (text detection and "
            "recognition), and every figure cell of the statistics tables read again alone "
            "(`pipeline/read/ocr.py`).",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocr_pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("\n".join(section_markdown(6, run(args.repeats))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
