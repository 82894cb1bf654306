"""A polite HTTP client for government portals.

- It names itself (`USER_AGENT`) and obeys each host's robots.txt. A robots.txt that is missing (4xx)
  allows everything; one the server fails to give (5xx, timeout) forbids everything for the run.
- One request at a time, with at least `delay` seconds between two requests to one host.
- Redirects are followed by hand, at most five, and only to the configured hosts and allowed paths.
- 5xx answers, timeouts and broken connections are retried with doubling waits. Any other 4xx is final.
- Conditional GETs: given the ETag and Last-Modified of the last fetch, an unchanged document costs a
  304 and no body.
- A body over `max_bytes` is not kept: Content-Length is checked first, then the stream.
- Bodies are only ever bytes handed back: nothing downloaded is executed or opened here.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import requests

from pipeline.settings import PARSER_VERSION

ROBOTS_AGENT = "xxgk-collector"
USER_AGENT = (
    f"{ROBOTS_AGENT}/{PARSER_VERSION} (government disclosure annual reports research; polite, one request at a time)"
)
_RETRY_STATUS = {500, 502, 503, 504, 429}
_MAX_REDIRECTS = 5


@dataclass
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int | None  # None: no HTTP answer (timeout, refused, not allowed)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # None for 304, errors and refusals
    error: str | None = None  # why there is no body, in a sentence
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None

    @property
    def unchanged(self) -> bool:
        return self.status == 304


class PoliteFetcher:
    def __init__(
        self,
        allowed_hosts: set[str],
        delay: float = 1.0,
        timeout: float = 30.0,
        retries: int = 3,
        max_bytes: int = 50 * 1024 * 1024,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.delay, self.timeout, self.retries, self.max_bytes = delay, timeout, retries, max_bytes
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.sleep = sleep
        self.requests_made = 0
        self._last: dict[str, float] = {}
        self._robots: dict[str, robotparser.RobotFileParser] = {}
        self._unreadable: dict[str, str] = {}  # hosts whose robots.txt could not be read, and why

    # -- what may be fetched --------------------------------------------------------------------------

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be fetched, or None when it may."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"not an http(s) URL: {url}"
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            return f"{host} is not a configured host"
        robots = self._robots_for(parts.scheme, parts.netloc)
        if f"{parts.scheme}://{parts.netloc}" in self._unreadable:
            return self._unreadable[f"{parts.scheme}://{parts.netloc}"]
        if not robots.can_fetch(ROBOTS_AGENT, url):
            return f"robots.txt of {host} forbids {parts.path or '/'}"
        return None

    def _robots_for(self, scheme: str, netloc: str) -> robotparser.RobotFileParser:
        key = f"{scheme}://{netloc}"
        if key not in self._robots:
            parser = robotparser.RobotFileParser(key + "/robots.txt")
            answer = self._request(key + "/robots.txt", {})
            if answer.status == 200 and answer.body is not None:
                parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
            elif answer.status is not None and 400 <= answer.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True  # the server could not say: ask nothing of it this run
                self._unreadable[key] = (
                    f"robots.txt of {netloc} could not be read ({answer.error or answer.status}): nothing is "
                    "fetched from it this run"
                )
            self._robots[key] = parser
        return self._robots[key]

    # -- fetching ---------------------------------------------------------------------------------------

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` politely; conditional when an ETag or Last-Modified of an earlier fetch is given."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(_MAX_REDIRECTS + 1):
            refusal = self.refusal(current)
            if refusal:
                return Response(url, current, None, error=refusal)
            answer = self._request(current, headers)
            if answer.status in (301, 302, 303, 307, 308) and "location" in answer.headers:
                current = urljoin(current, answer.headers["location"])
                continue
            answer.url = url
            return answer
        return Response(url, current, None, error=f"more than {_MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        host = (urlsplit(url).hostname or "").lower()
        attempt = 0
        while True:
            attempt += 1
            wait = self.delay - (time.monotonic() - self._last.get(host, -1e9))
            if wait > 0:
                self.sleep(wait)
            self._last[host] = time.monotonic()
            self.requests_made += 1
            try:
                answer = self._once(url, headers)
            except (requests.Timeout, requests.ConnectionError) as exc:
                kind = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                answer = Response(url, url, None, error=f"{kind}: {type(exc).__name__}")
            answer.attempts = attempt
            transient = answer.status is None or answer.status in _RETRY_STATUS
            if not transient or attempt > self.retries:
                return answer
            self.sleep(min(60.0, max(self.delay, 0.5) * 2 ** (attempt - 1)))

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        with self.session.get(url, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True) as r:
            found = {k.lower(): v for k, v in r.headers.items()}
            if r.status_code != 200:
                error = None if r.status_code in (301, 302, 303, 304, 307, 308) else f"HTTP {r.status_code}"
                return Response(url, url, r.status_code, found, None, error)
            declared = found.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                return Response(url, url, 200, found, None, f"too large: {declared} bytes > {self.max_bytes}")
            chunks, size = [], 0
            for chunk in r.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    return Response(url, url, 200, found, None, f"too large: over {self.max_bytes} bytes")
                chunks.append(chunk)
            return Response(url, url, 200, found, b"".join(chunks))
