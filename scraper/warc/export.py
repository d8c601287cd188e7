"""Export: what the archive holds, as one WARC file.

One `response` record per stored page (every fetch that kept a body, history
included), after a `warcinfo` record. A page whose original record is still
where its fetch says (a `--warc` capture, or the file it was imported from) is
copied byte for byte, digests and all. Otherwise the record is rebuilt from
what the archive keeps: the status, the headers it kept (Content-Type, ETag,
Last-Modified, Date, Link, ...), the body as decoded (so no Content-Encoding),
the URL the page ended at and the time it was fetched. Not rebuilt, because the
archive never kept them: the request, the other headers, redirect hops, the
server's address, 304 revisits, and responses that gave no page.

Deterministic: the same archive gives the same file, byte for byte (record ids
are derived from their content, dates are the fetches' own). Streams: one page
in memory at a time. Reads the archive only.
"""
from __future__ import annotations

import gzip
import json
import sqlite3
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ..archive.store import Archive, unpack_body
from ..errors import UsageError
from ..models import WarcRef
from .records import SOFTWARE, member, stored_response, warcinfo

# The columns a rebuilt record's headers come from are named the way servers send them.
_NAMES = {"etag": "ETag", "www-authenticate": "WWW-Authenticate", "x-robots-tag": "X-Robots-Tag"}


def write_warc(archive: Archive, out: BinaryIO, *, filename: str, where: str | None = None,
               since: str | None = None, compress: bool = True) -> int:
    """Write the pages matching `where` (SQL on `articles`) and fetched since `since`; returns
    how many. `compress`: one gzip member per record (a .warc.gz), else plain records."""
    rows = _rows(archive, where, since)
    latest = _latest(archive, where, since)
    info = warcinfo(filename, {
        "software": SOFTWARE, "format": "WARC File Format 1.1",
        "description": "pages of a scraper archive: original records where they were "
                       "captured or imported, else rebuilt from the stored body and the headers "
                       "kept (no request records)"},
        date=latest or "1970-01-01T00:00:00+00:00")
    out.write(_encoded(info, compress))
    count = 0
    for row in rows:
        url, final_url, status, fetched_at, headers, ref, body = row
        target = final_url or url
        original = _original(ref, target) if ref is not None else None
        if original is not None and compress:
            out.write(original)
        else:
            record = stored_response(target, fetched_at, status or 200,
                                     _header_lines(headers, len(body)), body)
            out.write(_encoded(record, compress))
        count += 1
    return count


def _rows(archive: Archive, where: str | None, since: str | None) -> Iterator[tuple]:
    sql, params = _selection(where, since)
    try:  # run now, so a bad clause fails before anything is written
        cursor = archive.db.execute(f"""
            select f.url, f.final_url, f.status, f.fetched_at, f.headers,
                   f.warc_file, f.warc_offset, f.warc_length, b.html, b.compression
            from fetches f join bodies b on b.sha256 = f.body_sha256
            where {sql} order by f.id""", params)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        raise UsageError(f"invalid --where clause {where!r}: {exc}") from None
    for (url, final_url, status, fetched_at, headers, warc_file, offset, length, data,
         compression) in cursor:
        ref = WarcRef(warc_file, offset, length) if warc_file else None
        body = unpack_body(data, compression)
        yield url, final_url, status, fetched_at, headers, ref, body


def _latest(archive: Archive, where: str | None, since: str | None) -> str | None:
    sql, params = _selection(where, since)
    return archive.db.execute(f"""
        select max(f.fetched_at) from fetches f join bodies b on b.sha256 = f.body_sha256
        where {sql}""", params).fetchone()[0]


def _selection(where: str | None, since: str | None) -> tuple[str, list]:
    """Fetches that kept a page of an http(s) URL, of articles matching `where`."""
    clauses = ["f.error is null", "(f.url like 'http://%' or f.url like 'https://%')"]
    params: list = []
    if where:  # the newline ends a trailing -- comment
        clauses.append(f"f.url in (select url from articles where ({where}\n))")
    if since:
        clauses.append("f.fetched_at >= ?")
        params.append(since)
    return " and ".join(clauses), params


def _header_lines(stored: str | None, length: int) -> list[tuple[str, str]]:
    headers = json.loads(stored) if stored else {}
    lines = [(_NAMES.get(name, "-".join(part.capitalize() for part in name.split("-"))), value)
             for name, value in headers.items() if name not in ("content-length",)]
    return [*lines, ("Content-Length", str(length))]


def _encoded(record, compress: bool) -> bytes:
    data = member(record)
    return data if compress else gzip.decompress(data)


def _original(ref: WarcRef, url: str) -> bytes | None:
    """The gzip member of the original response record, if it is still where `ref` says."""
    try:
        with open(ref.file, "rb") as file:
            file.seek(ref.offset)
            data = file.read(ref.length)
    except OSError:
        return None
    if len(data) != ref.length or not data.startswith(b"\x1f\x8b"):
        return None  # gone, changed, or an uncompressed file: rebuilt instead
    try:
        record = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, 65536)
    except zlib.error:
        return None
    head = record.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").split("\r\n")
    fields = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    if not head[0].startswith("WARC/1.") or fields.get("WARC-Type") != "response" or (
            fields.get("WARC-Target-URI") != url):
        return None
    return data


def output_name(path: Path) -> tuple[str, bool]:
    """The file name the warcinfo gives, and whether records are gzip members (.warc.gz)."""
    return path.name, not path.name.endswith(".warc")
