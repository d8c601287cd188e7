"""Archive: the SQLite file that holds everything, and the ways to read it back.

schema.py declares tables, views and FTS and migrates old archives; store.py
writes pages and articles; queries.py reads them; reextract.py rebuilds
articles from stored pages; export.py writes them out as files.
"""
from .store import Archive

__all__ = ["Archive"]
