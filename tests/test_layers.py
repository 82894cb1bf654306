"""The layers of the code, enforced on its import graph (every import, also those inside functions):

    library        pipeline/, sql/        reads, parses, loads, states the rules; knows nothing of Dagster
    judge          expectations/          the GX suites that decide the rules
    orchestration  assets/                Dagster definitions, the run plan
    interface      xxgk/                  the `xxgk` command
    machinery      tests/, bench/         fixtures, fuzzing, benchmarks: never imported by the product

A module imports only its own layer or those below; the product modules import each other without
cycles; the library imports no Dagster and no Great Expectations.
"""

import ast
from pathlib import Path

from pipeline.settings import PROJECT_ROOT

LAYERS = {"pipeline": 0, "sql": 0, "expectations": 1, "assets": 2, "xxgk": 3, "tests": 4, "bench": 4}
PRODUCT = ("pipeline", "sql", "expectations", "assets", "xxgk")


def _modules() -> dict[str, Path]:
    found = {}
    for top in LAYERS:
        for path in (PROJECT_ROOT / top).rglob("*.py"):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The first-party module an import names (the longest known prefix)."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in MODULES:
            return candidate
    return None


def _imports(module: str) -> tuple[set[str], set[str]]:
    """(first-party modules, third-party top-level packages) that `module` imports anywhere."""
    first, third = set(), set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # 'from pkg import sub' imports the module pkg.sub; 'from pkg import name', the package
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module for a in node.names
            ]
        for name in names:
            target = _resolve(name)
            if target and target != module:
                first.add(target)
            elif not target and name.split(".")[0] not in LAYERS:
                third.add(name.split(".")[0])
    return first, third


GRAPH = {m: _imports(m) for m in MODULES}


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def test_each_module_imports_only_its_layer_or_below() -> None:
    violations = sorted(f"{m} → {t}" for m, (first, _) in GRAPH.items() for t in first if _layer(t) > _layer(m))
    assert violations == []


def test_the_library_knows_nothing_of_dagster_or_great_expectations() -> None:
    banned = {"dagster", "dagster_duckdb", "dagster_dask", "dagster_webserver", "great_expectations"}
    found = sorted(f"{m} → {p}" for m, (_, third) in GRAPH.items() if _layer(m) == 0 for p in third & banned)
    assert found == []


def test_the_product_has_no_import_cycles() -> None:
    edges = {m: {t for t in GRAPH[m][0] if t.startswith(PRODUCT)} for m in GRAPH if m.startswith(PRODUCT)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_machinery_is_not_in_the_product_package() -> None:
    shipped = {p.stem for p in (PROJECT_ROOT / "pipeline").rglob("*.py")}
    assert not shipped & {"fuzz", "render", "degrade", "scans"}
    assert GRAPH["tests.support.fuzz"][0] >= {"tests.support.render", "tests.support.degrade"}  # where they are
