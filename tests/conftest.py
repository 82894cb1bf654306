import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT, Settings

SEED_DIR = PROJECT_ROOT / "data" / "raw"
EXPECTED_DIR = PROJECT_ROOT / "tests" / "fixtures" / "seeds"
SHARED = PROJECT_ROOT.parent / "shared"
SEEDS = sorted(p.name for p in SEED_DIR.glob("00*_*.txt"))


# The fixtures' expected files name prose figures in the spec's words; `narrative_figures.kind` in ours.
FIXTURE_FIGURE_KINDS = {
    "applications_received": "requests_received",
    "applications_closed": "requests_answered",
    "carried_over": "requests_carried_over",
    "carried_forward": "requests_carried_forward",
    "lawsuits": "litigations",
    "reviews": "reviews",
}


def expected_figures(exp: dict) -> dict[str, float]:
    """An expected file's prose figures, by `narrative_figures.kind`."""
    return {FIXTURE_FIGURE_KINDS[k]: v for k, v in exp["narrative"].items()}


def expected(name: str) -> dict:
    return json.loads((EXPECTED_DIR / name.replace(".txt", ".expected.json")).read_text(encoding="utf-8"))


def expected_cells(exp: dict) -> dict[tuple[str, str, str], float | None]:
    return {
        (table, row, col): value
        for table in ("proactive", "applications", "review_litigation")
        for row, cols in exp[table].items()
        for col, value in cols.items()
    }


def require_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared fixtures checked out beside the repo)")
    return path


def materialize_into(raw_dir: Path, warehouse: Path, **overrides: object) -> dg.ExecuteInProcessResult:
    from assets.plan import materialize_all

    settings = Settings.from_env(raw_dir=raw_dir, warehouse=warehouse, **overrides)
    return materialize_all(settings, dg.DagsterInstance.ephemeral())


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dg.ExecuteInProcessResult, Path]:
    """The whole graph over the five seeds plus two files that are not reports."""
    raw = tmp_path_factory.mktemp("raw")
    for name in SEEDS:
        shutil.copy(SEED_DIR / name, raw / name)
    (raw / "metadata.json").write_text('{"crawler": "not a report"}', encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    warehouse = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    return materialize_into(raw, warehouse), warehouse


@pytest.fixture()
def seed_db(seed_run: tuple[dg.ExecuteInProcessResult, Path]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(seed_run[1]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def wild(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    """A warehouse built from the real crawled pages of ../shared/fixtures/wild/pingtan (2009–2025)."""
    folder = require_shared("fixtures", "wild", "pingtan")
    db = tmp_path_factory.mktemp("wild") / "wild.duckdb"
    assert materialize_into(folder, db).success
    con = duckdb.connect(str(db), read_only=True)
    yield folder, con
    con.close()
