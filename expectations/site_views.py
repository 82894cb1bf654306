"""The Data Docs site's page views: GX's own, with their Jinja templates compiled once, not every build.

GX makes new views, each with a new Jinja environment, for every site build, so every build compiles
the ~40 templates it uses again: about 0.2 s, most of what rendering the pages of one or two suites
costs (an increment's Data Docs). These views keep the compiled templates in a bytecode cache on disk
beside the site (`uncommitted/jinja_bytecode`), shared by every build and every process; Jinja keys
each entry by the template's source, so a GX upgrade compiles afresh. The site configuration names
them (`site_config`); nothing else about the pages changes.
"""

from pathlib import Path
from typing import Any

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import FileSystemBytecodeCache

SITE_NAME = "local_site"  # GX's default site, which the file context creates
BYTECODE_FOLDER = "jinja_bytecode"  # under the project's uncommitted/ folder


class _CachedTemplates:
    """A GX view whose Jinja environment keeps compiled templates in `bytecode_cache_dir`."""

    def __init__(self, bytecode_cache_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[call-arg]
        if bytecode_cache_dir:
            Path(bytecode_cache_dir).mkdir(parents=True, exist_ok=True)
            self.env.bytecode_cache = FileSystemBytecodeCache(bytecode_cache_dir)  # type: ignore[attr-defined]


class CachedPageView(_CachedTemplates, DefaultJinjaPageView):
    """GX's page view (suite and validation pages) with its templates' bytecode cached on disk."""


class CachedIndexPageView(_CachedTemplates, DefaultJinjaIndexPageView):
    """GX's index page view with its templates' bytecode cached on disk."""


def site_config(project_dir: Path, current: dict[str, Any]) -> dict[str, Any]:
    """The local site's configuration (`current`, as the context holds it) with these views in every
    section and the index, their cache under this project's uncommitted folder."""

    def view(cls: type) -> dict[str, str]:
        return {
            "module_name": __name__,
            "class_name": cls.__name__,
            "bytecode_cache_dir": str(project_dir / "uncommitted" / BYTECODE_FOLDER),
        }

    sections = {
        section: {**(current.get("site_section_builders") or {}).get(section, {}), "view": view(CachedPageView)}
        for section in ("expectations", "validations", "profiling")
    }
    index = {**(current.get("site_index_builder") or {"class_name": "DefaultSiteIndexBuilder"})}
    index["view"] = view(CachedIndexPageView)
    return {**current, "site_section_builders": sections, "site_index_builder": index}
