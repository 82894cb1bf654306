"""The per-file time limit off the main thread (where a Dask worker runs its tasks, and SIGALRM cannot
reach): a scanned report that needs far longer than the limit is quarantined as `timeout`, and the
next file is read as usual, by a watched child process."""

import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pypdfium2

from pipeline import store
from pipeline.parse_pool import parse_all
from pipeline.settings import Settings
from tests.conftest import SEED_DIR, SEEDS, require_shared
from tests.support.scans import image_only_pdf


def test_a_slow_file_times_out_off_the_main_thread(tmp_path: Path) -> None:
    real = require_shared("fixtures", "real", "szfgs2024.pdf")
    pages = [page.render(scale=150 / 72).to_pil().convert("L") for page in pypdfium2.PdfDocument(str(real))]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "scanned.pdf").write_bytes(image_only_pdf(pages, dpi=150))  # six pages of OCR: well over 3 s
    shutil.copy(SEED_DIR / SEEDS[0], raw / SEEDS[0])
    settings = replace(Settings(), raw_dir=raw, warehouse=tmp_path / "w.duckdb", seconds_per_file=3.0)
    sources = store.scan(settings)
    outcomes: dict[str, str | None] = {}

    def task() -> None:  # as a Dask worker runs a step: on a thread of its own
        outcomes.update({p.source.name: p.reason_code for p in parse_all(sources, settings)})

    worker = threading.Thread(target=task)
    worker.start()
    worker.join(timeout=180)
    assert not worker.is_alive()
    assert outcomes == {"scanned.pdf": "timeout", SEEDS[0]: None}
    assert all(store.has_bundle(settings, s.sha256) for s in sources)  # each outcome stored, as in-process
