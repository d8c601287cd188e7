"""URL checks and normalization: what may be fetched, and the key it is archived under.

Articles are keyed by their normalized URL (never by a guess from content), so
the same page reached as `HTTP://Example.org:80/a#top` and
`http://example.org/a` is one article.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

import idna

from .errors import FetchError

FETCHABLE_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A label of a host name, once IDNA has made it ASCII: letters, digits and hyphens (RFC 1123),
# and underscores, which real DNS names hold and every browser accepts.
_LABEL = re.compile(r"[a-z0-9_-]+")
_MAX_LABEL, _MAX_NAME = 63, 253  # DNS limits (RFC 1035), in ASCII characters
# ASCII control characters but the tab and line breaks urlsplit removes (as WHATWG's parser does)
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME = re.compile(r"(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}")  # the common case, in one match


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
    checked = _checked(url)
    return checked if isinstance(checked, UrlProblem) else None


def parse_url(url: str) -> ParsedUrl | UrlProblem:
    """`url` checked, normalized and split in one pass; or why it cannot be fetched."""
    checked = _checked(url)
    if isinstance(checked, UrlProblem):
        return checked
    parts, scheme, host, port = checked
    return ParsedUrl(_normalized(parts, scheme, host, port), host,
                     parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else None)


def fetchable_parts(url: str) -> SplitResult | UrlProblem:
    """`url` (stripped) split, when it can be fetched; or why not: what parse_url checks,
    without making the archive key (which costs as much again)."""
    checked = _checked(url)
    return checked if isinstance(checked, UrlProblem) else checked[0]


def _checked(url: str) -> tuple[SplitResult, str, str, int | None] | UrlProblem:
    url = url.strip()
    control = _ASCII_CONTROL.search(url)
    if control is not None:  # the HTTP client refuses them; a browser would %-encode them
        return UrlProblem(FetchError.INVALID_URL, f"invalid URL: it holds a control character "
                                                  f"({_character(control.group())})")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed [ of an IPv6 address, say
        return UrlProblem(FetchError.INVALID_URL, f"invalid URL: {exc}")
    try:
        port = parts.port
    except ValueError:
        return UrlProblem(FetchError.INVALID_URL,
                          "invalid URL: the port is not a number from 0 to 65535")
    scheme = parts.scheme.lower()
    if not scheme:
        return UrlProblem(FetchError.INVALID_URL, "invalid URL: no scheme (give a full http:// or https:// URL)")
    if scheme not in FETCHABLE_SCHEMES:
        return UrlProblem(FetchError.UNSUPPORTED_SCHEME,
                          f"unsupported scheme {scheme + ':'!r} (only http and https are fetched)")
    host = parts.hostname
    if not host:
        return UrlProblem(FetchError.INVALID_URL, "invalid URL: no host")
    problem = host_problem(host, bracketed=parts.netloc.rpartition("@")[2].startswith("["))
    if problem is not None:
        return UrlProblem(FetchError.INVALID_URL, f"invalid URL: {problem}")
    return parts, scheme, host, port


def host_problem(host: str, *, bracketed: bool = False) -> str | None:
    """Why `host` (lower case, as urlsplit gives it) can name no machine, or None.

    In brackets: an IPv6 address. Otherwise a domain name, its labels made ASCII by IDNA
    as the HTTP client will (so nothing is sent that it would refuse), or an IPv4
    address, which a name ending in a number must be. Checked before any request, so
    `http://exa mple.com` never reaches DNS.
    """
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"[{host}] is not an IPv6 address"
        return None
    name = host[:-1] if host.endswith(".") else host  # a fully qualified name's final dot
    if not name.isascii():
        try:
            name = idna.encode(name).decode("ascii")
        except idna.IDNAError as exc:
            return f"the host {host!r} is not a valid international domain name ({exc})"
    if not _NAME.fullmatch(name):
        return _name_problem(host, name)
    if len(name) > _MAX_NAME:
        return f"the host is longer than {_MAX_NAME} characters"
    if name[-1].isdigit() and name.rpartition(".")[2].isdigit():
        # no top-level domain is a number: an IPv4 address, or nothing
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return f"the host {host!r} is neither a domain name nor an IPv4 address"
    return None


def _name_problem(host: str, name: str) -> str:
    """What is wrong with a domain name (`name`: `host` in ASCII) that _NAME refused."""
    for label in name.split("."):
        if not label:
            return f"the host {host!r} has an empty label (two dots in a row, or a dot first)"
        if not _LABEL.fullmatch(label):
            bad = next(c for c in label if not _LABEL.fullmatch(c))
            return f"the host {host!r} holds {_character(bad)}, which no host name can hold"
    return f"the host {host!r} has a label longer than {_MAX_LABEL} characters"


def _character(c: str) -> str:
    if c == " ":
        return "a space"
    return repr(c) if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"


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
