from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipeline import warehouse
from pipeline.settings import Settings


class ReportSource(dg.ConfigurableResource):
    """Where the raw reports are read from and the warehouse lives (defaults: data/raw and
    data/warehouse.duckdb, or XXGK_RAW_DIR / XXGK_WAREHOUSE)."""

    raw_dir: str
    warehouse: str
    sources_file: str = ""  # the portal columns to collect (default data/sources.yaml or XXGK_SOURCES_FILE)

    def settings(self) -> Settings:
        return Settings.from_env(
            raw_dir=self.raw_dir,
            warehouse=self.warehouse,
            sources_file=Path(self.sources_file) if self.sources_file else None,
        )


class WarehouseResource(DuckDBResource):
    """The warehouse as a `DuckDBResource` whose connections wait for another writer the one way every
    caller does (`pipeline.warehouse.connect`, up to `lock_wait_seconds`, then a clear error), not with
    dagster-duckdb's own ten retries."""

    lock_wait_seconds: float = 30.0

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:  # type: ignore[override]
        con = warehouse.connect(Path(self.database), wait_seconds=self.lock_wait_seconds)
        try:
            yield con
        finally:
            con.close()


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "report_source": ReportSource(
            raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse), sources_file=str(settings.sources_file)
        ),
        "duckdb": WarehouseResource(database=str(settings.warehouse), lock_wait_seconds=settings.lock_wait_seconds),
    }
