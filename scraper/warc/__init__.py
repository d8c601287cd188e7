"""WARC (ISO 28500), the web-archiving standard, both ways.

capture.py writes what a crawl fetches, as it fetches it; export.py writes what
the archive holds; source.py reads WARC files as pages to archive, the way a
crawl archives fetched ones. records.py builds the records, with warcio.
"""
