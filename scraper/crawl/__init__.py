"""Crawl: a durable queue of URLs -> fetched, extracted and stored pages.

queue.py keeps each URL's state in the archive (so a crawl resumes after a
kill); batch.py schedules fetches politely per host; writer.py runs the
extraction processes and the one process that writes the archive.
"""
from .batch import CrawlSettings, ListFrontier, QueueFrontier, crawl

__all__ = ["CrawlSettings", "ListFrontier", "QueueFrontier", "crawl"]
