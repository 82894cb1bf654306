"""The collector's ledger: every URL fetched, with what came back, in a SQLite file beside the warehouse
(`collect/ledger.sqlite`). A row is written as soon as its fetch is done and its file is in place, so a
collection killed half way resumes where it was: what has an ETag or Last-Modified is asked for
conditionally, and an item is marked done only once its attachments are in.

It is the source of `source_documents` in the warehouse (loaded by the `collected_reports` asset).
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
create table if not exists fetches (
    url           text primary key,
    source        text not null,
    referrer      text,
    kind          text not null,   -- list | item | attachment | robots
    title         text,            -- the link's text (an item's title names its agency and year)
    fetched_at    text not null,
    http_status   integer,
    etag          text,
    last_modified text,
    sha256        text,
    size_bytes    integer,
    file_name     text,            -- in the raw folder; NULL for pages not kept
    error         text,
    done          integer not null default 1  -- an item whose attachments are all in
);
create table if not exists source_runs (
    source        text not null,
    started_at    text not null,
    finished_at   text,
    list_pages    integer,
    items         integer,
    files_written integer,
    unchanged     integer,
    errors        integer,
    failure       text
);
"""
COLUMNS = ("url", "source", "referrer", "kind", "title", "fetched_at", "http_status", "etag", "last_modified",
           "sha256", "size_bytes", "file_name", "error", "done")  # fmt: skip


@dataclass
class Fetch:
    url: str
    source: str
    referrer: str | None
    kind: str
    title: str | None
    fetched_at: str
    http_status: int | None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    file_name: str | None = None
    error: str | None = None
    done: int = 1


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = sqlite3.connect(path)
        self.con.executescript(_SCHEMA)

    def close(self) -> None:
        self.con.close()

    def get(self, url: str) -> Fetch | None:
        row = self.con.execute(f"select {', '.join(COLUMNS)} from fetches where url = ?", (url,)).fetchone()
        return Fetch(*row) if row else None

    def file_for(self, sha256: str) -> str | None:
        """The file already holding this content, if any (each content is kept once)."""
        row = self.con.execute(
            "select file_name from fetches where sha256 = ? and file_name is not null limit 1", (sha256,)
        ).fetchone()
        return row[0] if row else None

    def record(self, fetch: Fetch) -> None:
        values = tuple(getattr(fetch, c) for c in COLUMNS)
        self.con.execute(
            f"insert or replace into fetches ({', '.join(COLUMNS)}) values ({', '.join('?' * len(COLUMNS))})", values
        )
        self.con.commit()

    def record_run(
        self, source: str, started_at: str, finished_at: str, counts: dict[str, int], failure: str | None
    ) -> None:
        self.con.execute(
            "insert into source_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (source, started_at, finished_at, counts.get("list_pages", 0), counts.get("items", 0),
             counts.get("files_written", 0), counts.get("unchanged", 0), counts.get("errors", 0), failure),
        )  # fmt: skip
        self.con.commit()

    def rows(self) -> list[dict]:
        cur = self.con.execute(f"select {', '.join(COLUMNS)} from fetches order by source, url")
        return [dict(zip(COLUMNS, row, strict=True)) for row in cur.fetchall()]
