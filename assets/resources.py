import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.settings import Settings


class ReportSource(dg.ConfigurableResource):
    """Where the raw reports are read from and the warehouse lives (defaults: data/raw and
    data/warehouse.duckdb, or XXGK_RAW_DIR / XXGK_WAREHOUSE)."""

    raw_dir: str
    warehouse: str

    def settings(self) -> Settings:
        return Settings.from_env(raw_dir=self.raw_dir, warehouse=self.warehouse)


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "report_source": ReportSource(raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse)),
        "duckdb": DuckDBResource(database=str(settings.warehouse)),
    }
