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
import os
import sqlite3
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO, Callable, Container, Iterator

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

    def offsets(self, file: str) -> list[int]:
        """Where the records of `file` the archive holds start, in order."""
        return [offset for (offset,) in self._conn.execute(
            "select warc_offset from fetches where warc_file = ? and warc_offset is not null "
            "order by warc_offset", [file])]

    def duplicate(self, url: str, body: bytes) -> bool:
        return self.duplicate_digest(url, hashlib.sha256(body).hexdigest())

    def duplicate_digest(self, url: str, sha256: str) -> bool:
        """`duplicate`, from the body's SHA-256 (hex) alone."""
        key = (url, sha256)
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
    for record in _readable(records, name, reading):
        reading.records += 1
        reading.bytes_read = done_before + stream.tell()
        on_record(reading)
        page = _page_of(record, records, name, keep, seen, reading)
        if page is not None:
            yield page


def _readable(records: ArchiveIterator, file: str, reading: Reading) -> Iterator:
    """The records, up to one past which the file cannot be read (a problem)."""
    while True:
        try:
            yield next(records)
        except StopIteration:
            return
        except _BROKEN as exc:  # the file cannot be read past here
            reading.problems.append(Problem(file, _offset(records), "cannot be read past "
                                            f"this point: {_first_line(exc)}"))
            return


def _page_of(record, records: ArchiveIterator, file: str, keep: ImportFilter,
             seen: Seen | None, reading: Reading) -> Finished | None:
    try:
        return _page(record, records, file, keep, seen, reading)
    except _BROKEN as exc:
        reading.problems.append(Problem(file, _offset(records),
                                        f"a broken record, skipped: {_first_line(exc)}"))
        return None


# -- parts of files, read where they are (scrape import --cluster) ---------------------------

@dataclass(frozen=True)
class Span:
    """The records of a file that start at or after `start` and before `end` (None: the end
    of the file). With `exact`, a record starts at `start`; else the first one after it
    is looked for (a gzip member holding a WARC record), so that a file can be cut into
    spans anywhere and each record still falls in exactly one."""

    file: str  # the file's path, resolved
    start: int
    end: int | None = None
    exact: bool = True


@dataclass
class SpanPart:
    """What reading a span from its start found, up to a bound: the pages (with their
    bodies), and `next`, where the span's next record starts (None: the span is read)."""

    pages: list  # Finished, as read here; Prepared, once a worker has prepared them
    reading: Reading  # bytes_read: of the span, from its start to `next` (or its end)
    next: int | None


def read_span(span: Span, keep: ImportFilter, *, imported: Container[int] = (),
              max_pages: int = 32, max_bytes: int = 16 << 20,
              max_records: int = 5000) -> SpanPart:
    """The span's records from its start, until `max_pages` pages, `max_bytes` of their
    bodies or `max_records` records are read. A record whose offset is in `imported` is
    skipped unread (the archive holds it); duplicates of archived pages are for the caller
    to tell, since it holds the archive."""
    reading, found, size = Reading(), [], 0
    with open(span.file, "rb") as stream:
        total = os.fstat(stream.fileno()).st_size
        end = total if span.end is None else min(span.end, total)
        start = span.start if span.exact else _next_member(stream, span.start, end)
        if start is None or start >= end:
            reading.bytes_read = max(0, end - span.start)
            return SpanPart([], reading, None)
        stream.seek(start)
        records = ArchiveIterator(stream, arc2warc=True)
        for record in _readable(records, span.file, reading):
            if records.offset >= end:  # (where the record being read starts)
                break
            reading.records += 1
            if records.offset in imported:
                reading.skipped["imported before"] += 1
                continue
            page = _page_of(record, records, span.file, keep, None, reading)
            if page is not None:
                found.append(page)
                size += len(page.result.body)
            if len(found) >= max_pages or size >= max_bytes or reading.records >= max_records:
                try:
                    records.read_to_end()
                except _BROKEN:  # the next part meets it again, and says so
                    break
                if records.offset < end:
                    reading.bytes_read = records.offset - span.start
                    return SpanPart(found, reading, records.offset)
                break
    reading.bytes_read = end - span.start
    return SpanPart(found, reading, None)


def splittable(path: str) -> bool:
    """Whether the file is gzip members holding WARC records: then it can be read in
    spans cut anywhere (see Span). Plain WARC and ARC files are read whole."""
    with open(path, "rb") as stream:
        return _opens_record(stream.read(_PROBE))


_GZIP = b"\x1f\x8b\x08"
_PROBE = 4096  # compressed bytes enough to inflate a record's first line
_SCAN = 1 << 20


def _opens_record(data: bytes) -> bool:
    """Whether `data` starts a gzip member whose text starts a WARC record."""
    if not data.startswith(_GZIP):
        return False
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _next_member(stream: BinaryIO, start: int, end: int) -> int | None:
    """Where the first gzip member opening a WARC record starts, at or after `start` and
    before `end`; None if none does."""
    block_start = start
    while block_start < end:
        stream.seek(block_start)
        block = stream.read(_SCAN + _PROBE)  # the overlap lets a member near the end be probed
        at = block.find(_GZIP)
        while 0 <= at < _SCAN and block_start + at < end:
            if _opens_record(block[at:at + _PROBE]):
                return block_start + at
            at = block.find(_GZIP, at + 1)
        if len(block) <= _SCAN:
            return None
        block_start += _SCAN
    return None


def _page(record, records: ArchiveIterator, file: str, keep: ImportFilter,
          seen: Seen | None, reading: Reading) -> Finished | None:
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
    if seen is not None and seen.imported(ref):
        skip["imported before"] += 1
        return None
    if seen is not None and seen.duplicate(key, body):
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
