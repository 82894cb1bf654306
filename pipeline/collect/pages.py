"""What a portal page holds: its title, its text, and its links sorted into list pages, items and
attachments. Pages are decoded as the HTML reader decodes files (a declared charset, else UTF-8, else
GB18030 for GBK pages) unless the HTTP header names the charset."""

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup

from pipeline.read.decode import decode, meta_charset

# What a disclosure annual-report item is called: …政府信息公开工作年度报告, …政务公开年报, …信息公开情况总结,
# and a cover letter carrying one (关于报送…年度报告的函); not a 政府工作报告 nor a notice.
REPORT_TITLE = re.compile(r"(?:信息公开|政务公开)[^，。；]{0,16}?(?:报告|总结|年报)")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def is_report_title(text: str) -> bool:
    """A link to one year's report: it names a disclosure report and a year (the column's own name,
    '政府信息公开年报' in the navigation, names none)."""
    return bool(REPORT_TITLE.search(text) and _YEAR.search(text))


ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".jpg", ".jpeg", ".png", ".txt")
_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass
class Page:
    url: str
    title: str
    text: str
    links: list[Link]

    def items(self, pattern: str | None) -> list[Link]:
        """Links to report items: the configured pattern, else a title that names a report."""
        found = []
        for link in self.links:
            if link.url.lower().endswith(ATTACHMENT_SUFFIXES):
                continue
            if pattern and not re.search(pattern, link.url):
                continue
            if is_report_title(link.text):
                found.append(link)
        return list({link.url: link for link in found}.values())

    def next_pages(self, pattern: str | None) -> list[Link]:
        """Pagination links: the configured pattern, else '下一页' and page numbers."""
        if pattern:
            return [link for link in self.links if re.search(pattern, link.url)]
        return [link for link in self.links if _NEXT_TEXT.match(link.text) or _PAGE_NUMBER.match(link.text)]

    def attachments(self) -> list[Link]:
        return list({link.url: link for link in self.links if link.url.lower().endswith(ATTACHMENT_SUFFIXES)}.values())

    def report_attachments(self) -> list[Link]:
        """Files linked under a report's title (a list page linking the PDF itself)."""
        return [link for link in self.attachments() if is_report_title(link.text)]

    def holds_report(self) -> bool:
        """The page body is itself the report (not only a link to an attachment): it is long and speaks
        of 主动公开 and of requests."""
        body = re.sub(r"\s+", "", self.text)
        return len(body) >= 600 and "主动公开" in body and ("申请" in body)


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page's text: the charset of the HTTP header, else of its meta tag (`pipeline.read.decode`)."""
    declared = _CHARSET.search(content_type or "")
    return decode(body, declared.group(1) if declared else meta_charset(body), errors="replace")


def read_page(url: str, body: bytes, content_type: str | None = None) -> Page:
    soup = BeautifulSoup(decode_page(body, content_type), "lxml")
    base = soup.find("base", href=True)
    root = urljoin(url, base["href"]) if base else url
    links = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        # portals cut long titles in the link text ('…2023年度政府信息公开工…') and keep them whole in `title`
        text, whole = a.get_text(" ", strip=True), (a.get("title") or "").strip()
        links.append(Link(urldefrag(urljoin(root, href))[0], whole if len(whole) > len(text) else text))
    title = soup.title.get_text(strip=True) if soup.title else ""
    for tag in soup(["script", "style"]):
        tag.decompose()
    return Page(url, title, soup.get_text(" ", strip=True), links)
