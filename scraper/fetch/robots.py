"""robots.txt: fetched once per origin, parsed by protego, asked before every request.

What a fetch of robots.txt means follows RFC 9309: rules from a 2xx; no rules
(everything allowed) from a 4xx or an empty file; and when the file cannot be
read (5xx, 429, timeout, refused connection) nothing on that origin is fetched,
because the site may be in trouble. Those URLs fail with that reason, so a later
`--retry-failed` tries them again.

All the URLs of an origin wait on one shared future, so the rules reach every
waiting request, not only the first. This module fetches nothing itself: the
crawler hands it a function that does.
"""
from __future__ import annotations

import asyncio
import itertools
import math
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Awaitable, Callable

from protego import Protego

from ..errors import FetchError
from ..models import FetchResult
from .http import FetchPolicy

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309: follow at least five
# Sitemap: lines kept per robots.txt (discovery reads them); a file listing more is cut.
MAX_SITEMAP_LINES = 1000


def robots_policy(policy: FetchPolicy) -> FetchPolicy:
    """The fetch policy for robots.txt: plain text, few redirects, and of a longer file
    the first ROBOTS_MAX_BYTES (RFC 9309), not a failure that would close the site."""
    return replace(policy, html_only=False, max_bytes=ROBOTS_MAX_BYTES,
                   max_redirects=ROBOTS_MAX_REDIRECTS, keep_head=True)


@dataclass(frozen=True)
class Refusal:
    """Why a URL may not be fetched: disallowed, or robots.txt could not be read."""

    kind: str  # FetchError value: "robots" when disallowed, else why robots.txt failed
    message: str

    @property
    def disallowed(self) -> bool:
        return self.kind == FetchError.ROBOTS.value


@dataclass(frozen=True)
class Robots:
    """The robots.txt rules of one origin, for one user agent."""

    user_agent: str
    rules: Protego | None = None  # None: no rules, everything is allowed
    unavailable: FetchResult | None = None  # robots.txt could not be read
    sitemaps: tuple[str, ...] = ()  # its Sitemap: lines, absolute, at most MAX_SITEMAP_LINES

    @classmethod
    def from_fetch(cls, result: FetchResult, user_agent: str) -> "Robots":
        if result.ok and result.text is not None:
            rules = Protego.parse(result.text)
            sitemaps = tuple(itertools.islice(rules.sitemaps, MAX_SITEMAP_LINES))
            return cls(user_agent, rules=rules, sitemaps=sitemaps)
        if result.error_kind == FetchError.EMPTY.value:
            return cls(user_agent)
        if (result.error_kind == FetchError.HTTP_STATUS.value and result.status
                and 400 <= result.status < 500 and result.status != 429):
            return cls(user_agent)
        return cls(user_agent, unavailable=result)

    def refusal(self, url: str, max_delay: float = math.inf) -> Refusal | None:
        """None when `url` may be fetched; otherwise why not.

        A site asking for more than `max_delay` seconds between requests is not
        fetched at all: going faster would be rude, and waiting an hour a page could
        hold the crawl for days."""
        if self.unavailable is not None:
            return Refusal(self.unavailable.error_kind or FetchError.UNREACHABLE.value,
                           f"robots.txt unavailable ({self.unavailable.error}); not fetched")
        if self.rules is not None and not self.rules.can_fetch(url, self.user_agent):
            return Refusal(FetchError.ROBOTS.value, "disallowed by robots.txt")
        if self.delay > max_delay:
            return Refusal(FetchError.CRAWL_DELAY.value,
                           f"robots.txt asks for {self.delay:g} s between requests, more than "
                           f"the {max_delay:g} s allowed (--max-crawl-delay); not fetched")
        return None

    def as_result(self, url: str) -> FetchResult:
        """What discovery reads of robots.txt (`url`), as a fetched document: its Sitemap
        lines, or why robots.txt could not be read. No request: this is the crawl's one read."""
        if self.unavailable is not None:
            return FetchResult(url=url, status=self.unavailable.status,
                               error_kind=self.unavailable.error_kind or FetchError.UNREACHABLE.value,
                               error=f"robots.txt unavailable ({self.unavailable.error})", attempts=0)
        text = "".join(f"Sitemap: {sitemap}\n" for sitemap in self.sitemaps)
        return FetchResult(url=url, final_url=url, content_type="text/plain",
                           body=text.encode("utf-8"), text=text, attempts=0)

    @property
    def delay(self) -> float:
        """The interval the site asks for between requests (Crawl-delay, Request-rate)."""
        if self.rules is None:
            return 0.0
        delay = self.rules.crawl_delay(self.user_agent) or 0.0
        rate = self.rules.request_rate(self.user_agent)
        if rate is not None and rate.requests > 0:
            delay = max(delay, rate.seconds / rate.requests)
        return float(delay)


class RobotsCache:
    """Robots per origin, each fetched once; every caller of `get` shares that one fetch.

    Bounded: the least recently used settled entries are dropped past `max_entries`
    (and fetched again if needed), so a list of a million hosts does not keep a
    million rule sets.
    """

    def __init__(self, fetch_robots: Callable[[str], Awaitable[FetchResult]], user_agent: str,
                 *, max_entries: int = 4096) -> None:
        self._fetch = fetch_robots
        self._user_agent = user_agent
        self._max_entries = max_entries
        self._entries: OrderedDict[str, asyncio.Future[Robots]] = OrderedDict()

    def known(self, origin: str) -> Robots | None:
        """The rules when they are already known, without waiting."""
        future = self._entries.get(origin)
        if future is None or not future.done():
            return None
        self._entries.move_to_end(origin)
        return future.result()

    async def get(self, origin: str) -> Robots:
        """The rules of `origin`, fetching robots.txt if no one has yet."""
        future = self._entries.get(origin)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._entries[origin] = future
            self._trim()
            try:
                result = await self._fetch(origin + "/robots.txt")
                future.set_result(Robots.from_fetch(result, self._user_agent))
            except BaseException as exc:  # cancelled: let the next caller try again
                del self._entries[origin]
                future.cancel()
                raise exc
        else:
            self._entries.move_to_end(origin)
        return await asyncio.shield(future)

    def _trim(self) -> None:
        while len(self._entries) > self._max_entries:
            oldest, future = next(iter(self._entries.items()))
            if not future.done():
                return
            del self._entries[oldest]
