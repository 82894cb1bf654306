"""`data/sources.yaml`: the portal columns to collect reports from, and the bodies expected to publish.

sources:
  - name: pingtan-departments            # a short name: files and provenance carry it
    start_url: https://www.example.gov.cn/zwgk/zfxxgknb/   # the column's first list page
    agency: 平潭综合实验区管委会           # the body (or region) the column covers
    item_pattern: 't\\d{8}_\\d+\\.htm'   # optional: a regular expression item links match
    next_pattern: 'index_\\d+\\.htm'     # optional: pagination links
    max_pages: 20                       # optional: list pages walked at most
    publishers: [平潭综合实验区财政金融局, 平潭综合实验区公安局]   # optional: bodies expected each year
    first_year: 2015                    # optional: the first statistics year expected of them
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml


class SourcesFileError(ValueError):
    """The sources file cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Source:
    name: str
    start_url: str
    agency: str | None = None
    item_pattern: str | None = None
    next_pattern: str | None = None
    max_pages: int | None = None
    publishers: tuple[str, ...] = field(default_factory=tuple)
    first_year: int | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.start_url).hostname or ""


_NAME = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,60}$")
_FIELDS = {"name", "start_url", "agency", "item_pattern", "next_pattern", "max_pages", "publishers", "first_year"}


def load_sources(path: Path) -> list[Source]:
    """The sources of `path` (none when the file does not exist), or SourcesFileError saying what is wrong."""
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"{path}: not readable YAML ({str(exc).splitlines()[0]})") from exc
    entries = data.get("sources") if isinstance(data, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SourcesFileError(f"{path}: 'sources' must be a list")
    out: list[Source] = []
    for i, entry in enumerate(entries, 1):
        where = f"{path}: source {i}"
        if not isinstance(entry, dict):
            raise SourcesFileError(f"{where}: an entry must be a mapping")
        unknown = set(entry) - _FIELDS
        if unknown:
            raise SourcesFileError(f"{where}: unknown field(s) {sorted(unknown)}")
        name, url = entry.get("name"), entry.get("start_url")
        if not isinstance(name, str) or not _NAME.match(name):
            raise SourcesFileError(f"{where}: 'name' must be 1–60 letters, digits, '-' or '_'")
        where = f"{path}: source {i} ({name})"
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise SourcesFileError(f"{where}: 'start_url' must be an http(s) URL")
        for key in ("item_pattern", "next_pattern"):
            if entry.get(key) is not None:
                try:
                    re.compile(entry[key])
                except re.error as exc:
                    raise SourcesFileError(f"{where}: '{key}' is not a regular expression ({exc})") from exc
        for key in ("max_pages", "first_year"):
            if entry.get(key) is not None and not (isinstance(entry[key], int) and entry[key] > 0):
                raise SourcesFileError(f"{where}: '{key}' must be a positive integer")
        publishers = entry.get("publishers") or []
        if not isinstance(publishers, list) or not all(isinstance(p, str) and p for p in publishers):
            raise SourcesFileError(f"{where}: 'publishers' must be a list of names")
        if name in {s.name for s in out}:
            raise SourcesFileError(f"{where}: the name is used twice")
        out.append(Source(name, url, entry.get("agency"), entry.get("item_pattern"), entry.get("next_pattern"),
                          entry.get("max_pages"), tuple(publishers), entry.get("first_year")))  # fmt: skip
    return out
