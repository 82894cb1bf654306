from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

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


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "report_source": ReportSource(
            raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse), sources_file=str(settings.sources_file)
        ),
        "duckdb": DuckDBResource(database=str(settings.warehouse)),
    }
