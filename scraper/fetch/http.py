"""Fetching: one URL -> one FetchResult. Bounded in time and memory; failures are values.

Every request has a connect timeout, a read timeout and a total deadline (a
body trickled one byte a second never trips a per-read timeout), and the body
is capped while it streams, *after* decompression (a gzip bomb is 1 MB on the
wire and 1 GiB inflated); what all the crawl's downloads hold at once is
charged to one budget (budget.py). Redirects, and `<meta http-equiv=refresh>` pages that
only point at the real one, are followed here, hop by hop, so loops and long
chains are caught and reported. One call is one attempt: when to try again is
`RetryPolicy`'s answer, and waiting is the crawler's job (it pauses the whole
host, not just the URL).

Nothing in this module raises to the caller, stores anything or prints: every
outcome is a FetchResult, with credentials already removed from its URLs. With
a `capture` (a WARC writer), every request and response of a fetch, redirects
included, is also handed over as an Exchange, bytes as received; without one,
nothing of it is kept.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urljoin

import aiohttp
import certifi

from .. import __version__
from ..encoding import HTML_TYPES, decode_html
from ..errors import FetchError
from ..models import Exchange, FetchResult, WarcRef
from ..urls import check_url, redact
from .budget import BodyCharge

DEFAULT_USER_AGENT = f"scraper/{__version__} (article archiver; +https://pypi.org/project/scraper/)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT_ERRORS = frozenset({FetchError.TIMEOUT.value, FetchError.UNREACHABLE.value,
                              FetchError.CONNECTION.value})
# Response headers worth keeping in the archive; cookies are never kept.
KEPT_HEADERS = ("content-type", "content-language", "etag", "last-modified", "date", "server",
                "cache-control", "age", "x-robots-tag", "link", "retry-after", "location")
# A refresh slower than this is a page that reloads itself, not a pointer elsewhere.
MAX_REFRESH_DELAY = 5.0

# Asked before following a redirect or refresh to a URL: None, or why not as
# (FetchError value, message), e.g. robots.txt of the target disallows it.
HopCheck = Callable[[str], Awaitable["tuple[str, str] | None"]]
# Given each request and its response, bytes as received, to write them down (a WARC
# capture): returns where the response was recorded, if it was.
Capture = Callable[[Exchange], Awaitable["WarcRef | None"]]
# When capturing, the body of a response the fetch does not keep (a redirect, an error
# page) is read this far, so its record is whole; further bytes are not waited for.
CAPTURED_ASIDE = 256 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how greedy one request may be."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # the longest silence between two reads
    deadline: float = 30.0  # total seconds for one request, redirects and body included
    max_bytes: int = 10 * 1024 * 1024  # decompressed body cap
    max_redirects: int = 10  # redirects and meta refreshes together
    html_only: bool = True  # refuse other content types (robots.txt turns this off)
    user_agent: str = DEFAULT_USER_AGENT
    keep_head: bool = False  # a body over max_bytes: keep its first max_bytes, not fail


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed attempt is worth another, and how long one URL may cost in all."""

    retries: int = 2  # further attempts after the first, on transient failures only
    backoff: float = 1.0  # the first retry waits about this long, doubling each time
    max_retry_after: float = 60.0  # a longer Retry-After gives up instead of waiting
    budget: float = 120.0  # total seconds one URL may cost: attempts and waits together

    def wait(self, result: FetchResult, attempt: int, spent: float) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None when `result` is final.

        `spent` is how long the URL has cost so far. Waits are jittered (0.5-1.5x)
        so many URLs that failed together do not come back together.
        """
        transient = result.error_kind in TRANSIENT_ERRORS or result.status in RETRY_STATUSES
        if not transient or attempt > self.retries:
            return None
        retry_after = parse_retry_after(result.headers.get("retry-after"))
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            wait = retry_after
        else:
            wait = self.backoff * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
        # Another attempt needs time to run, not only to wait: give up if none is left.
        if spent + wait >= self.budget:
            return None
        return wait


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def make_client(policy: FetchPolicy, *, max_connections: int = 100,
                ssl_context: ssl.SSLContext | None = None) -> aiohttp.ClientSession:
    """A client for `fetch`: a pool of up to `max_connections` kept-alive connections.

    Give several clients one `ssl_context` (see `make_ssl_context`): each costs ~20 ms.
    It has no cookie jar, so no cookie is ever kept or sent, reads no proxy settings
    from the environment, and never decompresses bodies itself: `fetch` does, counting
    the inflated bytes against the cap. (aiohttp, rather than httpx, because on the
    crawl benchmark a page cost 0.4-0.5 ms of CPU on aiohttp's client and 2.3-2.8 ms
    on httpx's, 2.2-2.5 with httpx on aiohttp's transport.) Call within the event loop.
    """
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max_connections,
                                       ssl=ssl_context or make_ssl_context()),
        headers={"User-Agent": policy.user_agent,
                 "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                 "Accept-Encoding": "gzip, deflate"},
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=policy.connect_timeout,
                                      sock_read=policy.read_timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
        trust_env=False,
        # Real servers send long headers (Content-Security-Policy, Link): room for them,
        # still bounded.
        max_line_size=_MAX_HEADER_BYTES, max_field_size=_MAX_HEADER_BYTES,
    )


_MAX_HEADER_BYTES = 64 * 1024


def make_ssl_context() -> ssl.SSLContext:
    """Certificates checked against Mozilla's list of authorities (certifi), as browsers do."""
    return ssl.create_default_context(cafile=certifi.where())


async def fetch(client: aiohttp.ClientSession, url: str, policy: FetchPolicy = FetchPolicy(), *,
                etag: str | None = None, last_modified: str | None = None,
                deadline: float | None = None, check_hop: HopCheck | None = None,
                charge: BodyCharge | None = None, capture: Capture | None = None) -> FetchResult:
    """One attempt at `url`, conditional when `etag` / `last_modified` are given.

    `deadline` (default: the policy's) bounds the whole attempt. `check_hop` is
    asked before each redirect or refresh is followed (robots.txt of the target).
    The bytes of bodies read are charged to `charge`; the caller releases it.
    Each response received is handed to `capture`, with its request; the result's
    `warc` says where the last one was recorded.
    """
    problem = check_url(url)
    if problem is not None:
        return _failed(url, problem.kind, problem.message)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    limit = policy.deadline if deadline is None else min(deadline, policy.deadline)
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(
            _follow(client, url, policy, headers, check_hop, charge, capture),
            timeout=max(limit, 0.001))
    except asyncio.TimeoutError:
        result = _failed(url, FetchError.TIMEOUT, f"gave up after the {limit:g} s deadline")
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result


async def _follow(client: aiohttp.ClientSession, url: str, policy: FetchPolicy,
                  headers: dict[str, str], check_hop: HopCheck | None,
                  charge: BodyCharge | None, capture: Capture | None) -> FetchResult:
    seen = {url}
    current = url
    for _ in range(policy.max_redirects + 1):
        result = await _request(client, url, current, policy, headers, charge, capture)
        target = _next_hop(result, current)
        if target is None:
            if result.status in REDIRECT_STATUSES:
                return _failed(url, FetchError.HTTP_STATUS,
                               f"HTTP {result.status} redirect without a usable Location",
                               final_url=current, status=result.status)
            return result
        problem = check_url(target)
        if problem is not None:
            return _failed(url, problem.kind, f"redirected to {problem.message}")
        if target in seen:
            return _failed(url, FetchError.REDIRECT_LOOP, f"redirect loop at {redact(target)}",
                           final_url=target, status=result.status)
        refusal = await check_hop(target) if check_hop is not None else None
        if refusal is not None:
            kind, message = refusal
            return _failed(url, FetchError(kind), f"redirected to {redact(target)}: {message}",
                           final_url=target, status=result.status)
        seen.add(target)
        current = target
    return _failed(url, FetchError.TOO_MANY_REDIRECTS,
                   f"more than {policy.max_redirects} redirects", final_url=current)


def _next_hop(result: FetchResult, current: str) -> str | None:
    """Where a redirect, or a page that only refreshes to another, points; else None."""
    location = result.headers.get("location")
    if result.status in REDIRECT_STATUSES and location:
        return _join(current, location)
    if result.ok and result.text:
        target = refresh_target(result.text, current)
        if target is not None and target != current:
            return target
    return None


async def _request(client: aiohttp.ClientSession, url: str, current: str,
                   policy: FetchPolicy, headers: dict[str, str], charge: BodyCharge | None,
                   capture: Capture | None = None) -> FetchResult:
    exchange: Exchange | None = None
    raw: list[bytes] | None = [] if capture is not None else None  # the body as transferred
    try:
        async with client.get(current, headers=headers, allow_redirects=False) as response:
            if capture is not None:
                exchange = _exchange(response, redact(current))
            result = _answer(response, url, current, policy, headers)
            if _wants_body(result):
                result.body = await _read_capped(response, policy.max_bytes, policy.keep_head,
                                                 charge, raw)
                result = _with_text(result, policy.html_only)
                if exchange is not None and policy.keep_head and (
                        len(result.body) >= policy.max_bytes):
                    exchange.truncated = "length"
            elif exchange is not None:
                exchange.truncated = await _read_aside(response, result, raw)
    except _TooLarge as exc:
        result = _failed(url, FetchError.TOO_LARGE, str(exc), final_url=current)
        if exchange is not None:
            exchange.truncated = "length"
    # (aiohttp's timeouts are asyncio's TimeoutError: caught here, they are not mistaken
    # for the deadline `fetch` puts on the whole attempt)
    except aiohttp.ServerTimeoutError as exc:
        result = _failed(url, FetchError.TIMEOUT, _timeout_message(exc, policy),
                         final_url=current)
        if exchange is not None:
            exchange.truncated = "time"
    except aiohttp.ClientConnectorError as exc:  # refused, no route, DNS, TLS handshake
        result = _failed(url, FetchError.UNREACHABLE,
                         f"cannot connect: {_connect_reason(exc)}", final_url=current)
    except aiohttp.InvalidURL as exc:
        return _failed(url, FetchError.INVALID_URL, f"invalid URL: {_reason(exc)}")
    except (aiohttp.ClientError, zlib.error) as exc:  # reset, broken chunking, bad gzip
        result = _failed(url, FetchError.CONNECTION, f"connection failed: {_reason(exc)}",
                         final_url=current)
        if exchange is not None:
            exchange.truncated = "disconnect"
    except ValueError as exc:  # a URL the HTTP client cannot even parse (a host IDNA refuses)
        return _failed(url, FetchError.INVALID_URL, f"invalid URL: {_reason(exc)}")
    if exchange is not None:
        exchange.body = b"".join(raw)
        result.warc = await capture(exchange)
    return result


def _answer(response: aiohttp.ClientResponse, url: str, current: str, policy: FetchPolicy,
            headers: dict[str, str]) -> FetchResult:
    """What the status line and headers already tell: a redirect, a 304, an error, not
    HTML; or, when none of these, a result waiting for its body."""
    content_type = wire_text(response.headers.get("content-type", ""))
    base = FetchResult(url=redact(url), final_url=redact(current), status=response.status,
                       headers=_kept_headers(response), content_type=content_type or None)
    if response.status in REDIRECT_STATUSES:
        return base
    if response.status == 304 and headers:
        base.not_modified = True
        return base
    # (a 304 to a plain GET, which has no copy to keep, is a failure like a 4xx)
    if response.status >= 400 or response.status == 304:
        base.error_kind = FetchError.HTTP_STATUS.value
        base.error = f"HTTP {response.status} {wire_text(response.reason or '')}".strip()
        return base
    if policy.html_only and content_type and not is_html_type(content_type):
        base.error_kind = FetchError.NOT_HTML.value
        base.error = f"not an HTML page ({content_type.split(';')[0].strip()})"
    return base


def _wants_body(result: FetchResult) -> bool:
    return result.ok and not result.not_modified and result.status not in REDIRECT_STATUSES


def _kept_headers(response: aiohttp.ClientResponse) -> dict[str, str]:
    """The headers worth keeping, names in lower case; a repeated one joined with ', '."""
    kept = {}
    for name in KEPT_HEADERS:
        values = response.headers.getall(name, ())
        if values:
            kept[name] = wire_text(", ".join(values))
    return kept


def wire_text(text: str) -> str:
    """A status reason or header value as text that can be stored. aiohttp keeps bytes
    that are not UTF-8 as lone surrogates, which SQLite and JSON refuse; HTTP's own
    charset for them is ISO-8859-1, so they are read as that."""
    if text.isascii():
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _exchange(response: aiohttp.ClientResponse, url: str) -> Exchange:
    """The request sent and the response received so far, as an engine-neutral value."""
    request = response.request_info
    return Exchange(
        url=url, method=request.method, target=request.url.raw_path_qs.encode("ascii"),
        request_headers=[(name.encode("latin-1"), value.encode("latin-1", "replace"))
                         for name, value in request.headers.items()],
        http_version=f"HTTP/{response.version.major}.{response.version.minor}",
        status=response.status,
        reason=(response.reason or "").encode("utf-8", "surrogateescape"),  # the bytes sent
        response_headers=list(response.raw_headers), peer_ip=_peer_ip(response),
        date=datetime.now(timezone.utc).isoformat(timespec="microseconds"))


def _peer_ip(response: aiohttp.ClientResponse) -> str | None:
    """The address the response came from. (A response with an empty body hands its
    connection back to the pool at once; its protocol still knows the socket.)"""
    connection = response.connection
    protocol = connection.protocol if connection is not None else getattr(response, "_protocol",
                                                                          None)
    transport = getattr(protocol, "transport", None)
    address = transport.get_extra_info("peername") if transport is not None else None
    return address[0] if isinstance(address, tuple) and address else None


async def _read_aside(response: aiohttp.ClientResponse, result: FetchResult,
                      raw: list[bytes]) -> str | None:
    """For the record only: the body of a response the fetch does not keep (a redirect, an
    error page), up to CAPTURED_ASIDE. Returns why the recorded body is cut, if it is."""
    if result.not_modified:
        return None
    if result.error_kind == FetchError.NOT_HTML.value:
        return "length"  # only HTML is downloaded: the record keeps the headers
    try:
        await _read_capped(response, CAPTURED_ASIDE, raw=raw)
    except _TooLarge:
        return "length"
    except aiohttp.ServerTimeoutError:
        return "time"
    except (aiohttp.ClientError, zlib.error):
        return "disconnect"
    return None


def _with_text(result: FetchResult, html_only: bool = True) -> FetchResult:
    """Decode the body; refuse empty and binary bodies that claimed to be HTML."""
    if not result.body.strip():
        result.error_kind, result.error = FetchError.EMPTY.value, "empty response"
        return result
    if html_only and looks_binary(result.body):
        result.error_kind = FetchError.NOT_HTML.value
        result.error = "not an HTML page (binary content)"
        return result
    result.text, result.encoding = decode_html(result.body, result.content_type)
    return result


def is_html_type(content_type: str) -> bool:
    """A Content-Type an article may come in (none, or text/plain, counts: the bytes decide)."""
    mime = content_type.split(";")[0].strip().lower()
    return mime in HTML_TYPES or mime in ("text/plain", "")


def looks_binary(body: bytes) -> bool:
    """A PDF, or bytes with NULs: no HTML page, whatever its Content-Type said."""
    head = body[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs; it is not binary
        return False
    return head.startswith(b"%PDF") or b"\x00" in head


class _TooLarge(Exception):
    pass


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int,
                       keep_head: bool = False,
                       charge: BodyCharge | None = None, raw: list[bytes] | None = None) -> bytes:
    """Read the body, decompressing ourselves so the cap applies to inflated bytes.

    Over the cap, the download stops: it fails, or with `keep_head` it keeps the
    first `max_bytes`. Every piece read is charged to the crawl's body budget first
    (which may make the download wait). The pieces as transferred go to `raw` too,
    if given (a capture)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflater = _inflater(encoding)
    declared = response.headers.get("content-length", "")
    if (not keep_head and inflater is None and declared.isdigit()
            and int(declared) > max_bytes):
        raise _TooLarge(f"body of {int(declared) // 1024:,} KiB is over the "
                        f"{max_bytes // 1024:,} KiB limit")
    too_large = (f"body over the {max_bytes // 1024:,} KiB limit"
                 + (" once decompressed" if inflater is not None else ""))
    chunks: list[bytes] = []
    size = 0
    async for piece in response.content.iter_any():
        if raw is not None:
            raw.append(piece)
        for data in _inflated(inflater, piece):
            if size + len(data) > max_bytes:
                if not keep_head:
                    raise _TooLarge(too_large)
                chunks.append(data[:max_bytes - size])
                return b"".join(chunks)
            if charge is not None:
                await charge.add(len(data))
            size += len(data)
            chunks.append(data)
    tail = inflater.flush() if inflater is not None else b""
    if size + len(tail) > max_bytes:
        if not keep_head:
            raise _TooLarge(too_large)
        tail = tail[:max_bytes - size]
    chunks.append(tail)
    return b"".join(chunks)


# Inflated bytes per step: a gzip bomb is cut after one step over the cap, and a download
# waiting for the body budget holds at most one step uncharged.
_PIECE = 64 * 1024


def _inflated(inflater, raw: bytes):
    """The bytes of a chunk from the wire, inflated a piece at a time."""
    if inflater is None:
        yield raw
        return
    yield inflater.decompress(raw, _PIECE)
    while inflater.unconsumed_tail:
        yield inflater.decompress(inflater.unconsumed_tail, _PIECE)


def _inflater(encoding: str):
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _DeflateInflater()
    return None


class _DeflateInflater:
    """'deflate' is zlib-wrapped by the spec and raw deflate on some servers."""

    def __init__(self) -> None:
        self._inner = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._inner = zlib.decompressobj(zlib.MAX_WBITS)
            try:
                return self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._inner.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inner.unconsumed_tail if self._inner is not None else b""

    def flush(self) -> bytes:
        return self._inner.flush() if self._inner is not None else b""


# -- <meta http-equiv=refresh> -------------------------------------------------

_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.IGNORECASE)
_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript\s*>", re.IGNORECASE | re.DOTALL)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_REFRESH = re.compile(r"""\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*?)\2\s*$""",
                      re.IGNORECASE | re.DOTALL)


def refresh_target(text: str, base: str) -> str | None:
    """The URL a `<meta http-equiv=refresh>` in the head sends the reader to at once.

    Only a prompt refresh counts (a page that reloads itself every five minutes
    is the page); one inside <noscript> is what browsers without scripts see,
    and is ignored like they would be by a browser with them.
    """
    end = _HEAD_END.search(text, 0, 65536)
    head = text[:end.start() if end else 65536]
    if "efresh" not in head and "EFRESH" not in head:  # the common case, decided cheaply
        return None
    head = _NOSCRIPT.sub("", head)
    for tag in _META_TAG.finditer(head):
        attributes = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                      for m in _ATTRIBUTE.finditer(tag.group(0))}
        if attributes.get("http-equiv", "").strip().lower() != "refresh":
            continue
        match = _REFRESH.match(attributes.get("content", ""))
        if match is None or not match.group(3).strip():
            return None
        delay = float(match.group(1) or 0)
        return _join(base, match.group(3).strip()) if delay <= MAX_REFRESH_DELAY else None
    return None


def _join(base: str, location: str) -> str | None:
    try:
        return urljoin(base, location.strip())
    except ValueError:
        return None


def _timeout_message(exc: aiohttp.ServerTimeoutError, policy: FetchPolicy) -> str:
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return f"no connection within {policy.connect_timeout:g} s"
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return f"server silent for {policy.read_timeout:g} s"
    return "timed out"


_USERINFO = re.compile(r"://[^/\s@]+@")


def _connect_reason(exc: aiohttp.ClientConnectorError) -> str:
    """Why a connection failed, in a reader's words: aiohttp's own message repeats the host
    and names its SSL setting ("Cannot connect to host h:80 ssl:default [...]")."""
    where = f"{exc.host}:{exc.port}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"{where}: certificate not trusted ({_reason(exc.certificate_error)})"
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return f"{where}: TLS handshake failed ({_reason(exc.os_error)})"
    error = exc.os_error
    said = error.strerror if isinstance(error, OSError) and error.strerror else _reason(error)
    if isinstance(error, socket.gaierror):  # (what every aiohttp raises for DNS)
        return f"host not found: {exc.host} ({said})"
    if isinstance(error, ConnectionRefusedError):
        return f"{where}: connection refused"
    return f"{where}: {said}"


def _reason(exc: Exception) -> str:
    """One line of an exception's message, with any `user:password@` it quotes removed."""
    text = str(exc).strip() or type(exc).__name__
    return _USERINFO.sub("://", text.splitlines()[0][:200])


def _failed(url: str, kind: FetchError, message: str, *, final_url: str | None = None,
            status: int | None = None) -> FetchResult:
    return FetchResult(url=redact(url), final_url=redact(final_url) if final_url else None,
                       status=status, error_kind=kind.value, error=message)


def read_local(path: str | Path) -> FetchResult:
    """A local HTML file, named by the user on the command line, as a FetchResult."""
    path = Path(path)
    url = path.resolve().as_uri()
    started = time.monotonic()
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        # 'scrape url example.org' lands here too: say what a web page needs
        return _failed(str(path), FetchError.FILE_NOT_FOUND,
                       f"no such file: {path} (a web page needs its full URL, with http:// "
                       f"or https://)")
    except (OSError, ValueError) as exc:
        return _failed(str(path), FetchError.FILE_UNREADABLE,
                       f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")
    result = _with_text(FetchResult(url=url, final_url=url, body=body))
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result
