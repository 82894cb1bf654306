"""The benchmark corpus: random valid reports from the fuzz generator (`tests.support.fuzz`), rendered in
mixed formats with real-world quirks, cached under data/bench/corpus/ by generator seed.

Report i of the corpus with seed S is fuzz case S + i, rendered by `fuzz.render_case` in one format
drawn from Random(f"bench/{S}/{i}"): text, HTML or DOCX (DOCX needs a 2021-format report and the
official template), and PDF (LibreOffice, ~1 s a report) for a small share when `soffice` exists. The
cache is reused while its manifest matches the seed, size, PDF share and the generator's source hash.

    python -m bench.corpus --size 1000 --seed 8000   # generate (or find) the corpus and print its folder
"""

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import BENCH_DIR, log
from pipeline.catalogue import TEMPLATE_2019
from pipeline.settings import PROJECT_ROOT
from tests.support import fuzz, render

DEFAULT_SEED = 8000  # issue 8
FORMAT_WEIGHTS = {"text": 0.40, "html": 0.30, "docx": 0.30}  # PDF is a fixed share on top (pdf_share)
SUFFIX = {"text": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
GENERATOR_SOURCES = ("tests/support/fuzz.py", "tests/support/render.py")


@dataclass(frozen=True)
class Corpus:
    folder: Path  # the report files, nothing else
    files: list[dict[str, object]]  # name, format, fuzz_seed, template, quirks
    seed: int
    generated_seconds: float  # 0 when taken from the cache
    from_cache: bool

    def paths(self, fmt: str | None = None) -> list[Path]:
        return [self.folder / str(f["name"]) for f in self.files if fmt is None or f["format"] == fmt]

    def formats(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.files:
            counts[str(f["format"])] = counts.get(str(f["format"]), 0) + 1
        return dict(sorted(counts.items()))


def generator_hash() -> str:
    """SHA-256 (first 12 hex digits) of the generator's sources: a changed generator makes a new corpus."""
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((PROJECT_ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def pdf_available() -> bool:
    return render.soffice() is not None and fuzz.TEMPLATE_DOCX.exists()


def choose_formats(seed: int, size: int, pdf_share: float, start: int = 0) -> list[tuple[int, str]]:
    """(fuzz seed, format) for reports start..start+size-1: PDF for round(size × pdf_share) of the
    reports that can be rendered so, the rest text/HTML/DOCX by FORMAT_WEIGHTS."""
    templates = {i: fuzz.generate(seed + i)["template"] for i in range(start, start + size)}
    office_ok = fuzz.TEMPLATE_DOCX.exists()
    eligible = [i for i, t in templates.items() if t != TEMPLATE_2019 and office_ok]
    n_pdf = min(len(eligible), round(size * pdf_share)) if pdf_available() else 0
    pdf = set(random.Random(f"bench/{seed}/{start}/pdf").sample(eligible, n_pdf))
    chosen = []
    for i in range(start, start + size):
        if i in pdf:
            chosen.append((seed + i, "pdf"))
            continue
        weights = dict(FORMAT_WEIGHTS)
        if i not in eligible:
            weights.pop("docx")
        rng = random.Random(f"bench/{seed}/{i}")
        chosen.append((seed + i, rng.choices(list(weights), list(weights.values()))[0]))
    return chosen


def render_reports(chosen: list[tuple[int, str]], out: Path, prefix: str = "r") -> list[dict[str, object]]:
    """Generate and render each (fuzz seed, format) into `out`; returns the manifest entries."""
    out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, object]] = []
    started = time.perf_counter()
    for n, (fuzz_seed, fmt) in enumerate(chosen, 1):
        numbers = fuzz.generate(fuzz_seed)
        rendering = fuzz.render_case(numbers, fuzz_seed, fmt)
        name = f"{prefix}{fuzz_seed}{SUFFIX[fmt]}"
        (out / name).write_bytes(rendering.data)
        entries.append(
            {
                "name": name,
                "format": fmt,
                "fuzz_seed": fuzz_seed,
                "template": numbers["template"],
                "quirks": rendering.quirks[:200],
            }
        )
        if n % 100 == 0 or n == len(chosen):
            log(f"corpus: rendered {n}/{len(chosen)} reports ({time.perf_counter() - started:.0f} s)")
    return entries


def corpus_key(seed: int, size: int, pdf_share: float) -> str:
    pdf = f"pdf{round(pdf_share * 1000)}" if pdf_available() else "nopdf"
    return f"seed{seed}-n{size}-{pdf}"


def ensure_corpus(size: int, seed: int = DEFAULT_SEED, pdf_share: float = 0.02, root: Path = BENCH_DIR) -> Corpus:
    """The corpus for (seed, size, PDF share), from the cache when its manifest matches, else generated
    into a staging folder and renamed into place."""
    home = root / "corpus" / corpus_key(seed, size, pdf_share)
    manifest_path = home / "manifest.json"
    wanted = {"seed": seed, "size": size, "pdf_share": pdf_share, "generator": generator_hash()}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if {k: manifest.get(k) for k in wanted} == wanted and all(
            (home / "raw" / str(f["name"])).exists() for f in files
        ):
            return Corpus(home / "raw", files, seed, 0.0, True)
        log(f"corpus: {home.name} is stale (generator or parameters changed); generating it again")
    log(f"corpus: generating {size} reports (seed {seed}) into {home}")
    started = time.perf_counter()
    staging = home.with_name(home.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    entries = render_reports(choose_formats(seed, size, pdf_share), staging / "raw")
    seconds = time.perf_counter() - started
    (staging / "manifest.json").write_text(
        json.dumps({**wanted, "seconds": round(seconds, 1), "files": entries}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    shutil.rmtree(home, ignore_errors=True)
    staging.rename(home)
    return Corpus(home / "raw", entries, seed, seconds, False)


def link_tree(source: Path, target: Path) -> None:
    """Mirror the files of `source` into a new folder `target` by hard links (copies where linking
    fails), so a benchmark may add files without touching the cached corpus."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        try:
            (target / path.name).hardlink_to(path)
        except OSError:
            shutil.copy2(path, target / path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--pdf-share", type=float, default=0.02)
    args = parser.parse_args(argv)
    corpus = ensure_corpus(args.size, args.seed, args.pdf_share)
    how = "cached" if corpus.from_cache else f"generated in {corpus.generated_seconds:.0f} s"
    print(f"{corpus.folder}: {len(corpus.files)} reports {corpus.formats()} ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
