"""URL checks and normalization: what may be fetched, and the key it is archived under.

Articles are keyed by their normalized URL (never by a guess from content), so
the same page reached as `HTTP://Example.org:80/a#top` and
`http://example.org/a` is one article.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from .errors import FetchError

FETCHABLE_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class UrlProblem:
    kind: FetchError
    message: str


@dataclass(frozen=True)
class ParsedUrl:
    """A fetchable URL, parsed once: what a URL list needs of each line."""

    key: str  # the archive key, see normalize_url
    host: str
    userinfo: str | None  # "user:password", for the request only


def check_url(url: str) -> UrlProblem | None:
    """Why `url` cannot be fetched, or None when it can."""
    parsed = parse_url(url)
    return parsed if isinstance(parsed, UrlProblem) else None


def parse_url(url: str) -> ParsedUrl | UrlProblem:
    """`url` checked, normalized and split in one pass; or why it cannot be fetched."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        return UrlProblem(FetchError.INVALID_URL, f"invalid URL: {exc}")
    scheme = parts.scheme.lower()
    if not scheme:
        return UrlProblem(FetchError.INVALID_URL, "invalid URL: no scheme (give a full http:// or https:// URL)")
    if scheme not in FETCHABLE_SCHEMES:
        return UrlProblem(FetchError.UNSUPPORTED_SCHEME,
                          f"unsupported scheme {scheme + ':'!r} (only http and https are fetched)")
    host = parts.hostname
    if not host:
        return UrlProblem(FetchError.INVALID_URL, "invalid URL: no host")
    return ParsedUrl(_normalized(parts, scheme, host, port), host,
                     parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else None)


def normalize_url(url: str) -> str:
    """The archive key: scheme and host lower-cased, default port, fragment and credentials dropped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in FETCHABLE_SCHEMES:
        return urlunsplit(parts._replace(fragment=""))
    return _normalized(parts, scheme, parts.hostname or "", port)


def _normalized(parts: SplitResult, scheme: str, host: str, port: int | None) -> str:
    host = host.rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return urlunsplit(SplitResult(scheme, netloc, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def redact(url: str) -> str:
    """`url` with any user:password@ removed, for printing and storing."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, credentials left out: what robots.txt rules apply to."""
    parts = urlsplit(normalize_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def credentials_of(url: str) -> str | None:
    """The `user:password` part of a URL, or None. Held in memory only, never stored."""
    try:
        netloc = urlsplit(url.strip()).netloc
    except ValueError:
        return None
    return netloc.rsplit("@", 1)[0] if "@" in netloc else None


def with_credentials(url: str, userinfo: str | None) -> str:
    """`url` carrying `userinfo` again, for the request only."""
    if not userinfo:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))
