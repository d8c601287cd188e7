"""The durable batch queue: the archive's `queue` table, one row per URL.

A URL goes pending -> done | failed | skipped. A row changes state in the same
transaction that stores its page (see writer.py), so after a crash every URL
is either archived with its state, or still pending and fetched again: never
twice, never lost.

URL lists are streamed in: a million-line file never sits in memory; the
table's primary key does the deduplication. This module never fetches.
"""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..archive.transactions import writing
from ..errors import ArchiveLocked, UrlListError
from ..urls import ParsedUrl, UrlProblem, origin_of, parse_url

if TYPE_CHECKING:  # (imported for type hints only: see scraper/crawl/writer.py)
    from sqlite_utils import Database

PENDING, DONE, FAILED, SKIPPED = "pending", "done", "failed", "skipped"
STATES = (PENDING, DONE, FAILED, SKIPPED)
# URLs per transaction while reading a list. Big: the keys land all over the
# indexes, and a page touched many times in one transaction is written once
# (2,000 a chunk: 300,000 URLs took 36 s; 20,000: see the commit that set it).
_CHUNK = 20_000
# A URL holds no whitespace: what follows it after whitespace and '#' is a comment.
_TRAILING_COMMENT = re.compile(r"\s+#.*$")
_WHITESPACE = re.compile(r"\s")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class BadLine:
    """A line of a URL list that is not a fetchable URL."""

    number: int
    text: str
    reason: str


@dataclass
class ListedUrls:
    """What reading a URL list found."""

    urls: int = 0  # lines that hold a fetchable URL
    added: int = 0  # URLs new to the queue
    requeued: int = 0  # URLs made pending again (--refresh)
    bad: int = 0  # lines that were not fetchable URLs
    credentials: dict[str, str] | None = None  # origin -> user:password, in memory only


def open_url_list(path: str) -> Iterator[str]:
    """Lines of a URL list (`-` is stdin), decoded as UTF-8, read lazily."""
    if path == "-":
        stream = sys.stdin.buffer
    else:
        try:
            stream = Path(path).open("rb")
        except FileNotFoundError:
            raise UrlListError(f"cannot read URL list {path}: no such file") from None
        except IsADirectoryError:
            raise UrlListError(f"cannot read URL list {path}: it is a folder") from None
        except OSError as exc:
            raise UrlListError(f"cannot read URL list {path}: {exc.strerror or exc}") from None
    return _lines(stream, "standard input" if path == "-" else path)


def _lines(stream, name: str) -> Iterator[str]:
    try:
        for raw in stream:
            if b"\x00" in raw:
                raise UrlListError(f"URL list {name} is not a text file")
            yield raw.decode("utf-8", errors="replace")
    except OSError as exc:
        raise UrlListError(f"cannot read URL list {name}: {exc.strerror or exc}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def parse_url_list(lines: Iterable[str], on_bad: Callable[[BadLine], None]
                   ) -> Iterator[ParsedUrl]:
    """Each URL line, parsed; blank lines and # comments skipped, bad lines reported.

    A comment may also follow the URL (`https://example.org/a  # why`)."""
    for number, line in enumerate(lines, start=1):
        text = _TRAILING_COMMENT.sub("", line.strip().lstrip("\ufeff"))
        if not text or text.startswith("#"):
            continue
        if _WHITESPACE.search(text):
            on_bad(BadLine(number, text, "not one URL: it holds whitespace (one URL per line; "
                                         "a space in a URL is written %20)"))
            continue
        parsed = parse_url(text)
        if isinstance(parsed, UrlProblem):
            on_bad(BadLine(number, text, parsed.message))
            continue
        yield parsed


class UrlQueue:
    """The queue table of one archive, for the process that reads and schedules it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def claimed(self, archive_path: Path) -> Iterator[None]:
        """Hold the queue for one crawl at a time: two crawls of one queue would fetch the
        same pending URLs. The lock is the operating system's, so a killed crawl frees it."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            yield
            return
        with open(f"{archive_path}-crawl-lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ArchiveLocked(f"another scrape batch is crawling {archive_path}; "
                                    "wait for it to finish") from None
            yield

    def add(self, lines: Iterable[str], on_bad: Callable[[BadLine], None], *,
            refresh: bool = False) -> ListedUrls:
        """Queue the URLs of a list, chunk by chunk; URLs already queued keep their state.

        With `refresh`, URLs already done or skipped become pending again, to be
        fetched again (conditionally, when the archive has their validators).
        """
        listed = ListedUrls(credentials={})

        def bad(line: BadLine) -> None:
            listed.bad += 1
            on_bad(line)

        chunk: list[tuple[str, str]] = []
        for url in parse_url_list(lines, bad):
            listed.urls += 1
            if url.userinfo:
                listed.credentials[origin_of(url.key)] = url.userinfo
            chunk.append((url.key, url.host))
            if len(chunk) >= _CHUNK:
                self._insert(chunk, listed, refresh)
                chunk = []
        if chunk:
            self._insert(chunk, listed, refresh)
        return listed

    def _insert(self, chunk: list[tuple[str, str]], listed: ListedUrls, refresh: bool) -> None:
        stamp = now()
        with writing(self.db):
            conn = self.db.conn
            before = conn.total_changes
            conn.executemany(
                "insert or ignore into queue (url, host, state, attempts, added_at, updated_at) "
                "values (?, ?, 'pending', 0, ?, ?)",
                [(url, host, stamp, stamp) for url, host in chunk])
            listed.added += conn.total_changes - before
            if refresh:
                before = conn.total_changes
                conn.executemany(
                    "update queue set state = 'pending', updated_at = ? "
                    "where url = ? and state in ('done', 'skipped')",
                    [(stamp, url) for url, _ in chunk])
                listed.requeued += conn.total_changes - before

    def retry_failed(self) -> int:
        """Make every failed URL pending again; returns how many."""
        with writing(self.db):
            cursor = self.db.execute(
                "update queue set state = 'pending', updated_at = ? where state = 'failed'",
                [now()])
            return cursor.rowcount

    def counts(self) -> dict[str, int]:
        found = dict(self.db.execute("select state, count(*) from queue group by state").fetchall())
        return {state: found.get(state, 0) for state in STATES}

    # -- reading, for the crawler ------------------------------------------

    def next_host(self, after: str) -> str | None:
        """The next host, in name order, that has pending URLs (an index seek)."""
        row = self.db.execute(
            "select host from queue where state = 'pending' and host > ? order by host limit 1",
            [after]).fetchone()
        return row[0] if row else None

    def take(self, host: str, after_rowid: int, limit: int
             ) -> list[tuple[int, str, str | None, str | None]]:
        """Up to `limit` pending URLs of `host` after `after_rowid`, in list order, as
        (rowid, url, etag, last_modified): the validators of the last fetch that stored
        a body, for a conditional GET."""
        return self.db.execute(
            "select q.rowid, q.url, f.etag, f.last_modified from queue q "
            "left join fetches f on f.id = (select id from fetches where url = q.url "
            "and body_sha256 is not null order by id desc limit 1) "
            "where q.state = 'pending' and q.host = ? and q.rowid > ? "
            "order by q.rowid limit ?", [host, after_rowid, limit]).fetchall()


def last_validators(db: Database, url: str) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of the last fetch of `url` that stored a body, for a conditional GET."""
    row = db.execute(
        "select etag, last_modified from fetches where url = ? and body_sha256 is not null "
        "order by id desc limit 1", [url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def record(db: Database, url: str, state: str, attempts: int, error_kind: str | None,
           error: str | None, fetch_id: int | None) -> None:
    """Set a URL's state. Called by the writer inside the transaction that stores its page."""
    db.execute(
        "update queue set state = ?, attempts = coalesce(attempts, 0) + ?, error_kind = ?, "
        "last_error = ?, fetch_id = coalesce(?, fetch_id), updated_at = ? where url = ?",
        [state, attempts, error_kind, error, fetch_id, now(), url])
