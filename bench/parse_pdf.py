"""Benchmark 1: per-PDF parse time against two baselines measured in the same run on the same files.

- floor: pypdfium2 text extraction of every page (the least any text-layer reader does);
- naive: pdfplumber `extract_text` + `extract_tables` on every page (the obvious way);
- ours: `pipeline.read.read_document(bytes, "pdf", settings)` + `pipeline.parse.parse_document`.

Each file is measured `repeats` times, the three methods interleaved (rotating their order) so that load
from other work on the machine falls on all of them alike; figures are medians. One warm-up call of each
method comes first (imports, jieba's dictionary), reported apart as the cold first call.

Files: the real report ../shared/fixtures/real/szfgs2024.pdf (skipped with a note if absent) and a few
PDFs of the benchmark corpus (rendered from generated reports by LibreOffice, when it is installed).

    python -m bench.parse_pdf [--repeats 5] [--corpus-size 1000]
"""

import argparse
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2

from bench.common import Section, Table, Target, log, median, section_markdown
from pipeline.parse import parse_document
from pipeline.read import pdf as pdf_reader
from pipeline.read import read_document
from pipeline.settings import PROJECT_ROOT, Settings

REAL_PDF = PROJECT_ROOT.parent / "shared" / "fixtures" / "real" / "szfgs2024.pdf"
FLOOR_TARGET = 5.0  # ours ≤ 5 × floor
NAIVE_TARGET = 0.3  # ours ≤ 0.3 × naive


def floor(data: bytes) -> int:
    """pypdfium2: the text of every page."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        chars = 0
        for page in pdf:
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return chars
    finally:
        pdf.close()


def naive(data: bytes) -> int:
    """pdfplumber: extract_text and extract_tables on every page."""
    found = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found += len(page.extract_text() or "")
            found += len(page.extract_tables())
    return found


def ours(data: bytes, settings: Settings) -> tuple[float, float, int]:
    """The pipeline's own path: (read seconds, parse seconds, cells)."""
    started = time.perf_counter()
    document = read_document(data, "pdf", settings)
    read_done = time.perf_counter()
    report = parse_document(document)
    return read_done - started, time.perf_counter() - read_done, len(report.cells)


@dataclass
class FileResult:
    name: str
    kind: str
    pages: int
    table_pages: int  # pages pdfplumber parses in our reader
    floor_s: list[float] = field(default_factory=list)
    naive_s: list[float] = field(default_factory=list)
    read_s: list[float] = field(default_factory=list)
    parse_s: list[float] = field(default_factory=list)
    cells: int = 0

    @property
    def ours_s(self) -> list[float]:
        return [r + p for r, p in zip(self.read_s, self.parse_s, strict=True)]


def pdf_files(corpus_pdfs: list[tuple[Path, str]], limit: int = 3) -> list[tuple[Path, str]]:
    """The real PDF (if present) and up to `limit` corpus PDFs: those rendered from DOCX (ruled tables)
    first, then one printed from a text dump (no ruling lines) if there is one."""
    files = [(REAL_PDF, "real report (淮安市, 2024)")] if REAL_PDF.exists() else []
    ruled = [(p, "generated, DOCX → PDF") for p, q in corpus_pdfs if q.startswith("from docx")]
    text = [(p, "generated, text → PDF") for p, q in corpus_pdfs if q.startswith("from text")]
    picked = ruled[: limit - 1 if text else limit] + text[:1]
    return files + picked[:limit]


def _table_pages(data: bytes, settings: Settings) -> int:
    _, ruled = pdf_reader._page_texts(data, settings)
    return min(sum(ruled), settings.max_table_pages)


def measure(files: list[tuple[Path, str]], repeats: int) -> tuple[list[FileResult], dict[str, float]]:
    """Every file `repeats` times by each method, interleaved; plus the cold first call of each method."""
    settings = Settings()
    blobs = {path: path.read_bytes() for path, _ in files}
    cold: dict[str, float] = {}
    if files:
        first = blobs[files[0][0]]
        methods: dict[str, Callable[[], object]] = {
            "floor": lambda: floor(first),
            "naive": lambda: naive(first),
            "ours": lambda: ours(first, settings),
        }
        for name, fn in methods.items():
            started = time.perf_counter()
            fn()
            cold[name] = time.perf_counter() - started
    results = []
    for path, kind in files:
        data = blobs[path]
        pdf = pypdfium2.PdfDocument(data)
        result = FileResult(path.name, kind, len(pdf), _table_pages(data, settings))
        pdf.close()
        for r in range(repeats):
            order = ("floor", "naive", "ours")[r % 3 :] + ("floor", "naive", "ours")[: r % 3]
            for method in order:
                started = time.perf_counter()
                if method == "floor":
                    floor(data)
                    result.floor_s.append(time.perf_counter() - started)
                elif method == "naive":
                    naive(data)
                    result.naive_s.append(time.perf_counter() - started)
                else:
                    read_s, parse_s, result.cells = ours(data, settings)
                    result.read_s.append(read_s)
                    result.parse_s.append(parse_s)
        log(
            f"parse_pdf: {path.name}: ours {median(result.ours_s) * 1000:.0f} ms, floor "
            f"{median(result.floor_s) * 1000:.0f} ms, naive {median(result.naive_s) * 1000:.0f} ms"
        )
        results.append(result)
    return results, cold


def profile_stages(data: bytes, repeats: int = 3) -> list[tuple[str, float]]:
    """Where our read of one PDF spends its time (medians): the pypdfium2 pass, opening the file in
    pdfplumber, pdfminer's parse of the table pages' content streams, table finding and extraction,
    then the parser."""
    settings = Settings()
    stages: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        stages.setdefault(name, []).append(seconds)

    for _ in range(repeats):
        t0 = time.perf_counter()
        texts, ruled = pdf_reader._page_texts(data, settings)
        t1 = time.perf_counter()
        add("pypdfium2: text of every page, which pages hold ruled tables", t1 - t0)
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            t2 = time.perf_counter()
            add("pdfplumber.open", t2 - t1)
            layout = tables = 0.0
            for i, is_table in enumerate(ruled):
                if not is_table:
                    continue
                page = plumber.pages[i]
                t3 = time.perf_counter()
                _ = page.objects  # pdfminer: the page's content stream into chars, lines and rects
                t4 = time.perf_counter()
                pdf_reader._plumber_lines(page, i + 1)
                layout += t4 - t3
                tables += time.perf_counter() - t4
            add(f"pdfminer: content streams of the {sum(ruled)} table pages", layout)
            add("pdfplumber: find_tables, extract, text lines around the tables", tables)
        document = read_document(data, "pdf", settings)
        t5 = time.perf_counter()
        parse_document(document)
        add("parse_document (sections, labels, cells)", time.perf_counter() - t5)
        del texts
    return [(name, median(values)) for name, values in stages.items()]


def pdfium_objects_cost(data: bytes, repeats: int = 3) -> float:
    """What a pypdfium2-only table reader would pay for its raw material on the table pages: every
    character with its box and every path object with its bounds (median seconds per file)."""
    settings = Settings()
    _, ruled = pdf_reader._page_texts(data, settings)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        pdf = pypdfium2.PdfDocument(data)
        for i, is_table in enumerate(ruled):
            if not is_table:
                continue
            page = pdf[i]
            textpage = page.get_textpage()
            boxes = [textpage.get_charbox(c, loose=True) for c in range(textpage.count_chars())]
            paths = [obj.get_bounds() for obj in page.get_objects([pypdfium2.raw.FPDF_PAGEOBJ_PATH])]
            del boxes, paths
            textpage.close()
            page.close()
        pdf.close()
        times.append(time.perf_counter() - started)
    return median(times)


def run(corpus_pdfs: list[tuple[Path, str]], repeats: int = 5) -> Section:
    """Benchmark 1 as a RESULTS section."""
    files = pdf_files(corpus_pdfs)
    method = (
        f"Each PDF is read {repeats} times by each method, interleaved; medians in milliseconds. *floor*: "
        "pypdfium2 text extraction of every page. *naive*: pdfplumber `extract_text` + `extract_tables` on "
        "every page. *ours*: `read_document(bytes, 'pdf', settings)` + `parse_document` (read + parse). "
        f"Targets: ours ≤ {FLOOR_TARGET:g}× floor and ≤ {NAIVE_TARGET:g}× naive."
    )
    section = Section("PDF parse time against the floor and the naive way", method)
    if not REAL_PDF.exists():
        section.notes.append(f"{REAL_PDF} is absent: the real report is not measured.")
    if not corpus_pdfs:
        section.notes.append("No generated PDFs: LibreOffice (soffice) is not installed or the corpus has none.")
    if not files:
        section.skipped = "no PDF to measure"
        return section
    results, cold = measure(files, repeats)
    rows = []
    for r in results:
        ours_ms, floor_ms, naive_ms = (median(x) * 1000 for x in (r.ours_s, r.floor_s, r.naive_s))
        rows.append(
            [
                r.name,
                r.kind,
                r.pages,
                r.table_pages,
                r.cells,
                floor_ms,
                naive_ms,
                ours_ms,
                median(r.read_s) * 1000,
                median(r.parse_s) * 1000,
                ours_ms / floor_ms,
                ours_ms / naive_ms,
                "yes" if ours_ms / floor_ms <= FLOOR_TARGET else "**no**",
                "yes" if ours_ms / naive_ms <= NAIVE_TARGET else "**no**",
            ]
        )
    headers = [
        "file",
        "kind",
        "pages",
        "table pages",
        "cells",
        "floor ms",
        "naive ms",
        "ours ms",
        "of which read",
        "of which parse",
        "ours/floor",
        "ours/naive",
        f"≤ {FLOOR_TARGET:g}× floor",
        f"≤ {NAIVE_TARGET:g}× naive",
    ]
    section.tables.append(Table(headers, rows))
    total = {k: sum(median(getattr(r, k)) for r in results) for k in ("ours_s", "floor_s", "naive_s")}
    section.targets += [
        Target(
            "PDF: ours / floor (all files, sum of medians)", total["ours_s"] / total["floor_s"], "≤", FLOOR_TARGET, "×"
        ),
        Target(
            "PDF: ours / naive (all files, sum of medians)", total["ours_s"] / total["naive_s"], "≤", NAIVE_TARGET, "×"
        ),
    ]
    section.notes.append(
        f"Cold first call on {files[0][0].name} (imports, jieba's dictionary; excluded above): floor "
        f"{cold['floor'] * 1000:.0f} ms, naive {cold['naive'] * 1000:.0f} ms, ours {cold['ours'] * 1000:.0f} ms."
    )
    bounds = ", ".join(f"{r.name} {r.table_pages}/{r.pages}" for r in results)
    section.notes.append(
        "While pdfplumber (pdfminer) parses the table pages, ours/naive cannot fall much below the share of "
        f"pages that hold tables (table pages / pages: {bounds}); naive parses every page the same way."
    )
    # Profile: where our time goes on the first file, and what a pdfium-only reader would pay instead.
    data = files[0][0].read_bytes()
    stages = profile_stages(data, max(1, min(3, repeats)))
    section.tables.append(
        Table(
            ["stage (ours, " + files[0][0].name + ")", "ms"],
            [[name, s * 1000] for name, s in stages],
            "Profile of our read: medians per stage",
        )
    )
    pdfium_ms = pdfium_objects_cost(data, max(1, min(3, repeats))) * 1000
    floor_ms = median(results[0].floor_s) * 1000
    section.notes.append(
        f"The raw material a pypdfium2-only table reader would need on the same table pages (every "
        f"character's box and every path's bounds) costs {pdfium_ms:.0f} ms on {files[0][0].name}, against "
        f"{floor_ms:.0f} ms for the floor: the gap to the targets is pdfminer's pure-Python parse of the "
        "table pages' content streams, which pdfplumber's table finder needs."
    )
    return section


def main(argv: list[str] | None = None) -> int:
    from bench.corpus import ensure_corpus

    parser = argparse.ArgumentParser(prog="python -m bench.parse_pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--corpus-size", type=int, default=1000, help="corpus whose PDFs are measured too")
    args = parser.parse_args(argv)
    corpus = ensure_corpus(args.corpus_size)
    pdfs = [(corpus.folder / str(f["name"]), str(f["quirks"])) for f in corpus.files if f["format"] == "pdf"]
    print("\n".join(section_markdown(1, run(pdfs, args.repeats))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
