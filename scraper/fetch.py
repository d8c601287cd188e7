"""Fetching: URL -> FetchResult. Bounded in time and memory; failures are values.

Every request has a connect timeout, a read timeout and a total deadline (a
body trickled one byte a second never trips a per-read timeout), and the body
is capped while it streams, *after* decompression (a gzip bomb is 1 MB on the
wire and 1 GiB inflated). Redirects are followed here, hop by hop, so loops and
long chains are caught and reported. Nothing in this module raises to the
caller: every outcome is a FetchResult.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import ssl
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx

from . import __version__
from .encoding import decode_html
from .errors import FetchError
from .models import FetchResult
from .urls import UrlProblem, check_url

DEFAULT_USER_AGENT = f"scraper/{__version__} (article archiver; +https://pypi.org/project/scraper/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Response headers worth keeping in the archive; cookies are never kept.
KEPT_HEADERS = ("content-type", "content-language", "etag", "last-modified", "date", "server",
                "cache-control", "age", "x-robots-tag", "link", "retry-after", "location")


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how greedy one fetch may be."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # total seconds for one request, body included
    max_bytes: int = 10 * 1024 * 1024  # decompressed body cap
    max_redirects: int = 10
    retries: int = 2  # further attempts after the first, on transient failures
    backoff: float = 0.5  # first retry waits about this long, doubling each time
    max_retry_after: float = 30.0  # a longer Retry-After gives up instead of waiting
    user_agent: str = DEFAULT_USER_AGENT


def make_client(policy: FetchPolicy, *, max_connections: int = 100,
                ssl_context: ssl.SSLContext | None = None) -> httpx.AsyncClient:
    """The shared async client. Redirects are followed by `fetch`, not by httpx."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections),
        headers={"User-Agent": policy.user_agent,
                 "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                 "Accept-Encoding": "gzip, deflate"},
        follow_redirects=False,
        verify=ssl_context or True,
        # Cookies are not carried between requests, let alone between hosts.
        cookies=None,
        trust_env=False,
    )


async def fetch(client: httpx.AsyncClient, url: str, policy: FetchPolicy = FetchPolicy(), *,
                etag: str | None = None, last_modified: str | None = None) -> FetchResult:
    """Fetch one URL with retries. Conditional when `etag`/`last_modified` are given."""
    problem = check_url(url)
    if problem is not None:
        return _failed(url, problem.kind, problem.message)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            result = await asyncio.wait_for(
                _follow(client, url, policy, headers), timeout=policy.deadline)
        except asyncio.TimeoutError:
            result = _failed(url, FetchError.TIMEOUT,
                             f"gave up after the {policy.deadline:g} s deadline")
        result.attempts = attempt
        wait = _retry_wait(result, attempt, policy)
        if wait is None or attempt > policy.retries:
            break
        await asyncio.sleep(wait)
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result


def _retry_wait(result: FetchResult, attempt: int, policy: FetchPolicy) -> float | None:
    """Seconds to wait before retrying, or None when the failure is final."""
    transient = result.error_kind in (FetchError.TIMEOUT.value, FetchError.UNREACHABLE.value,
                                      FetchError.CONNECTION.value) or result.status in RETRY_STATUSES
    if not transient:
        return None
    retry_after = _parse_retry_after(result.headers.get("retry-after"))
    if retry_after is not None:
        return retry_after if retry_after <= policy.max_retry_after else None
    return policy.backoff * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


async def _follow(client: httpx.AsyncClient, url: str, policy: FetchPolicy,
                  headers: dict[str, str]) -> FetchResult:
    seen = {url}
    current = url
    for _ in range(policy.max_redirects + 1):
        result = await _request(client, url, current, policy, headers)
        location = result.headers.get("location")
        if result.status not in (301, 302, 303, 307, 308) or not location:
            return result
        target = urljoin(current, location.strip())
        problem = check_url(target)
        if problem is not None:
            return _failed(url, problem.kind, f"redirected to {problem.message}")
        if target in seen:
            return _failed(url, FetchError.REDIRECT_LOOP, f"redirect loop at {target}",
                           final_url=target, status=result.status)
        seen.add(target)
        current = target
    return _failed(url, FetchError.TOO_MANY_REDIRECTS,
                   f"more than {policy.max_redirects} redirects", final_url=current)


async def _request(client: httpx.AsyncClient, url: str, current: str, policy: FetchPolicy,
                   headers: dict[str, str]) -> FetchResult:
    try:
        async with client.stream("GET", current, headers=headers) as response:
            kept = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
            content_type = response.headers.get("content-type", "")
            base = FetchResult(url=url, final_url=current, status=response.status_code,
                               headers=kept, content_type=content_type or None)
            if response.status_code in (301, 302, 303, 307, 308):
                return base
            if response.status_code == 304:
                base.not_modified = True
                return base
            if response.status_code >= 400:
                base.error_kind = FetchError.HTTP_STATUS.value
                base.error = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                return base
            if content_type and not _is_html(content_type):
                base.error_kind = FetchError.NOT_HTML.value
                base.error = f"not an HTML page ({content_type.split(';')[0].strip()})"
                return base
            body = await _read_capped(response, policy.max_bytes)
    except _TooLarge as exc:
        return _failed(url, FetchError.TOO_LARGE, str(exc), final_url=current)
    except httpx.TimeoutException:
        return _failed(url, FetchError.TIMEOUT, "timed out", final_url=current)
    except httpx.ConnectError as exc:
        return _failed(url, FetchError.UNREACHABLE, f"cannot connect: {_reason(exc)}",
                       final_url=current)
    except (httpx.TransportError, zlib.error) as exc:  # reset, broken chunking, bad gzip
        return _failed(url, FetchError.CONNECTION, f"connection failed: {_reason(exc)}",
                       final_url=current)
    except httpx.InvalidURL as exc:
        return _failed(url, FetchError.INVALID_URL, f"invalid URL: {exc}")
    base.body = body
    return _with_text(base)


def _with_text(result: FetchResult) -> FetchResult:
    """Decode the body; refuse empty and binary bodies that claimed to be HTML."""
    if not result.body.strip():
        result.error_kind, result.error = FetchError.EMPTY.value, "empty response"
        return result
    if not result.content_type and _looks_binary(result.body):
        result.error_kind = FetchError.NOT_HTML.value
        result.error = "not an HTML page (binary content)"
        return result
    result.text, result.encoding = decode_html(result.body, result.content_type)
    return result


def _is_html(content_type: str) -> bool:
    mime = content_type.split(";")[0].strip().lower()
    return mime in HTML_TYPES or mime in ("text/plain", "")


def _looks_binary(body: bytes) -> bool:
    head = body[:1024]
    return head.startswith(b"%PDF") or b"\x00" in head


class _TooLarge(Exception):
    pass


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read the body, decompressing ourselves so the cap applies to inflated bytes."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflater = _inflater(encoding)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        data = raw
        if inflater is not None:
            # max_length bounds what one chunk can inflate to, so memory never
            # exceeds the cap plus one chunk, whatever the compression ratio.
            # Asking for one byte more than the budget: getting it means "too large".
            data = inflater.decompress(raw, max_bytes - size + 1)
        size += len(data)
        if size > max_bytes:
            raise _TooLarge(f"body larger than {max_bytes // 1024:,} KiB")
        chunks.append(data)
    if inflater is not None:
        tail = inflater.flush()
        size += len(tail)
        if size > max_bytes:
            raise _TooLarge(f"body larger than {max_bytes // 1024:,} KiB")
        chunks.append(tail)
    return b"".join(chunks)


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
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._inner = zlib.decompressobj(zlib.MAX_WBITS)
            try:
                out = self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inner.decompress(data, max_length)
        else:
            out = self._inner.decompress(data, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out

    def flush(self) -> bytes:
        return self._inner.flush() if self._inner is not None else b""


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _failed(url: str, kind: FetchError, message: str, *, final_url: str | None = None,
            status: int | None = None) -> FetchResult:
    return FetchResult(url=url, final_url=final_url, status=status,
                       error_kind=kind.value, error=message)


def read_local(path: str | Path) -> FetchResult:
    """A local HTML file, named by the user on the command line, as a FetchResult."""
    path = Path(path)
    url = path.resolve().as_uri()
    started = time.monotonic()
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return _failed(str(path), FetchError.FILE_NOT_FOUND, f"no such file: {path}")
    except (OSError, ValueError) as exc:
        return _failed(str(path), FetchError.FILE_UNREADABLE,
                       f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")
    result = _with_text(FetchResult(url=url, final_url=url, body=body))
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result
