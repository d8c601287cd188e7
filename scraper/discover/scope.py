"""Which URLs a discovery may queue: the scope around its seed, and the user's patterns.

Pure functions of URLs, no I/O. Scopes, from narrow to wide:

- `prefix`: the seed's scheme, host and port, and a path under the seed's path;
- `host` (the default): the seed's host and port;
- `domain`: the seed's host without a leading `www.`, and every subdomain of it;
- `any`: every http(s) URL.

`--include` / `--exclude` are regular expressions searched in the URL: a page
is queued when it matches an include (if any are given) and no exclude. They
sift pages only; the sitemaps and feeds that lead to pages are read whatever
their names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from ..urls import normalize_url


class ScopeKind(str, Enum):
    HOST = "host"
    DOMAIN = "domain"
    PREFIX = "prefix"
    ANY = "any"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind = ScopeKind.HOST
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _patterns: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_patterns", (
            tuple(re.compile(p) for p in self.include), tuple(re.compile(p) for p in self.exclude)))

    def around(self, root: str, url: str) -> bool:
        """Whether `url` is within this scope around `root` (the seed, or the page that
        linked to it)."""
        target, base = _parts(url), _parts(root)
        if target is None or base is None:
            return False
        if self.kind is ScopeKind.ANY:
            return True
        if self.kind is ScopeKind.DOMAIN:
            domain = base.hostname.removeprefix("www.")
            return target.hostname == domain or target.hostname.endswith("." + domain)
        if (target.hostname, _port(target)) != (base.hostname, _port(base)):
            return False
        if self.kind is ScopeKind.HOST:
            return True
        prefix = base.path or "/"
        path = target.path or "/"
        # the section itself (with or without its slash), and what lies under it
        base_path = prefix.rstrip("/")
        return path.rstrip("/") == base_path or path.startswith(base_path + "/")

    def sifts_in(self, url: str) -> bool:
        """Whether the user's patterns let this page through."""
        include, exclude = self._patterns
        if include and not any(p.search(url) for p in include):
            return False
        return not any(p.search(url) for p in exclude)


def _parts(url: str):
    try:
        parts = urlsplit(normalize_url(url))
        parts.port  # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)
