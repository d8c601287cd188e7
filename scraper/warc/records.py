"""WARC records, built with warcio: from an Exchange (a capture) and from a stored page (an
export), each serialized as one gzip member, so that any record can be read on its own from
its offset (what CDX indexes, replay tools and `fetches.warc_offset` rely on).

Nothing here opens files; capture.py and export.py decide where the bytes go.
"""
from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..models import Exchange

WARC_VERSION = "WARC/1.1"
SOFTWARE = f"scraper/{__version__}"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Never written, whatever the exchange held: credentials the crawl sent (a URL's
# user:password becomes an Authorization header) and cookies (which the archive never keeps).
_UNWRITTEN_REQUEST_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
# Transfer-Encoding goes too: HTTP clients hand over the body with its chunks joined, and a
# record that still said `chunked` would have readers look for chunks that are not there.
_UNWRITTEN_RESPONSE_HEADERS = frozenset({"set-cookie", "set-cookie2", "transfer-encoding"})
# zlib's default level: level 9 took as long for 1% smaller records on the benchmark pages.
_GZIP_LEVEL = 6
# A builder only: records are written into buffers, one at a time (see `member`).
_BUILDER = WARCWriter(None, gzip=False, warc_version=WARC_VERSION)


@dataclass
class Pair:
    """The records of one exchange: the response (a revisit for a 304), then its request."""

    response: ArcWarcRecord
    request: ArcWarcRecord


def exchange_records(exchange: Exchange) -> Pair:
    """The response and request records of what went over the wire."""
    date = warc_date(exchange.date)
    response_headers = {"WARC-Date": date}
    if exchange.peer_ip:
        response_headers["WARC-IP-Address"] = exchange.peer_ip
    if exchange.truncated:
        response_headers["WARC-Truncated"] = exchange.truncated
    status = StatusAndHeaders(
        f"{exchange.status} {_text(exchange.reason)}".rstrip(),
        _headers(exchange.response_headers, _UNWRITTEN_RESPONSE_HEADERS),
        protocol=exchange.http_version)
    if exchange.status == 304:
        # The server says the copy already archived stands: nothing new to keep but that.
        response_headers["WARC-Profile"] = SERVER_NOT_MODIFIED
        response_headers["WARC-Refers-To-Target-URI"] = exchange.url
        response = _BUILDER.create_warc_record(exchange.url, "revisit", http_headers=status,
                                               warc_headers_dict=response_headers)
    else:
        response = _BUILDER.create_warc_record(
            exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
            http_headers=status, warc_headers_dict=response_headers)
    request_line = f"{exchange.method} {_text(exchange.target)} {exchange.http_version}"
    request = _BUILDER.create_warc_record(
        exchange.url, "request",
        http_headers=StatusAndHeaders(request_line, _headers(exchange.request_headers,
                                                             _UNWRITTEN_REQUEST_HEADERS),
                                      is_http_request=True),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To":
                           response.rec_headers.get_header("WARC-Record-ID")})
    return Pair(response, request)


def stored_response(url: str, date: str, status: int, headers: list[tuple[str, str]],
                    body: bytes) -> ArcWarcRecord:
    """A response record rebuilt from what the archive keeps; the same input gives the same
    record, byte for byte (its id is derived from the URL, the date and the body)."""
    warc_date_ = warc_date(date)
    record_id = _derived_id("response", url, warc_date_, body)
    return _BUILDER.create_warc_record(
        url, "response", payload=BytesIO(body), length=len(body),
        http_headers=StatusAndHeaders(f"{status} {_reason(status)}".rstrip(), headers,
                                      protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Record-ID": record_id, "WARC-Date": warc_date_})


def warcinfo(filename: str, fields: dict[str, str], *, date: str | None = None) -> ArcWarcRecord:
    """The record that opens a WARC file: what made it, and how. With `date`, its id and date
    are derived from the fields (an export made twice is the same file)."""
    block = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value)
    payload = block.encode("utf-8")
    headers = {"WARC-Filename": filename}
    if date is not None:
        headers["WARC-Date"] = warc_date(date)
        headers["WARC-Record-ID"] = _derived_id("warcinfo", filename, date, payload)
    return _BUILDER.create_warc_record("", "warcinfo", payload=BytesIO(payload),
                                       length=len(payload), warc_headers_dict=headers,
                                       warc_content_type="application/warc-fields")


def member(record: ArcWarcRecord) -> bytes:
    """One record as one gzip member: readable on its own from its offset."""
    buffer = BytesIO()
    WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
    packer = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(buffer.getvalue()) + packer.flush()


def record_id(record: ArcWarcRecord) -> str:
    return record.rec_headers.get_header("WARC-Record-ID")


def warc_date(iso: str) -> str:
    """An ISO 8601 time as WARC-Date wants it: UTC, `Z`, microseconds only when there are."""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else datetime.now(
        timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    timespec = "microseconds" if when.microsecond else "seconds"
    return when.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def _derived_id(*parts: object) -> str:
    key = "\x00".join(p.hex() if isinstance(p, bytes) else str(p) for p in parts)
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}>"


def _headers(raw: list[tuple[bytes, bytes]], unwritten: frozenset[str]) -> list[tuple[str, str]]:
    return [(_text(name), _text(value)) for name, value in raw
            if _text(name).lower() not in unwritten]


def _text(value: bytes | str) -> str:
    # HTTP header bytes are ISO-8859-1 by the old RFCs: every byte maps to one character and
    # back, so nothing is lost on the way to warcio (which %-encodes what is not ASCII).
    return value.decode("iso-8859-1") if isinstance(value, bytes) else value



def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
