"""The crawler: many URLs, fetched fast and politely, each to exactly one outcome.

One asyncio loop. Work comes from a Frontier, host by host. A host is admitted
only when the crawl has capacity that the hosts already admitted cannot use,
so a slow or rate-limited site never starves the others, and memory is bounded
by the hosts in play, never by the length of the list.

Limits are counted before dispatch: a request starts only when fewer than
`concurrency` are in flight overall and fewer than `per_host` at its host. A
host with a `delay` (or a robots.txt Crawl-delay) takes one request at a time,
each starting `delay` after the previous one ended: timed from the start, the
gap the server sees would shrink by however long connecting took. Every request
to an origin waits until its robots.txt is known. Retries are scheduled here rather than slept inside a request: a 429 or 503
pauses the whole host for its Retry-After, and the URL goes back to the front
of its host's line. A URL's total cost, attempts and waits together, stays
within `RetryPolicy.budget`.

The crawler fetches and schedules. What becomes of a finished URL is the
`on_finished` callback's business; `crawl()` below hands it to the writer
process, which extracts and stores it (see writer.py for why a process).
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Protocol

import aiohttp

from ..errors import FetchError
from ..fetch.budget import BodyBudget, BodyCharge
from ..fetch.http import (Capture, FetchPolicy, RetryPolicy, fetch, make_client,
                          make_ssl_context)
from ..fetch.robots import Robots, RobotsCache, robots_policy
from ..models import FetchResult
from ..urls import host_of, origin_of, with_credentials
from .queue import DONE, FAILED, SKIPPED, UrlQueue
from .writer import HAND_ON, LINGER, Finished, Prepared, Writer, Written, handed_size

if TYPE_CHECKING:
    from ..warc.capture import WarcCapture

SKIP_KINDS = frozenset({FetchError.ROBOTS.value, FetchError.NOT_HTML.value})
# A job of this kind asks for what the site's robots.txt says (its Sitemap: lines), not
# for a page: it is answered from the one read of robots.txt the crawl makes anyway.
ROBOTS_TXT = "robots"


@dataclass(frozen=True)
class CrawlSettings:
    """How hard the crawl may push, overall and per host."""

    concurrency: int = 16  # requests in flight at once, all hosts together
    per_host: int = 2  # requests in flight at once to one host
    delay: float = 0.0  # seconds from one request's end to the next's start at a host
    obey_robots: bool = True
    max_crawl_delay: float = 60.0  # a site whose robots.txt asks for longer is not fetched
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def max_hosts(self) -> int:
        """Hosts in play at once: enough to keep `concurrency` busy when most must wait."""
        return max(1024, self.concurrency * 16)


@dataclass
class Job:
    """One URL on its way through the crawl."""

    url: str  # the archive key: normalized, without credentials
    etag: str | None = None  # validators of the archived copy, for a conditional GET
    last_modified: str | None = None
    attempts: int = 0
    first_try: float | None = None  # monotonic time of the first attempt
    kind: str | None = None  # None: a page; else what discovery reads there (ROBOTS_TXT...)
    policy: FetchPolicy | None = None  # its own fetch policy (a sitemap is XML, and bigger)
    context: Any = None  # what the frontier attached, handed on with the page to the archive


def state_of(result: FetchResult) -> str:
    """The queue state a URL ends in with this result."""
    if result.ok:
        return DONE
    return SKIPPED if result.error_kind in SKIP_KINDS else FAILED


@dataclass
class Fetched:
    """One attempt at a job's URL. Made elsewhere (a Remote), it comes back with the page
    prepared for the writer, as crawl() would have handed it over and an extraction
    process prepared it."""

    result: FetchResult  # what the crawler decides a retry on
    prepared: Prepared | None = None


class Remote(Protocol):
    """Makes attempts somewhere other than this loop (scraper/cluster: on Dask workers).

    `attempt` is called exactly when the crawler would have fetched the URL itself, and
    the request counts as in flight at its host until it returns. `url` carries the
    credentials to send; `host_delay` is the host's pause between requests, for an
    attempt the remote has to make again; `robots` gives the rules of an origin a
    redirect leads to (None: robots.txt is ignored)."""

    async def attempt(self, job: Job, url: str, deadline: float, host_delay: float,
                      robots: Callable[[str], Awaitable[Robots | None]]) -> Fetched: ...


@dataclass
class Outcome:
    """A URL the crawler is done with."""

    job: Job
    result: FetchResult
    requested: bool = True  # False when robots.txt kept it from being requested
    prepared: Prepared | None = None  # ready for the writer already (made by a Remote)

    @property
    def state(self) -> str:
        return state_of(self.result)


class Frontier(Protocol):
    """Where the crawler gets its work, host by host."""

    def next_host(self) -> str | None:
        """A host not handed out before that has work, or None when there is none."""

    def take(self, host: str, limit: int) -> list[Job]:
        """Up to `limit` more jobs for `host`; fewer means that is all it has."""


class QueueFrontier:
    """Work from the durable queue: pending URLs, host by host, in list order."""

    def __init__(self, queue: UrlQueue) -> None:
        self._queue = queue
        self._last_host = ""
        self._last_rowid: dict[str, int] = {}

    def next_host(self) -> str | None:
        host = self._queue.next_host(self._last_host)
        if host is not None:
            self._last_host = host
        return host

    def take(self, host: str, limit: int) -> list[Job]:
        rows = self._queue.take(host, self._last_rowid.get(host, 0), limit)
        if len(rows) < limit:
            self._last_rowid.pop(host, None)  # the host is done: forget its place
        else:
            self._last_rowid[host] = rows[-1][0]
        return [Job(url, etag, last_modified) for _, url, etag, last_modified in rows]


class ListFrontier:
    """Work from URLs in hand (`scrape url`), grouped by host, each URL once."""

    def __init__(self, urls: Iterable[str],
                 validators: Callable[[str], tuple[str | None, str | None]] | None = None) -> None:
        self._hosts: dict[str, deque[Job]] = {}
        seen: set[str] = set()
        for url in urls:
            if url not in seen:
                seen.add(url)
                jobs = self._hosts.setdefault(host_of(url), deque())
                jobs.append(Job(url, *(validators(url) if validators else (None, None))))
        self._order = deque(self._hosts)

    def next_host(self) -> str | None:
        return self._order.popleft() if self._order else None

    def take(self, host: str, limit: int) -> list[Job]:
        jobs = self._hosts.get(host, deque())
        return [jobs.popleft() for _ in range(min(limit, len(jobs)))]


class _Host:
    """One host's line of jobs and its politeness state."""

    __slots__ = ("name", "jobs", "exhausted", "in_flight", "next_start", "delay", "listed",
                 "awaiting_robots")

    def __init__(self, name: str, delay: float) -> None:
        self.name = name
        self.jobs: deque[Job] = deque()
        self.exhausted = False  # the frontier has nothing more for it
        self.in_flight = 0
        self.next_start = 0.0  # monotonic: no request to this host starts before it
        self.delay = delay
        self.listed = False  # in the crawler's ready line
        self.awaiting_robots = False


class _Clients:
    """One small client per host, all sharing one SSL context.

    A host's connections are closed as soon as it has no more work (a crawl of a
    hundred thousand sites must not keep a hundred thousand sockets open), and
    each pool stays small. (Measured on httpx: one shared client with default
    limits reconnected nearly every time, and one with a pool of 64 cost 3.6 ms of
    CPU a page against 1.6 for a pool per host.)
    """

    def __init__(self, policy: FetchPolicy, per_host: int) -> None:
        self._policy = policy
        self._pool = per_host + 2  # room for robots.txt and redirect hops to other hosts
        self._ssl = make_ssl_context()
        self._clients: dict[str, aiohttp.ClientSession] = {}
        self._stray: aiohttp.ClientSession | None = None

    def get(self, host: str) -> aiohttp.ClientSession:
        client = self._clients.get(host)
        if client is None:
            client = self._clients[host] = make_client(
                self._policy, max_connections=self._pool, ssl_context=self._ssl)
        return client

    async def release(self, host: str) -> None:
        client = self._clients.pop(host, None)
        if client is not None:
            await client.close()

    @property
    def stray(self) -> aiohttp.ClientSession:
        """For robots.txt of hosts the crawl has no slot for (redirect targets)."""
        if self._stray is None:
            self._stray = make_client(self._policy, max_connections=32, ssl_context=self._ssl)
        return self._stray

    async def aclose(self) -> None:
        for client in [*self._clients.values(), *([self._stray] if self._stray else [])]:
            await client.close()
        self._clients.clear()
        self._stray = None


class Crawler:
    """Schedules jobs from a Frontier under the settings' limits; see the module docstring.

    Args:
        settings: the limits.
        frontier: where the work comes from.
        on_finished: awaited once per URL with its final outcome.
        credentials: origin -> "user:password" to send there (held in memory only).
        max_held: URLs taken on at once, in flight or being finished; bounds memory.
        expecting: True while work may still come into a frontier that has none now (the
            archive side is reading a sitemap that may add URLs); see `wake`.
        capture: given every request and response, robots.txt included (a WARC capture).
        remote: where attempts are made, when not in this loop.
    """

    def __init__(self, settings: CrawlSettings, frontier: Frontier,
                 on_finished: Callable[[Outcome], Awaitable[None]], *,
                 credentials: dict[str, str] | None = None, max_held: int | None = None,
                 expecting: Callable[[], bool] = lambda: False,
                 capture: Capture | None = None, remote: Remote | None = None) -> None:
        self.settings = settings
        self._capture = capture
        self._remote = remote
        self._frontier = frontier
        self._expecting = expecting
        # When hosts that went out of play with a delay may be asked again: a host whose
        # frontier finds it more work later is still owed its pause.
        self._rested: dict[str, float] = {}
        self._on_finished = on_finished
        self._credentials = credentials or {}
        self._max_held = max_held or settings.concurrency * 4
        self._refill = max(2, settings.per_host * 2)
        self._clients = _Clients(settings.fetch, settings.per_host)
        self._robots = RobotsCache(self._fetch_robots, settings.fetch.user_agent)
        self._robots_policy = robots_policy(settings.fetch)
        self._bodies = BodyBudget()  # bytes of bodies read and not yet handed over
        self._hosts: dict[str, _Host] = {}
        self._ready: deque[_Host] = deque()
        self._timers: list[tuple[float, int, _Host]] = []
        self._sequence = itertools.count()
        self._requests = 0  # requests in flight, robots.txt included
        self._held = 0  # URLs taken on and not yet finished
        self._frontier_done = False
        self._tasks: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        self._failure: BaseException | None = None  # a task's: it stops the crawl

    async def run(self) -> None:
        """Crawl until the frontier is empty and every URL is finished."""
        try:
            while True:
                if self._failure is not None:
                    raise self._failure
                self._dispatch()
                if (self._frontier_done and not self._hosts and not self._tasks
                        and not self._expecting()):
                    return
                await self._sleep()
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._clients.aclose()

    def wake(self) -> None:
        """The frontier may have new work (a live frontier, fed while the crawl runs)."""
        self._frontier_done = False
        self._wake.set()

    # -- scheduling --------------------------------------------------------

    def _dispatch(self) -> None:
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            self._list(heapq.heappop(self._timers)[2])
        while self._requests < self.settings.concurrency and self._held < self._max_held:
            host = self._next_host()
            if host is None:
                return
            self._try_start(host, now)

    def _next_host(self) -> _Host | None:
        """The next host in the ready line; a newly admitted one when the line is empty."""
        while self._ready:
            host = self._ready.popleft()
            host.listed = False
            if self._hosts.get(host.name) is host:
                return host
        if self._frontier_done or len(self._hosts) >= self.settings.max_hosts:
            return None
        name = self._frontier.next_host()
        if name is None:
            self._frontier_done = True
            return None
        host = self._hosts.get(name)
        if host is not None:  # in play still, and the frontier found it more work
            host.exhausted = False
            return host
        host = self._hosts[name] = _Host(name, self.settings.delay)
        host.next_start = self._rested.pop(name, 0.0)
        return host

    def _try_start(self, host: _Host, now: float) -> None:
        """Start host's next request if every limit allows; otherwise it is re-listed later
        (when one of its requests ends, its timer fires or its robots.txt arrives)."""
        if not host.jobs and not host.exhausted:
            jobs = self._frontier.take(host.name, self._refill)
            host.exhausted = len(jobs) < self._refill
            host.jobs.extend(jobs)
        if not host.jobs:
            if host.in_flight == 0:
                self._retire(host)
            return
        if host.in_flight >= self.per_host_limit(host) or host.awaiting_robots:
            return
        if now < host.next_start:
            heapq.heappush(self._timers, (host.next_start, next(self._sequence), host))
            return
        job = host.jobs[0]
        if self.settings.obey_robots or job.kind == ROBOTS_TXT:
            origin = origin_of(job.url)
            robots = self._robots.known(origin)
            if robots is None:
                self._start(host, now, self._load_robots(host, origin), holds_url=False)
                return
            if self.settings.obey_robots:
                host.delay = self._delay(robots)
            if job.kind == ROBOTS_TXT:
                self._answer_without_request(host, job, robots.as_result(job.url))
                return
            refusal = robots.refusal(job.url, self.settings.max_crawl_delay)
            if refusal is not None:
                result = FetchResult(url=job.url, error_kind=refusal.kind, error=refusal.message,
                                     attempts=0)
                self._answer_without_request(host, job, result)
                return
        host.jobs.popleft()
        self._start(host, now, self._fetch_job(host, job), holds_url=True)
        self._list(host)  # to the back of the line: hosts take turns

    def _answer_without_request(self, host: _Host, job: Job, result: FetchResult) -> None:
        """Finish host's next job with what robots.txt said: refused, or its Sitemap lines."""
        host.jobs.popleft()
        self._held += 1
        self._spawn(self._finish(Outcome(job, result, requested=False)))
        self._list(host)

    def _start(self, host: _Host, now: float, work: Awaitable[None], *, holds_url: bool) -> None:
        self._requests += 1
        host.in_flight += 1
        host.next_start = now + host.delay
        if holds_url:
            self._held += 1
        self._spawn(work)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self._failure is None:
            self._failure = task.exception()  # e.g. a Remote that lost its cluster
        self._wake.set()

    def _delay(self, robots: Robots) -> float:
        """--delay, or the site's Crawl-delay if longer; a site asking for more than
        max_crawl_delay gets no request at all, so its refusals need not wait."""
        asked = robots.delay if robots.delay <= self.settings.max_crawl_delay else 0.0
        return max(self.settings.delay, asked)

    def per_host_limit(self, host: _Host) -> int:
        """A host with a delay takes one request at a time: the delay runs from its end."""
        return 1 if host.delay > 0 else self.settings.per_host

    def _request_ended(self, host: _Host) -> None:
        self._requests -= 1
        host.in_flight -= 1
        if host.delay > 0:
            # Counted from the end, so the server sees the gap whatever the latency.
            host.next_start = max(host.next_start, time.monotonic() + host.delay)
        self._list(host)

    def _list(self, host: _Host) -> None:
        if not host.listed and self._hosts.get(host.name) is host:
            host.listed = True
            self._ready.append(host)
        self._wake.set()

    def _retire(self, host: _Host) -> None:
        del self._hosts[host.name]
        if host.next_start > time.monotonic():
            self._rested[host.name] = host.next_start
            if len(self._rested) > self.settings.max_hosts:  # keep only pauses still running
                now = time.monotonic()
                self._rested = {k: v for k, v in self._rested.items() if v > now}
        self._spawn(self._clients.release(host.name))

    async def _sleep(self) -> None:
        timeout = None
        if self._timers:
            timeout = max(0.0, self._timers[0][0] - time.monotonic())
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    # -- the work ----------------------------------------------------------

    async def _load_robots(self, host: _Host, origin: str) -> None:
        host.awaiting_robots = True
        try:
            robots = await self._robots.get(origin)
            host.delay = self._delay(robots)
        finally:
            host.awaiting_robots = False
            self._request_ended(host)

    async def _fetch_robots(self, url: str) -> FetchResult:
        """robots.txt, retried like a page: one timeout must not fail a whole site."""
        host = host_of(url)
        client = self._clients.get(host) if host in self._hosts else self._clients.stray
        started, attempt = time.monotonic(), 0
        while True:
            attempt += 1
            result = await fetch(client, url, self._robots_policy, capture=self._capture)
            wait = self.settings.retry.wait(result, attempt, time.monotonic() - started)
            if wait is None:
                return result
            await asyncio.sleep(wait)

    async def _check_hop(self, url: str) -> tuple[str, str] | None:
        """robots.txt of a redirect or refresh target, asked before it is followed."""
        if not self.settings.obey_robots:
            return None
        refusal = (await self._robots.get(origin_of(url))).refusal(
            url, self.settings.max_crawl_delay)
        return (refusal.kind, refusal.message) if refusal is not None else None

    async def _fetch_job(self, host: _Host, job: Job) -> None:
        retry = self.settings.retry
        body = self._bodies.open()  # given back once the page is handed over or dropped
        try:
            if job.first_try is None:
                job.first_try = time.monotonic()
            job.attempts += 1
            left = retry.budget - (time.monotonic() - job.first_try)
            if left <= 0:  # the host's pauses used up what was left for this URL
                fetched = Fetched(FetchResult(
                    url=job.url, error_kind=FetchError.TIMEOUT.value,
                    error=f"gave up: {retry.budget:g} s spent on this URL"))
            else:
                url = with_credentials(job.url, self._credentials.get(origin_of(job.url)))
                fetched = await self._attempt(host, job, url, left, body)
            result = fetched.result
        except BaseException:
            self._held -= 1
            body.release()
            raise
        finally:
            self._request_ended(host)
        wait = retry.wait(result, job.attempts, time.monotonic() - job.first_try)
        if wait is not None:
            # The host asked for a pause (or is failing): nothing goes to it until then.
            body.release()
            host.next_start = max(host.next_start, time.monotonic() + wait)
            host.jobs.appendleft(job)
            self._held -= 1
            self._list(host)
            return
        result.attempts = job.attempts
        await self._finish(Outcome(job, result, prepared=fetched.prepared), body)

    async def _attempt(self, host: _Host, job: Job, url: str, deadline: float,
                       body: BodyCharge) -> Fetched:
        if self._remote is not None:
            return await self._remote.attempt(job, url, deadline, host.delay, self._rules)
        return Fetched(await fetch(
            self._clients.get(host.name), url, job.policy or self.settings.fetch,
            etag=job.etag, last_modified=job.last_modified, deadline=deadline,
            check_hop=self._check_hop, charge=body, capture=self._capture))

    async def _rules(self, origin: str) -> Robots | None:
        """The robots.txt rules a Remote checks redirects to `origin` against."""
        return await self._robots.get(origin) if self.settings.obey_robots else None

    async def _finish(self, outcome: Outcome, body: BodyCharge | None = None) -> None:
        try:
            await self._on_finished(outcome)
        finally:
            if body is not None:
                body.release()
            self._held -= 1
            self._wake.set()


# -- a crawl into the archive --------------------------------------------------

# Bytes of pages handed to the writer's side and not yet committed, at most: with 64
# requests in flight the crawl hands over ~250 pages of ~35 kB (9 MB) at a time, and
# one list of 10 MB pages must not pile up gigabytes in the processes behind it.
HANDED_OVER_BYTES = 32 * 1024 * 1024


class Room:
    """What the crawl may hand over before the archive catches up: at most `pages` pages
    and `size` bytes of them. A page bigger than `size` still goes, alone."""

    def __init__(self, *, pages: int, size: int) -> None:
        self._pages, self._size = pages, size
        self._held_pages = self._held_size = 0
        self._freed = asyncio.Event()

    def _fits(self, size: int) -> bool:
        return self._held_pages == 0 or (self._held_pages < self._pages
                                         and self._held_size + size <= self._size)

    async def take(self, size: int) -> None:
        while not self._fits(size):
            self._freed.clear()
            await self._freed.wait()
        self._held_pages += 1
        self._held_size += size

    def give_back(self, size: int) -> None:
        self._held_pages -= 1
        self._held_size -= size
        self._freed.set()


@dataclass
class Tally:
    """What a crawl did, counted as the archive commits it."""

    archived: int = 0  # new articles, or new versions of archived ones
    unchanged: int = 0  # 304 Not Modified, or the same content again
    failed: Counter = field(default_factory=Counter)  # error kind -> URLs
    skipped: Counter = field(default_factory=Counter)  # reason -> URLs
    documents: int = 0  # sitemaps, feeds... read for discovery (not articles)
    started: float = field(default_factory=time.monotonic)
    finished_at: float | None = None

    def add(self, written: Written) -> None:
        kind = written.result.error_kind or "unknown"
        if written.state == FAILED:
            self.failed[kind] += 1
        elif written.state == SKIPPED:
            self.skipped[kind] += 1
        elif written.kind is not None:
            self.documents += 1
        elif written.result.not_modified or (written.saved is not None
                                             and not written.saved.created
                                             and not written.saved.changed):
            self.unchanged += 1
        else:
            self.archived += 1

    @property
    def done(self) -> int:
        return (self.archived + self.unchanged + self.documents + sum(self.failed.values())
                + sum(self.skipped.values()))

    @property
    def elapsed(self) -> float:
        return (self.finished_at or time.monotonic()) - self.started

    @property
    def pages_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


# Hands one finished page to the archive's side, waiting while too many are in its hands.
HandOver = Callable[[Finished], Awaitable[None]]


async def archive_pages(produce: Callable[[HandOver], Awaitable[None]],
                        archive_path: str | Path, *, record_queue: bool,
                        on_written: Callable[[list[Written]], None] = lambda w: None,
                        return_articles: bool = False, workers: int = 0,
                        tally: Tally | None = None, max_pages: int = 64) -> Tally:
    """Archive the pages `produce` hands over, as they come: extract them in `workers`
    processes (0: the writer process extracts them itself) and store them in the writer.

    `produce(hand_over)` is awaited until it returns; `await hand_over(page)` waits while
    `max_pages` pages (or HANDED_OVER_BYTES) are handed over and not yet committed.
    `on_written` is called in the loop after each commit, once `tally` counts it. An
    archive that cannot be written stops `produce` and raises. Returns the tally.
    """
    loop = asyncio.get_running_loop()
    tally = tally if tally is not None else Tally()
    room = Room(pages=max_pages, size=HANDED_OVER_BYTES)

    def written_in_loop(batch: list[Written]) -> None:
        for item in batch:
            tally.add(item)
            room.give_back(item.size)
        on_written(batch)
        if writer.error is not None:  # the archive cannot be written: stop producing
            producing.cancel()

    writer = Writer(archive_path, record_queue=record_queue, return_articles=return_articles,
                    workers=workers, on_written=lambda batch: loop.call_soon_threadsafe(written_in_loop, batch))
    writer.start()  # from this thread: the writer process lives as long as this thread

    handing: list[Finished] = []  # pages waiting (up to LINGER) to be handed over together

    def pass_on() -> None:
        if handing:
            writer.put(handing.copy())
            handing.clear()

    async def hand_over(page: Finished | Prepared) -> None:
        await room.take(handed_size(page))
        handing.append(page)
        if len(handing) >= HAND_ON:
            pass_on()
        elif len(handing) == 1:
            loop.call_later(LINGER, pass_on)

    producing = asyncio.ensure_future(produce(hand_over))
    try:
        await producing
    except asyncio.CancelledError:
        if writer.error is None:  # cancelled from outside (Ctrl-C): pass it on
            raise
    finally:
        pass_on()  # pages in hand are archived, even when the run was interrupted
        await loop.run_in_executor(None, writer.close)  # raises the writer's failure
        tally.finished_at = time.monotonic()
    return tally


async def crawl(settings: CrawlSettings, frontier: Frontier, archive_path: str | Path, *,
                record_queue: bool, on_written: Callable[[list[Written]], None] = lambda w: None,
                credentials: dict[str, str] | None = None, return_articles: bool = False,
                workers: int = 0, before: Iterable[Finished] = (),
                tally: Tally | None = None,
                expecting: Callable[[], bool] = lambda: False,
                capture: WarcCapture | None = None, remote: Remote | None = None) -> Tally:
    """Crawl `frontier` into the archive: fetch here, extract and write in the writer process.

    `workers` extraction processes serve the writer (0: it extracts itself).
    With a `remote`, attempts are made there and pages come back prepared: the writer
    only stores them.
    `before` are pages already in hand (local files), written first by the same writer.
    `on_written` is called in the loop after each commit, once `tally` counts it.
    `expecting` keeps the crawl going while the archive side may still add work to
    the frontier (discovery): each commit makes the crawl look at the frontier again.
    `capture` is given every request and response (a WARC capture); it is closed at the
    end, and a capture that cannot be written stops the crawl. Returns the tally.
    """
    def written(batch: list[Written]) -> None:
        on_written(batch)
        if crawler is not None:
            crawler.wake()  # what was written may have added work to the frontier

    async def produce(hand_over: HandOver) -> None:
        async def on_finished(outcome: Outcome) -> None:
            job = outcome.job
            await hand_over(outcome.prepared or Finished(
                job.url, outcome.result, outcome.state, outcome.requested, kind=job.kind,
                context=job.context))

        nonlocal crawler
        crawler = Crawler(settings, frontier, on_finished, credentials=credentials,
                          expecting=expecting,
                          capture=capture.record if capture is not None else None,
                          remote=remote)
        for finished in before:
            await hand_over(finished)
        if capture is not None:
            capture.on_failure = asyncio.current_task().cancel
        await crawler.run()

    crawler: Crawler | None = None
    try:
        return await archive_pages(produce, archive_path, record_queue=record_queue,
                                   on_written=written, return_articles=return_articles,
                                   workers=workers, tally=tally,
                                   max_pages=settings.concurrency * 4)
    except asyncio.CancelledError:
        if capture is not None and capture.failure is not None:
            raise capture.failure from None
        raise
    finally:
        if capture is not None:
            await asyncio.get_running_loop().run_in_executor(None, capture.close)
