"""A small government portal served over real HTTP on 127.0.0.1, made from the fixtures: a 政府信息公开年报
column with two list pages (relative links, the second in GBK), report items as HTML pages and as PDF,
DOCX and text attachments, and what real portals also do: a robots.txt forbidding a path, a 404, a
redirect within the site and one to another host, a slow page, a non-report item, the same PDF linked
from two items, a broken PDF. Every response carries an ETag; a conditional request for an unchanged
document gets 304. Every request is logged (path, status, time, headers) for the tests to check.
"""

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None
    delay: float = 0.0
    fail_first: int = 0  # answer 503 this many times first (a server under load)


@dataclass
class Request:
    path: str
    status: int
    at: float
    user_agent: str
    if_none_match: str | None


@dataclass
class Portal:
    routes: dict[str, Route]
    log: list[Request] = field(default_factory=list)
    base: str = ""

    def requested(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def _handler(portal: Portal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = portal.routes.get(self.path.split("?")[0])
            status = route.status if route else 404
            if route and route.fail_first:
                route.fail_first -= 1
                status = 503
            tag = etag(route.body) if route and status == 200 else None
            if tag and self.headers.get("If-None-Match") == tag:
                status = 304
            portal.log.append(Request(self.path, status, time.monotonic(), self.headers.get("User-Agent", ""),
                                      self.headers.get("If-None-Match")))  # fmt: skip
            if route and route.delay:
                time.sleep(route.delay)  # logged on arrival: the client may give up before the answer
            try:
                self.send_response(status)
                if route and route.location:
                    self.send_header("Location", route.location)
                if tag:
                    self.send_header("ETag", tag)
                    self.send_header("Last-Modified", "Mon, 05 Jan 2026 08:00:00 GMT")
                body = route.body if route and status == 200 else b""
                if status == 200:
                    self.send_header("Content-Type", route.content_type if route else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the slow page)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Portal]:
    portal = Portal(routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(portal))
    server.daemon_threads = True
    portal.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()


def _list_page(title: str, links: list[tuple[str, str]], encoding: str = "utf-8") -> Route:
    items = "\n".join(f'<li><a href="{href}">{text}</a><span>2024-01-15</span></li>' for href, text in links)
    declared = "gbk" if encoding == "gbk" else "utf-8"
    page = (f'<html><head><meta charset="{declared}"><title>{title}</title></head><body>'
            f'<div class="nav"><a href="/">首页</a> <a href="javascript:void(0)">打印</a></div>'
            f"<ul>{items}</ul></body></html>")  # fmt: skip
    return Route(page.encode(encoding), f"text/html; charset={declared}" if encoding == "utf-8" else "text/html")


def _item_page(title: str, attachment: str) -> Route:
    link = f'<a href="{attachment}">{title}.{attachment.rsplit(".", 1)[-1]}</a>'
    page = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>发布时间：2024-01-20</p>"
            f"<p>附件：{link}</p></body></html>")  # fmt: skip
    return Route(page.encode("utf-8"))


@dataclass(frozen=True)
class Documents:
    """The report bodies the portal serves, made by the test from the fixtures."""

    html_report: bytes  # a real report page (UTF-8)
    gbk_report: bytes  # a report page in GBK
    redirected_report: bytes  # served at the end of a redirect
    pdf: bytes
    docx: bytes
    text: bytes  # a report linked directly from the list page as a .txt file


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SZ = "深圳市规划和自然资源局2024年度政府信息公开工作年度报告"


def portal_routes(docs: Documents) -> dict[str, Route]:
    """The column at /nb/index.html; every path the collector should or should not fetch."""
    # fmt: off
    return {
        "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/nb/index.html": _list_page("政府信息公开年报", [
            ("t20240115_1.html", "平潭综合实验区2023年度政府信息公开工作年度报告"),
            ("./t20240120_2.html", _SZ),
            ("/nb/t20240105_3.html", "某某县财政局2022年度政府信息公开工作年度报告"),
            ("t_notice.html", "关于印发2024年政务公开工作要点的通知"),
            ("t_missing.html", "某某局2021年度政府信息公开工作年度报告"),
            ("/private/t_secret.html", "某某局2020年度政府信息公开工作年度报告"),
            ("t_moved.html", "卫辉市公安局2021年政府信息公开工作年度报告"),
            ("t_away.html", "某某区2021年政府信息公开年报"),
            ("t_slow.html", "某某镇人民政府2021年度政府信息公开工作年度报告"),
            ("t_again.html", _SZ + "（重发）"),
            ("t_broken.html", "某某县民政局2022年度政府信息公开工作年度报告"),
            ("index_1.html", "下一页"),
        ]),
        "/nb/index_1.html": _list_page("政府信息公开年报 第2页", [
            ("t20220110_5.html", "某某县人民政府2021年度政府信息公开工作年度报告"),
            ("../files/2020年报.txt", "某某县卫生局2020年度政府信息公开工作年度报告"),
            ("index.html", "1"),
        ], encoding="gbk"),
        "/nb/t20240115_1.html": Route(docs.html_report),
        "/nb/t20240120_2.html": _item_page(_SZ, "../files/szfgs2024.pdf"),
        "/nb/t20240105_3.html": _item_page("某某县财政局2022年度政府信息公开工作年度报告", "/files/report-003.docx"),
        "/nb/t_notice.html": Route("<html><body>通知</body></html>".encode()),
        "/private/t_secret.html": Route(docs.html_report),
        "/nb/t_moved.html": Route(status=302, location="/nb/t_new.html"),
        "/nb/t_new.html": Route(docs.redirected_report),
        "/nb/t_away.html": Route(status=302, location="http://other.invalid/report.html"),
        "/nb/t_slow.html": Route(docs.html_report, delay=2.0),
        "/nb/t_again.html": _item_page(_SZ, "/files/szfgs2024.pdf"),
        "/nb/t_broken.html": _item_page("某某县民政局2022年度政府信息公开工作年度报告", "/files/broken.pdf"),
        "/nb/t20220110_5.html": Route(docs.gbk_report, "text/html"),
        "/files/szfgs2024.pdf": Route(docs.pdf, "application/pdf"),
        "/files/report-003.docx": Route(docs.docx, _DOCX),
        "/files/broken.pdf": Route(b"%PDF-1.4\n% truncated by the portal\n", "application/pdf"),
        "/files/2020%E5%B9%B4%E6%8A%A5.txt": Route(docs.text, "text/plain; charset=utf-8"),
    }
    # fmt: on
