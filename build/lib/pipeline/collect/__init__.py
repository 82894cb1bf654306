"""Collecting reports from government portals: `data/sources.yaml` lists the 政府信息公开年报 columns;
the collector walks their list pages, opens each report item and keeps the report page and its
attachments in the raw folder, politely (robots.txt, one request at a time per host, conditional GETs),
with every fetch in a ledger that becomes `source_documents`.

Modules: `sources` (the file), `fetch` (the polite client), `pages` (links, items, attachments),
`ledger` (what was fetched), `crawl` (walking a source), `provenance` (the ledger as warehouse frames).
"""

from pipeline.collect.crawl import SourceRun, collect, ledger_path
from pipeline.collect.ledger import Ledger
from pipeline.collect.provenance import document_frame, publisher_frame
from pipeline.collect.sources import Source, SourcesFileError, load_sources

__all__ = [
    "Ledger",
    "Source",
    "SourceRun",
    "SourcesFileError",
    "collect",
    "document_frame",
    "ledger_path",
    "load_sources",
    "publisher_frame",
]
