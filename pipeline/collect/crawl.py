"""Walk each source's list pages, open its report items, keep the reports in the raw folder.

Per source: the list pages from `start_url`, following pagination (at most `max_pages`); on each, the
links whose title names a report (年度报告, 年报, a 函 carrying one); each item page kept when its body
is the report, and its attachments (PDF, DOC, DOCX, WPS, images) kept. Each content is written once,
under a sanitised name, atomically (a killed run leaves no half file); the ledger says where every URL
led. A failing source is recorded and the others go on.
"""

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.collect.fetch import PoliteFetcher, Response
from pipeline.collect.ledger import Fetch, Ledger
from pipeline.collect.pages import read_page
from pipeline.collect.sources import Source
from pipeline.settings import Settings

_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.\-]+")
_TYPES = {"application/pdf": ".pdf", "text/html": ".html", "application/msword": ".doc", "text/plain": ".txt",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}  # fmt: skip


@dataclass
class SourceRun:
    """What collecting one source did."""

    source: str
    list_pages: int = 0
    items: int = 0
    files_written: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # one line each: URL and why
    failure: str | None = None  # the source could not be collected at all

    def counts(self) -> dict[str, int]:
        return {"list_pages": self.list_pages, "items": self.items, "files_written": len(self.files_written),
                "unchanged": self.unchanged, "errors": len(self.errors)}  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def safe_name(source: str, title: str, sha256: str, suffix: str) -> str:
    """`source__title__hash.ext`: letters, digits, CJK, '.', '-' and '_' only, at most ~150 bytes."""
    stem = _UNSAFE.sub("_", title).strip("._")[:40] or "document"
    return f"{_UNSAFE.sub('_', source)}__{stem}__{sha256[:12]}{suffix}"


def _suffix(url: str, headers: dict[str, str]) -> str:
    path = unquote(urlsplit(url).path).lower()
    ext = os.path.splitext(path)[1]
    if ext in (".pdf", ".doc", ".docx", ".wps", ".jpg", ".jpeg", ".png", ".txt", ".html", ".htm"):
        return ".html" if ext == ".htm" else ext
    return _TYPES.get(headers.get("content-type", "").split(";")[0].strip().lower(), ".html")


class Collector:
    def __init__(self, settings: Settings, sources: list[Source], fetcher: PoliteFetcher, ledger: Ledger,
                 progress: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.settings, self.sources, self.fetcher, self.ledger = settings, sources, fetcher, ledger
        self.progress = progress or (lambda _: None)

    def run(self) -> list[SourceRun]:
        runs = []
        for source in self.sources:
            started = _now()
            run = SourceRun(source.name)
            try:
                self._collect(source, run)
            except Exception as exc:  # a source that breaks is recorded; the others go on
                run.failure = f"{type(exc).__name__}: {exc}"
            if run.failure is None and run.list_pages == 0:
                run.failure = run.errors[0] if run.errors else "no list page could be read"
            self.ledger.record_run(source.name, started, _now(), run.counts(), run.failure)
            runs.append(run)
        return runs

    def _collect(self, source: Source, run: SourceRun) -> None:
        queue, seen = [source.start_url], set()
        limit = source.max_pages or self.settings.collect_max_pages
        while queue and run.list_pages < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            answer = self.fetcher.get(url)  # list pages are read afresh: they are where new items appear
            self._record(source, answer, None, "list", None)
            if not answer.ok:
                run.errors.append(f"{url}: {answer.error or answer.status}")
                continue
            run.list_pages += 1
            page = read_page(answer.final_url, answer.body or b"", answer.headers.get("content-type"))
            self.progress(f"{source.name}: list page {run.list_pages} ({url})")
            for item in page.items(source.item_pattern):
                self._item(source, item.url, item.text, url, run)
            for report in page.report_attachments():  # a list linking the report's file directly
                run.items += 1
                self._attachment(source, report.url, report.text, url, run)
            queue += [link.url for link in page.next_pages(source.next_pattern) if link.url not in seen]

    def _fetch(self, source: Source, url: str, kind: str, title: str, referrer: str, run: SourceRun) -> Response | None:
        """The document at `url`, asked for conditionally when an earlier fetch finished; None when it is
        unchanged or could not be had (both recorded)."""
        before = self.ledger.get(url)
        finished = before is not None and before.done and before.http_status in (200, 304)
        answer = (
            self.fetcher.get(url, before.etag, before.last_modified) if finished and before else self.fetcher.get(url)
        )
        if answer.unchanged:
            run.unchanged += 1
            self._record(source, answer, referrer, kind, title, keep=before)
            return None
        if not answer.ok:
            run.errors.append(f"{url}: {answer.error or answer.status}")
            self._record(source, answer, referrer, kind, title)
            return None
        return answer

    def _item(self, source: Source, url: str, title: str, referrer: str, run: SourceRun) -> None:
        run.items += 1
        answer = self._fetch(source, url, "item", title, referrer, run)
        if answer is None:
            return
        page = read_page(answer.final_url, answer.body or b"", answer.headers.get("content-type"))
        title = title or page.title
        self._record(source, answer, referrer, "item", title, done=0)  # not done until attachments are in
        file_name = self._keep(source, answer, title, run) if page.holds_report() else None
        for link in page.attachments():  # recorded under the item's title: it names the agency and year
            self._attachment(source, link.url, title or link.text, url, run)
        self._record(source, answer, referrer, "item", title, file_name=file_name)

    def _attachment(self, source: Source, url: str, title: str, referrer: str, run: SourceRun) -> None:
        answer = self._fetch(source, url, "attachment", title, referrer, run)
        if answer is not None:
            self._record(
                source, answer, referrer, "attachment", title, file_name=self._keep(source, answer, title, run)
            )

    def _keep(self, source: Source, answer: Response, title: str, run: SourceRun) -> str:
        """Write the body into the raw folder once per content; the file's name."""
        body = answer.body or b""
        sha = hashlib.sha256(body).hexdigest()
        existing = self.ledger.file_for(sha)
        if existing and (self.settings.raw_dir / existing).exists():
            return existing
        name = safe_name(source.name, title, sha, _suffix(answer.final_url, answer.headers))
        target = self.settings.raw_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name("." + name + ".part")
        partial.write_bytes(body)
        os.replace(partial, target)  # atomic: a killed run leaves no half file under a report's name
        run.files_written.append(name)
        self.progress(f"{source.name}: kept {name}")
        return name

    def _record(self, source: Source, answer: Response, referrer: str | None, kind: str, title: str | None,
                file_name: str | None = None, done: int = 1, keep: Fetch | None = None) -> None:  # fmt: skip
        body = answer.body
        self.ledger.record(Fetch(
            # an unchanged document keeps the page that first led to it, and what its body was
            url=answer.url, source=source.name, referrer=keep.referrer if keep and keep.referrer else referrer,
            kind=kind, title=keep.title if keep and keep.title else title, fetched_at=_now(),
            http_status=answer.status,
            etag=answer.headers.get("etag") or (keep.etag if keep else None),
            last_modified=answer.headers.get("last-modified") or (keep.last_modified if keep else None),
            sha256=hashlib.sha256(body).hexdigest() if body is not None else (keep.sha256 if keep else None),
            size_bytes=len(body) if body is not None else (keep.size_bytes if keep else None),
            file_name=file_name or (keep.file_name if keep else None),
            error=answer.error, done=done,
        ))  # fmt: skip


def collect(settings: Settings, sources: list[Source], progress: Callable[[str], None] | None = None,
            session: object | None = None) -> list[SourceRun]:  # fmt: skip
    """Collect every source into the raw folder; the ledger beside the warehouse records every fetch."""
    hosts = {s.host for s in sources}
    fetcher = PoliteFetcher(
        hosts, settings.collect_delay_seconds, settings.collect_timeout_seconds, settings.collect_retries,
        settings.max_file_bytes, session=session,  # type: ignore[arg-type]
    )  # fmt: skip
    ledger = Ledger(ledger_path(settings))
    try:
        return Collector(settings, sources, fetcher, ledger, progress).run()
    finally:
        ledger.close()


def ledger_path(settings: Settings) -> Path:
    return settings.warehouse.parent / "collect" / "ledger.sqlite"
