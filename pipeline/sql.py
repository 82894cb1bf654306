"""SQL files of the `sql/` folder, loaded by name (`create_tables`, `rule_h1`, ...)."""

from functools import cache

from pipeline.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"


@cache
def load_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of a multi-statement file, comments dropped."""
    lines = [ln for ln in load_sql(name).splitlines() if not ln.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
