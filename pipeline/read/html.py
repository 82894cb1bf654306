"""HTML pages: `<table>` grids with rowspan/colspan, text outside tables as lines.

Scripts, styles and forms are dropped; nothing is fetched or executed (BeautifulSoup over lxml's HTML
parser builds a tree and nothing else). Layout tables (a table holding other tables) are treated as
containers. A table flattened into text by the site is read by the text tokenizer like any text dump.
"""

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline.document import Cell, Document, Line, Lineage
from pipeline.read.decode import decode, meta_charset
from pipeline.settings import Settings

_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "head", "select", "button", "svg"}
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "header",
    "footer", "nav", "tr", "td", "th", "center", "blockquote", "pre", "dt", "dd", "hr", "form", "main",
}  # fmt: skip
_MAX_SPAN = 100  # rowspan/colspan beyond this is malformed markup, not a table


def decode_html(data: bytes) -> str:
    """The page's text: its declared charset first, never failing (`pipeline.read.decode`)."""
    return decode(data, meta_charset(data), errors="replace")


def _span(tag: Tag, name: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(tag.get(name, "1")).strip() or 1)))
    except ValueError:
        return 1


def _cell_text(tag: Tag) -> str:
    parts: list[str] = []
    for node in tag.descendants:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif isinstance(node, Tag) and node.name in ("br", "p", "div"):
            parts.append("\n")
    return re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", "".join(parts)).strip()


def _table_lines(table: Tag, t_index: int) -> list[Line]:
    """Rows of one grid; spanned positions are occupied but emitted once, at their origin."""
    lines: list[Line] = []
    occupied: set[tuple[int, int]] = set()
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r_index, tr in enumerate(rows):
        col = 0
        cells: list[Cell] = []
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r_index, col) in occupied:
                col += 1
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied.add((r_index + dr, col + dc))
            cells.append(Cell(_cell_text(td), Lineage(table=t_index, row=r_index, col=col)))
            col += colspan
        if cells:
            lines.append(Line(cells, grid=True))
    return lines


def read_html(data: bytes, settings: Settings) -> Document:
    soup = BeautifulSoup(decode_html(data), "lxml")
    title_tag = soup.find("meta", attrs={"name": "ArticleTitle"}) or None
    title = str(title_tag.get("content")) if isinstance(title_tag, Tag) and title_tag.get("content") else None
    if title is None and soup.title and soup.title.string:
        title = soup.title.string.strip()
    meta: dict[str, str] = {}
    for name in ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time"):
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if isinstance(tag, Tag) and tag.get("content"):
            meta["published"] = str(tag.get("content"))
            break
    lines: list[Line] = []
    buffer: list[str] = []
    tables = 0

    def flush() -> None:
        text = re.sub(r"\s+", " ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            lines.append(Line([Cell(text, Lineage(row=len(lines)))]))

    def walk(node: Tag) -> None:
        nonlocal tables
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            if child.name == "table" and child.find("table") is None:
                flush()
                lines.extend(_table_lines(child, tables))
                tables += 1
                continue
            block = child.name in _BLOCK or child.name == "table"
            if block:
                flush()
            walk(child)
            if block:
                flush()

    walk(soup.body or soup)
    flush()
    return Document("html", lines, title=title, meta=meta)
