"""The collector's ledger and the sources file as warehouse frames: `source_documents` (where every
collected file came from) and `listed_publishers` (who is expected to publish)."""

from datetime import datetime

import polars as pl

from pipeline.collect.crawl import ledger_path
from pipeline.collect.ledger import Ledger
from pipeline.collect.sources import Source
from pipeline.normalise import normalise_text
from pipeline.parse.title import named_in
from pipeline.settings import Settings

DOCUMENT_SCHEMA = {
    "url": pl.String, "source": pl.String, "referrer": pl.String, "kind": pl.String, "title": pl.String,
    "title_agency": pl.String, "title_year": pl.Int32, "fetched_at": pl.Datetime("us"), "http_status": pl.Int32,
    "etag": pl.String, "last_modified": pl.String, "sha256": pl.String, "size_bytes": pl.Int64,
    "file_name": pl.String, "error": pl.String,
}  # fmt: skip
PUBLISHER_SCHEMA = {"source": pl.String, "agency": pl.String, "first_year": pl.Int32}


def document_frame(settings: Settings) -> pl.DataFrame:
    """`source_documents`: one row per URL in the ledger (none when nothing was ever collected)."""
    path = ledger_path(settings)
    if not path.exists():
        return pl.DataFrame(schema=DOCUMENT_SCHEMA)
    ledger = Ledger(path)
    try:
        rows = ledger.rows()
    finally:
        ledger.close()
    out = []
    for row in rows:
        named = named_in(normalise_text(row["title"] or "").replace(" ", "")) if row["title"] else None
        out.append({
            **{k: row[k] for k in DOCUMENT_SCHEMA if k in row and k != "fetched_at"},
            "fetched_at": datetime.fromisoformat(row["fetched_at"]),
            "title_agency": named[0] if named else None,
            "title_year": named[1] if named else None,
        })  # fmt: skip
    return pl.DataFrame(out, schema=DOCUMENT_SCHEMA)


def publisher_frame(sources: list[Source]) -> pl.DataFrame:
    """`listed_publishers`: each source's agency and its `publishers`, from its `first_year`."""
    rows = [
        {"source": s.name, "agency": agency, "first_year": s.first_year}
        for s in sources
        for agency in dict.fromkeys(([s.agency] if s.agency else []) + list(s.publishers))
    ]
    return pl.DataFrame(rows, schema=PUBLISHER_SCHEMA)
