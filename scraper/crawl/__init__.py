"""Crawl: a durable queue of URLs -> fetched, extracted and stored pages.

queue.py keeps each URL's state in the archive (so a crawl resumes after a
kill); batch.py schedules fetches politely per host; writer.py runs the
extraction processes and the one process that writes the archive.

The names below are imported when first asked for: the extraction and writer
processes import this package too (their code is in writer.py), and must not
pay for the HTTP client they never use (12 MB of memory each).
"""
from __future__ import annotations

from typing import Any

__all__ = ["CrawlSettings", "ListFrontier", "QueueFrontier", "crawl"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import batch
        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
