import dagster as dg
from dagster_duckdb import DuckDBResource

from pipeline.settings import Settings


class ReportSource(dg.ConfigurableResource):
    """Where the raw reports are read from (default: data/raw, or XXGK_RAW_DIR)."""

    raw_dir: str

    def settings(self) -> Settings:
        return Settings.from_env(raw_dir=self.raw_dir)


def build_resources(settings: Settings) -> dict[str, object]:
    return {
        "report_source": ReportSource(raw_dir=str(settings.raw_dir)),
        "duckdb": DuckDBResource(database=str(settings.warehouse)),
    }
