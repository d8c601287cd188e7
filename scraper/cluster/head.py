"""The head of a crawl on a Dask cluster: attempts go to workers in batches.

The crawler (crawl/batch.py) keeps every decision: which URL, when, how many
in flight per host, robots.txt, retries. Each attempt it starts is handed to
`ClusterAttempts.attempt` instead of being fetched in its loop; attempts
started together (one dispatch of the crawler) go to the cluster together, in
batches of a few jobs, so that Dask's cost per task is shared. A job counts
as in flight at its host until its batch comes back; politeness is therefore
held at the head whatever the number of workers, and a host's delay runs from
when the head saw the answer, later than the server sent it.

Faults:
- A worker that dies takes its batches with it. Dask reports them as
  KilledWorker (a LocalCluster is started with no retries of Dask's own; a
  scheduler with retries reports only after they are used up). Each job of
  such a batch is sent again after its host's delay, alone and one at a time,
  so that a worker that dies on a job alone died on that page: the page is
  recorded as failed (`extraction_crashed`), not sent forever.
- A lost scheduler, or a worker that cannot run the task at all (another
  version of scraper, none installed), stops the crawl with one ClusterError;
  what was archived stays, and a rerun resumes.
"""
from __future__ import annotations

import asyncio
import pickle
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable

from ..crawl.batch import CrawlSettings, Fetched, Frontier, Job, Tally, crawl
from ..errors import FetchError
from ..fetch.robots import Robots
from ..models import FetchResult
from ..urls import origin_of
from .connect import connect, task_failure
from .work import RELEASE, Done, JobBatch, PageJob, fetch_pages

if TYPE_CHECKING:
    from distributed import Client

# Jobs in one task at most. A batch comes back when its slowest page is in, so small
# batches keep a slow page from holding others; a few jobs share Dask's cost per task.
MAX_BATCH = 16
# Origins whose robots.txt rules go along with a host's jobs, besides its own: where its
# redirects were seen to lead (http -> https, example.org -> www.example.org).
MAX_HOPS = 16
# Origins whose rules are kept pickled (see ClusterAttempts._rules).
MAX_PACKED = 4096


def batch_size(concurrency: int, threads: int) -> int:
    """Jobs per task: enough tasks in flight that every worker thread has one running and
    one waiting, none bigger than MAX_BATCH."""
    return max(1, min(MAX_BATCH, concurrency // (2 * max(threads, 1))))


@dataclass
class _Waiting:
    job: PageJob
    robots: dict[str, bytes] | None
    answer: asyncio.Future


class ClusterAttempts:
    """A crawl.batch.Remote that makes attempts on Dask workers (see the module docstring)."""

    def __init__(self, client: "Client", address: str, settings: CrawlSettings,
                 batch: int) -> None:
        self._client = client
        self._address = address
        self._settings = settings
        self._batch = batch
        self._waiting: list[_Waiting] = []
        self._hops: dict[str, set[str]] = {}  # origin -> origins its redirects led to
        self._packed: OrderedDict[str, tuple[Robots, bytes]] = OrderedDict()
        self._alone = asyncio.Lock()  # jobs a dead worker held go one at a time
        self._collecting: set[asyncio.Task] = set()

    async def attempt(self, job: Job, url: str, deadline: float, host_delay: float,
                      robots: Callable[[str], Awaitable[Robots | None]]) -> Fetched:
        from distributed import KilledWorker

        origin = origin_of(job.url)
        needed: set[str] = set()  # origins this job's redirects reached
        started, alone = time.monotonic(), False
        while True:
            rules = await self._rules(origin, needed, robots)
            left = max(0.001, deadline - (time.monotonic() - started))
            page = PageJob(job.url, url, job.etag, job.last_modified, left, job.attempts,
                           job.kind, job.context, job.policy)
            try:
                done = await (self._send_alone(page, rules) if alone
                              else self._send(page, rules))
            except KilledWorker:
                if alone:  # it killed a worker on its own: the page is the cause
                    return Fetched(FetchResult(
                        url=job.url, error_kind=FetchError.EXTRACTION_CRASHED.value,
                        error="a cluster worker died on this page alone (the page may "
                              "crash the parser)"))
                alone = True  # it shared a worker that died: alone from now on
            else:
                if done.needs_robots is None:
                    return done.fetched
                needed.add(done.needs_robots)
                hops = self._hops.setdefault(origin, set())
                if len(hops) < MAX_HOPS:
                    hops.add(done.needs_robots)
            await asyncio.sleep(host_delay)  # requested again: after the host's pause

    async def aclose(self) -> None:
        for task in self._collecting:
            task.cancel()
        await asyncio.gather(*self._collecting, return_exceptions=True)

    async def _rules(self, origin: str, needed: set[str],
                     robots: Callable[[str], Awaitable[Robots | None]]
                     ) -> dict[str, bytes] | None:
        """The rules a job's redirects may need, pickled: each origin's once, not once per
        batch (a site's rules can run to kilobytes, and most batches carry a dozen sites)."""
        rules: dict[str, bytes] = {}
        for each in (origin, *self._hops.get(origin, ()), *needed):
            found = await robots(each)
            if found is None:  # robots.txt is ignored
                return None
            packed = self._packed.get(each)
            if packed is None or packed[0] is not found:
                packed = self._packed[each] = (found, pickle.dumps(found))
                if len(self._packed) > MAX_PACKED:
                    self._packed.popitem(last=False)
            self._packed.move_to_end(each)
            rules[each] = packed[1]
        return rules

    async def _send(self, job: PageJob, robots: dict[str, bytes] | None) -> Done:
        """Send with the others started in this turn of the loop."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(job, robots, answer))
        if len(self._waiting) == 1:
            asyncio.get_running_loop().call_soon(self._flush)
        return await answer

    async def _send_alone(self, job: PageJob, robots: dict[str, bytes] | None) -> Done:
        async with self._alone:
            answer = asyncio.get_running_loop().create_future()
            self._submit([_Waiting(job, robots, answer)])
            return await answer

    def _flush(self) -> None:
        waiting, self._waiting = self._waiting, []
        waiting = [each for each in waiting if not each.answer.done()]  # cancelled meanwhile
        for start in range(0, len(waiting), self._batch):
            self._submit(waiting[start:start + self._batch])

    def _submit(self, group: list[_Waiting]) -> None:
        robots: dict[str, bytes] | None = {}
        for each in group:
            if each.robots is None:
                robots = None
                break
            robots.update(each.robots)
        settings = self._settings
        batch = JobBatch(RELEASE, settings.fetch, settings.per_host, robots,
                         settings.max_crawl_delay, tuple(each.job for each in group))
        future = self._client.submit(fetch_pages, batch, pure=False)
        task = asyncio.ensure_future(self._collect(future, [each.answer for each in group]))
        self._collecting.add(task)
        task.add_done_callback(self._collecting.discard)

    async def _collect(self, future, answers: list[asyncio.Future]) -> None:
        from distributed import KilledWorker

        try:
            done = await future
        except KilledWorker as exc:
            self._answer(answers, error=exc)
        except Exception as exc:
            self._answer(answers, error=task_failure(exc, self._address))
        else:
            self._answer(answers, done=done)
        finally:
            future.release()

    @staticmethod
    def _answer(answers: list[asyncio.Future], *, done: list[Done] | None = None,
                error: Exception | None = None) -> None:
        for n, answer in enumerate(answers):
            if answer.done():
                continue
            if error is not None:
                answer.set_exception(error)
            else:
                answer.set_result(done[n])


async def crawl_on_cluster(address: str, settings: CrawlSettings, frontier: Frontier,
                           archive_path: str | Path, **options) -> Tally:
    """crawl.batch.crawl(), its attempts made on the Dask cluster at `address`: pages are
    fetched and extracted there and stored here, by the one writer."""
    client = await connect(address)
    remote = None
    try:
        threads = sum((await client.nthreads()).values())
        remote = ClusterAttempts(client, address, settings,
                                 batch_size(settings.concurrency, threads))
        return await crawl(settings, frontier, archive_path, remote=remote,
                           **{**options, "workers": 0})
    finally:
        if remote is not None:
            await remote.aclose()
        await client.close()
