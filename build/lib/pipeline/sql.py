"""SQL files of the `sql/` folder, loaded by name (`create_tables`, `rule_h1`, ...): read as package
resources, so they come with an installed wheel as they do from a checkout."""

from functools import cache
from importlib.resources import files


@cache
def load_sql(name: str) -> str:
    return files("sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def statements(name: str) -> list[str]:
    """The statements of a multi-statement file, comments dropped (also trailing ones, which may hold
    a semicolon). Our SQL files keep `--` out of string literals."""
    lines = [ln.split("--", 1)[0] for ln in load_sql(name).splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
