"""Every way scraper can fail, in one place.

Page-level failures are *values*: a FetchResult carries `error_kind` (one of
the FetchError names below) and a one-line `error` message, and the archive
stores both. They never raise: one bad page must not stop a batch.

Run-level failures (the archive cannot be opened, the URL list cannot be read)
raise a ScraperError subclass; the CLI prints its message on one line and exits
with its `exit_code`.
"""
from __future__ import annotations

from enum import Enum


class FetchError(str, Enum):
    """Why a URL gave no usable page. Stored as text in `fetches.error_kind`."""

    INVALID_URL = "invalid_url"  # not a URL we can parse
    UNSUPPORTED_SCHEME = "unsupported_scheme"  # file:, ftp:, data:, javascript: ...
    UNREACHABLE = "unreachable"  # DNS failure, connection refused
    TIMEOUT = "timeout"  # connect/read timeout or the total deadline
    CONNECTION = "connection"  # reset or broken mid-response
    HTTP_STATUS = "http_status"  # 4xx / 5xx after retries
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    TOO_LARGE = "too_large"  # body (or its decompressed size) over the cap
    NOT_HTML = "not_html"  # PDF, image, JSON ...
    EMPTY = "empty"  # 200 with no body
    ROBOTS = "robots"  # disallowed by robots.txt (the queue calls it skipped)
    CRAWL_DELAY = "crawl_delay"  # robots.txt asks for longer between requests than allowed
    FILE_NOT_FOUND = "file_not_found"  # a local path that does not exist
    FILE_UNREADABLE = "file_unreadable"
    UNSTORABLE = "unstorable"  # the archive refused the page (a row SQLite cannot hold)
    EXTRACTION_CRASHED = "extraction_crashed"  # the process extracting the page died on it
    MALFORMED = "malformed"  # a sitemap or feed that cannot be read as one
    UNSAFE_XML = "unsafe_xml"  # XML declaring entities (an XML bomb): refused unread


class ScraperError(Exception):
    """A failure of the whole command. `str(error)` is the one line the user sees."""

    exit_code = 1


class UsageError(ScraperError):
    exit_code = 2


class UrlListError(ScraperError):
    """The URL list is missing, unreadable or not text."""

    exit_code = 3


class ArchiveError(ScraperError):
    """The archive cannot be opened or written."""

    exit_code = 4


class WarcFileError(ScraperError):
    """A WARC file to import is missing or cannot be read at all."""

    exit_code = 3


class CaptureError(ArchiveError):
    """The WARC capture cannot be written (its folder cannot be made, the disk is full)."""


class ArchiveLocked(ArchiveError):
    exit_code = 5


class ArchiveTooNew(ArchiveError):
    exit_code = 6


class ClusterError(ScraperError):
    """The Dask cluster cannot be reached, was lost, or its workers cannot do the work."""

    exit_code = 7


# Exit code when the command ran but some pages failed.
EXIT_SOME_FAILED = 1
