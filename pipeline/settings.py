"""All settings in one place: defaults, overridden by XXGK_* environment variables or the CLI."""

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARSER_VERSION = "0.1.0"


@dataclass(frozen=True)
class Settings:
    raw_dir: Path = PROJECT_ROOT / "data" / "raw"
    warehouse: Path = PROJECT_ROOT / "data" / "warehouse.duckdb"
    data_dir: Path = PROJECT_ROOT / "data"
    # Files above this size are quarantined rather than read: real reports are well under 50 MB.
    max_file_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        base = cls()
        env: dict[str, object] = {}
        if os.environ.get("XXGK_RAW_DIR"):
            env["raw_dir"] = Path(os.environ["XXGK_RAW_DIR"])
        if os.environ.get("XXGK_WAREHOUSE"):
            env["warehouse"] = Path(os.environ["XXGK_WAREHOUSE"])
        env.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(base, **env)  # type: ignore[arg-type]
        return replace(settings, raw_dir=Path(settings.raw_dir).resolve(), warehouse=Path(settings.warehouse).resolve())
