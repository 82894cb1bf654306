"""The wheel works on its own: built without network, installed into a fresh virtual environment
outside the checkout, `xxgk run` on the five seeds gives their 1000 cells (SQL, dictionaries and division
data read as package resources, not from the repository)."""

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from pipeline.settings import PROJECT_ROOT
from tests.conftest import SEED_DIR, SEEDS


def test_the_wheel_runs_the_seeds_outside_the_checkout(tmp_path: Path) -> None:
    # Built from a copy of what the project declares: setuptools writes build/ into the source tree, and a
    # stale build/lib there (a module since moved) would end up in the wheel.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    for package in ("xxgk", "pipeline", "assets", "expectations", "sql"):
        shutil.copytree(PROJECT_ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = dist.glob("xxgk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sql/create_tables.sql" in names and "pipeline/dictionaries/domain.txt" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this environment (no network); its editable install of the checkout is
    # a .pth file there, which a path listed in another .pth does not run: only the wheel provides xxgk.
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    raw = tmp_path / "work" / "raw"
    raw.mkdir(parents=True)
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    python = venv / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import pipeline, sql; print(pipeline.__file__); print(sql.__file__)"],
        check=True, capture_output=True, text=True, cwd=tmp_path / "work",
    ).stdout.split()  # fmt: skip
    assert all(w.startswith(str(site)) for w in where), where
    run = [
        str(python),
        "-m",
        "xxgk.cli",
        "run",
        "--raw-dir",
        str(raw),
        "--warehouse",
        str(tmp_path / "work" / "w.duckdb"),
    ]
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path / "work")
    assert done.returncode == 0, done.stderr[-2000:]
    count = subprocess.run(
        [str(python), "-m", "xxgk.cli", "sql", "select count(*), count(value) from v_report_cells",
         "--warehouse", str(tmp_path / "work" / "w.duckdb")],
        capture_output=True, text=True, cwd=tmp_path / "work", check=True,
    ).stdout  # fmt: skip
    assert "1000" in count and "975" in count
