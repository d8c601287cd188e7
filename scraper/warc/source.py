"""WARC files as a source of pages: each HTML response record, as if it had been fetched.

A file is read as a stream, one record at a time (gzip or not, WARC/1.0 or 1.1,
ARC: warcio reads them all), so a file of many gigabytes takes the memory of its
largest page. A record becomes a page, a `Finished` like the crawl's, when it is
an HTTP `response` with a 2xx status, an HTML body (by Content-Type, then by its
bytes, as a fetch decides) no larger than `max_body`, and passes the filters;
its date becomes the fetch's date, and the record's place (file, offset, length)
goes with it into the archive.

Nothing is archived twice. A record whose place the archive already names was
imported before (an interrupted import, run again, goes on past what it had
committed), and a page with the same URL and the same bytes as an archived
fetch is a duplicate (the same page captured twice, or a capture of this
archive's own crawl). The archive decides both from what is committed, and the
pages handed over and not yet committed are remembered here, which the
hand-over bounds.

A record that cannot be read (a file cut short in the middle of its last
record, a broken gzip member) is reported and skipped; where the file cannot
be read past it, the rest of that file is given up, reported, and the next
file goes on. Nothing here writes.
"""
from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed

from ..crawl.queue import DONE
from ..crawl.writer import Finished
from ..fetch.http import KEPT_HEADERS, FetchPolicy, is_html_type, looks_binary
from ..models import FetchResult, WarcRef
from ..urls import normalize_url

# What reading a broken record can raise, past warcio's own ArchiveLoadFailed.
_BROKEN = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)


@dataclass(frozen=True)
class ImportFilter:
    """Which responses of a WARC file to archive."""

    since: str | None = None  # only records dated on or after this archive time
    include: tuple[str, ...] = ()  # URL globs: when given, a URL must match one
    exclude: tuple[str, ...] = ()  # URL globs: a URL matching one is skipped
    max_body: int = FetchPolicy().max_bytes  # decoded bytes, as a crawl's --max-body

    def refusal(self, url: str, date: str | None) -> str | None:
        """Why a response is not wanted, or None."""
        if self.since and (date is None or date < self.since):
            return "before --since"
        if self.include and not any(fnmatchcase(url, glob) for glob in self.include):
            return "not --include"
        if any(fnmatchcase(url, glob) for glob in self.exclude):
            return "--exclude"
        return None


@dataclass(frozen=True)
class Problem:
    """A record that could not be read."""

    file: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        where = f" at offset {self.offset:,}" if self.offset is not None else ""
        return f"{self.file}{where}: {self.message}"


@dataclass
class Reading:
    """What reading the files found, besides pages: counted as it goes."""

    records: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> records
    problems: list[Problem] = field(default_factory=list)
    bytes_read: int = 0  # of the files, as stored (compressed)


class Seen:
    """Whether the archive already holds a record, or the same page: see the module docstring.

    `recent` remembers the pages handed over and not yet committed: at least as many as
    the hand-over lets be in flight."""

    def __init__(self, conn: sqlite3.Connection, recent: int) -> None:
        self._conn = conn
        self._recent: deque[tuple[str, str]] = deque(maxlen=recent)

    def imported(self, ref: WarcRef) -> bool:
        return self._conn.execute(
            "select 1 from fetches where warc_file = ? and warc_offset = ? limit 1",
            [ref.file, ref.offset]).fetchone() is not None

    def duplicate(self, url: str, body: bytes) -> bool:
        key = (url, hashlib.sha256(body).hexdigest())
        if key in self._recent or self._conn.execute(
                "select 1 from fetches where url = ? and body_sha256 = ? limit 1",
                key).fetchone() is not None:
            return True
        self._recent.append(key)
        return False


def pages(paths: list[Path], keep: ImportFilter, seen: Seen, reading: Reading,
          on_record: Callable[[Reading], None] = lambda r: None) -> Iterator[Finished]:
    """The pages of each file, in file order; `reading` counts the rest as it goes."""
    for path in paths:
        done_before = reading.bytes_read
        with path.open("rb") as stream:
            for page in _file_pages(path, stream, keep, seen, reading, on_record, done_before):
                yield page
        reading.bytes_read = done_before + path.stat().st_size


def _file_pages(path: Path, stream: BinaryIO, keep: ImportFilter, seen: Seen,
                reading: Reading, on_record: Callable[[Reading], None],
                done_before: int) -> Iterator[Finished]:
    name = str(path.resolve())
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except _BROKEN as exc:  # the file cannot be read past here
            reading.problems.append(Problem(name, _offset(records), "cannot be read past "
                                            f"this point: {_first_line(exc)}"))
            return
        reading.records += 1
        reading.bytes_read = done_before + stream.tell()
        on_record(reading)
        try:
            page = _page(record, records, name, keep, seen, reading)
        except _BROKEN as exc:
            reading.problems.append(Problem(name, _offset(records),
                                            f"a broken record, skipped: {_first_line(exc)}"))
            continue
        if page is not None:
            yield page


def _page(record, records: ArchiveIterator, file: str, keep: ImportFilter, seen: Seen,
          reading: Reading) -> Finished | None:
    """The record as a page, or None (counted in `reading.skipped`, or a problem)."""
    skip = reading.skipped
    if record.rec_type != "response":
        skip[record.rec_type or "unknown record"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not url.lower().startswith(("http://", "https://")) or record.http_headers is None:
        skip["not HTTP"] += 1
        return None
    status = _status(record)
    if status is None or not 200 <= status < 300:
        skip["not 2xx"] += 1
        return None
    content_type = record.http_headers.get_header("content-type") or ""
    if content_type and not is_html_type(content_type):
        skip["not HTML"] += 1
        return None
    encoding = (record.http_headers.get_header("content-encoding") or "").strip().lower()
    if encoding not in ("", "identity") and (
            encoding not in BufferedReader.get_supported_decompressors()):
        skip["unsupported Content-Encoding"] += 1
        return None
    date = _archive_time(record.rec_headers.get_header("WARC-Date"))
    refusal = keep.refusal(url, date)
    if refusal is not None:
        skip[refusal] += 1
        return None
    body = record.content_stream().read(keep.max_body + 1)
    if len(body) > keep.max_body:
        skip["over --max-body"] += 1
        return None
    if record.raw_stream.limit > 0:  # the file ended before the record did
        reading.problems.append(Problem(file, records.get_record_offset(),
                                        "the record is cut short (the file ends inside it), "
                                        "skipped"))
        return None
    if not body.strip() or looks_binary(body):
        skip["not HTML" if body.strip() else "empty"] += 1
        return None
    ref = WarcRef(file, records.get_record_offset(), records.get_record_length())
    key = normalize_url(url)
    if seen.imported(ref):
        skip["imported before"] += 1
        return None
    if seen.duplicate(key, body):
        skip["duplicate"] += 1
        return None
    headers = {name.lower(): value for name, value in record.http_headers.headers
               if name.lower() in KEPT_HEADERS}
    result = FetchResult(url=url, final_url=url, status=status, headers=headers,
                         content_type=content_type or None, body=body, warc=ref,
                         fetched_at=date)
    return Finished(key, result, DONE)


def _status(record) -> int | None:
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _archive_time(warc_date: str | None) -> str | None:
    """A WARC-Date (or an ARC's 14-digit date) as the archive writes times; None if unreadable."""
    if not warc_date:
        return None
    text = warc_date.strip()
    try:
        if text.isdigit() and len(text) == 14:
            when = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat(timespec="seconds")


def _offset(records: ArchiveIterator) -> int | None:
    """Where the record being read started (warcio keeps it while it reads one), if known."""
    offset = getattr(records, "offset", None)
    return offset if isinstance(offset, int) and offset >= 0 else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
