"""What a Dask worker does: fetch a batch of URLs and prepare each page for the writer.

The head decides which URLs are requested and when (politeness lives there);
a worker makes the requests it is sent, each with the head's fetch policy,
and prepares each page (extracted, body packed; a discovery's document read)
with the very code the crawl's extraction processes run (crawl.writer.prepare),
from the very Finished page the crawl would have handed them, so the head
only stores what comes back.

Requests are made by one asyncio loop per worker process (a thread of its
own), which keeps connections to each host alive from one batch to the next;
the task's thread extracts each page as soon as it arrives, while the rest of
the batch is still downloading. Bodies being read in one process share one
budget (fetch.budget), as in the crawl's own loop.

A redirect to an origin whose robots.txt rules the head did not send ends the
attempt with `needs_robots`: the head reads that robots.txt (it alone fetches
robots.txt) and sends the job again with the rules.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import aiohttp

from .. import __version__
from ..archive.reextract import extract_stored
from ..archive.store import StoredPage
from ..crawl.batch import Fetched, state_of
from ..crawl.writer import Finished, prepare
from ..extract import EXTRACTOR_VERSION
from ..fetch.budget import BodyBudget, BodyCharge
from ..fetch.http import FetchPolicy, fetch, make_client, make_ssl_context
from ..fetch.robots import Robots
from ..models import Article, FetchResult
from ..urls import host_of, origin_of

# Which code a worker runs must be the head's: the archive records the extractor version
# the head knows, and a worker with another would make rows that lie about it.
RELEASE = f"scraper {__version__}, extractor {EXTRACTOR_VERSION}"
# Connections kept open per worker process: one small pool per host, the least recently
# used idle ones closed beyond this many hosts.
MAX_CLIENTS = 256
# Sites whose robots.txt rules a worker process keeps unpickled.
MAX_RULES = 4096


class WrongRelease(RuntimeError):
    """This worker runs another version of scraper than the head."""


@dataclass(frozen=True)
class PageJob:
    """One attempt at a crawl.batch.Job's URL."""

    key: str  # the URL as the archive knows it
    url: str  # to request: credentials included when the list gave some
    etag: str | None
    last_modified: str | None
    deadline: float  # seconds this attempt may take
    attempts: int  # counting this one: recorded with the page
    kind: str | None = None  # as Job: a discovery's document rather than an article
    context: Any = None
    policy: FetchPolicy | None = None  # the job's own, else the batch's


@dataclass(frozen=True)
class JobBatch:
    """Jobs the head sends together, with what every request needs to know."""

    release: str
    policy: FetchPolicy
    per_host: int  # connections the head lets one host have at once
    # origin -> pickled rules (a Robots) for every origin the head expects redirects to
    # reach; None when robots.txt is ignored.
    robots: dict[str, bytes] | None
    max_crawl_delay: float
    jobs: tuple[PageJob, ...]


@dataclass
class Done:
    """One job's attempt, back to the head."""

    fetched: Fetched | None  # the result, and the page prepared for the writer
    needs_robots: str | None = None  # origin a redirect led to, whose rules the head must read


def fetch_pages(batch: JobBatch) -> list[Done]:
    """A Dask task: the batch's attempts, each page extracted and packed; in job order."""
    _check(batch.release)
    station = _station()
    rules = None if batch.robots is None else {
        origin: _unpickled(packed) for origin, packed in batch.robots.items()}
    attempts = {station.submit(job, batch, rules): n for n, job in enumerate(batch.jobs)}
    done: list[Done | None] = [None] * len(batch.jobs)
    for attempt in concurrent.futures.as_completed(attempts):
        result, needs_robots, charge = attempt.result()
        job = batch.jobs[attempts[attempt]]
        try:
            done[attempts[attempt]] = (Done(None, needs_robots) if result is None
                                       else Done(_prepared(job, result)))
        finally:
            station.release(charge)
    return done


def extract_pages(release: str, pages: list[StoredPage]) -> list[Article]:
    """A Dask task for `scrape reextract`: each stored page extracted again, in order."""
    _check(release)
    return [extract_stored(page) for page in pages]


@dataclass(frozen=True)
class WarcFile:
    """A file named to `scrape import`, as a worker sees it."""

    given: str  # as the head named it (absolute)
    path: str | None  # resolved; None when the worker cannot read it
    size: int = 0
    splittable: bool = False  # gzip members of WARC records: read in spans cut anywhere
    problem: str | None = None  # why it cannot be read


def look_at_files(release: str, given: list[str]) -> list[WarcFile]:
    """A Dask task for `scrape import`: the files, as the workers will read them."""
    from pathlib import Path

    from ..warc.source import splittable

    _check(release)
    found = []
    for name in given:
        path = Path(name)
        try:
            if path.is_dir():
                found.append(WarcFile(name, None, problem="it is a folder"))
                continue
            resolved = str(path.resolve())
            found.append(WarcFile(name, resolved, path.stat().st_size, splittable(resolved)))
        except FileNotFoundError:
            found.append(WarcFile(name, None, problem="no such file"))
        except OSError as exc:
            found.append(WarcFile(name, None, problem=exc.strerror or str(exc)))
    return found


def import_span(release: str, span, keep, imported: frozenset[int], max_pages: int,
                prepared: bool = True):
    """A Dask task for `scrape import`: the span's next pages (see warc.source.read_span),
    each prepared for the writer (Prepared in place of Finished); with `prepared` False,
    left as read, without their bodies (the head only learns where they are)."""
    from ..warc.source import read_span

    _check(release)
    part = read_span(span, keep, imported=imported, max_pages=max_pages)
    if prepared:
        part.pages = [prepare(page) for page in part.pages]
    else:
        part.pages = [replace(page, result=replace(page.result, body=b""))
                      for page in part.pages]
    return part


def _check(release: str) -> None:
    if release != RELEASE:
        raise WrongRelease(f"the worker runs {RELEASE}, the head {release}: install the "
                           "same scraper on every machine")


def _prepared(job: PageJob, result: FetchResult) -> Fetched:
    """The page as crawl() would hand it over (its decoded text left behind, as
    Writer.put does), prepared as an extraction process would: what the head's writer
    stores, unless the head tries the URL again. The result alone, without its body, is
    what the head decides that on."""
    result.attempts = job.attempts
    page = replace(result, text=None)
    prepared = prepare(Finished(job.key, page, state_of(page), kind=job.kind,
                                context=job.context))
    return Fetched(replace(result, body=b"", text=None), prepared)


class _NeedsRobots(Exception):
    def __init__(self, origin: str) -> None:
        super().__init__(origin)
        self.origin = origin


class _Station:
    """The worker process's fetching loop, in a thread of its own, and its connections."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._clients: OrderedDict[tuple[str, FetchPolicy], aiohttp.ClientSession] = OrderedDict()
        self._busy: dict[tuple[str, FetchPolicy], int] = {}
        self._ssl = make_ssl_context()
        self._budget: BodyBudget | None = None
        threading.Thread(target=self._loop.run_forever, name="scrape-fetch",
                         daemon=True).start()

    def submit(self, job: PageJob, batch: JobBatch, rules: dict[str, Robots] | None
               ) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(self._attempt(job, batch, rules), self._loop)

    def release(self, charge: BodyCharge) -> None:
        self._loop.call_soon_threadsafe(charge.release)

    async def _attempt(self, job: PageJob, batch: JobBatch, rules: dict[str, Robots] | None
                       ) -> tuple[FetchResult | None, str | None, BodyCharge]:
        if self._budget is None:
            self._budget = BodyBudget()
        charge = self._budget.open()

        async def check_hop(url: str) -> tuple[str, str] | None:
            if rules is None:
                return None
            robots = rules.get(origin_of(url))
            if robots is None:
                raise _NeedsRobots(origin_of(url))
            refusal = robots.refusal(url, batch.max_crawl_delay)
            return (refusal.kind, refusal.message) if refusal is not None else None

        policy = job.policy or batch.policy
        key = (host_of(job.url), policy)
        client = self._client(key, batch.per_host)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            result = await fetch(client, job.url, policy, etag=job.etag,
                                 last_modified=job.last_modified, deadline=job.deadline,
                                 check_hop=check_hop, charge=charge)
            return result, None, charge
        except _NeedsRobots as needs:
            return None, needs.origin, charge
        finally:
            self._busy[key] -= 1

    def _client(self, key: tuple[str, FetchPolicy], per_host: int) -> aiohttp.ClientSession:
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = make_client(
                key[1], max_connections=per_host + 2, ssl_context=self._ssl)
        self._clients.move_to_end(key)
        for old in list(self._clients)[:-1]:  # the least recently used first
            if len(self._clients) <= MAX_CLIENTS:
                break
            if not self._busy.get(old):
                self._busy.pop(old, None)
                self._loop.create_task(self._clients.pop(old).close())
        return client


# What a worker process keeps between tasks.
_running: _Station | None = None
_rules: OrderedDict[bytes, Robots] = OrderedDict()
_lock = threading.Lock()


def _station() -> _Station:
    """This process's station, started by the first task that needs it."""
    global _running
    with _lock:
        if _running is None:
            _running = _Station()
        return _running


def _unpickled(packed: bytes) -> Robots:
    """A site's rules, unpickled once per worker process (and again once forgotten)."""
    with _lock:
        rules = _rules.get(packed)
        if rules is None:
            rules = _rules[packed] = pickle.loads(packed)
            if len(_rules) > MAX_RULES:
                _rules.popitem(last=False)
        _rules.move_to_end(packed)
        return rules
