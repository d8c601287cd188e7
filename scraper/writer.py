"""The one writer: a process of its own that extracts finished pages and commits them.

The crawl hands it finished URLs; it extracts each page and writes whatever
has arrived in one transaction (group commit: one page when the crawl is slow,
many when it is fast), each page with its queue state in its own savepoint. A
page the archive refuses is recorded as failed on its own; the others are kept.

Why a process: extraction and SQLite together cost several times what
fetching does, per page. In a thread they hold the GIL, and every socket call
of the event loop then waits its turn (measured: the crawl ran at a third of
its speed). In a process of their own they run on the other core while the
loop keeps fetching. The process dies with the crawl (Linux: PR_SET_PDEATHSIG),
so a killed crawl never leaves it writing behind a rerun's back.

It never fetches. A run-level failure (disk full, archive locked) stops it;
`close()` raises it in the crawl's process.
"""
from __future__ import annotations

import multiprocessing
import os
import queue as stdlib_queue
import signal
import sqlite3
import threading
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from .errors import ArchiveError, FetchError, ScraperError
from .models import Article, FetchResult
from .queue import DONE, FAILED, record
from .store import Archive, PageWrite, Saved

MAX_BATCH = 256  # pages per transaction at most
_POLL = 0.5  # seconds between checks that the other side is still alive


@dataclass
class Finished:
    """A URL the crawl is done with, for the archive."""

    url: str  # the archive key (normalized, no credentials)
    result: FetchResult
    state: str = DONE  # queue state: done, failed or skipped
    requested: bool = True  # False when no request was made (robots.txt said no)


@dataclass
class Written:
    """What the archive did with a Finished page. `result` comes back without its body."""

    url: str
    result: FetchResult
    state: str
    saved: Saved | None = None
    refused: str | None = None  # why the archive would not hold the page
    article: Article | None = None  # only when the writer was asked to return articles


class Writer:
    """Runs the writer process and talks to it.

    Args:
        path: the archive file.
        record_queue: also set each URL's state in the queue table (`scrape batch`).
        return_articles: send each extracted Article back (`scrape url` prints them).
        workers: processes that extract pages; 0 extracts in the writer process itself.
        on_written: called in a thread of this process after each commit.
    """

    def __init__(self, path: str | Path, *, record_queue: bool, return_articles: bool = False,
                 workers: int = 0, on_written: Callable[[list[Written]], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self._inbox = context.Queue()
        self._outbox = context.Queue()
        self._process = context.Process(
            target=_serve, args=(str(path), record_queue, return_articles, workers, self._inbox,
                                 self._outbox), name="scrape-writer")
        self._on_written = on_written
        self._listener = threading.Thread(target=self._listen, name="writer-listener",
                                          daemon=True)
        self._ready = threading.Event()
        self.error: BaseException | None = None

    def start(self) -> None:
        """Start the process; returns once the archive is open (raises if it cannot be)."""
        self._process.start()
        self._listener.start()
        self._ready.wait()
        if self.error is not None:
            self._process.join()
            raise self.error

    def put(self, finished: Finished) -> None:
        """Hand a page over. Never blocks: the caller bounds how many are in its hands.

        The decoded text stays behind: the writer decodes the body again, which costs
        less than pickling the page twice across the process boundary."""
        if finished.result.text is not None:
            finished = replace(finished, result=replace(finished.result, text=None))
        self._inbox.put(finished)

    def close(self) -> None:
        """Let the process write what it has, stop it, and raise its failure if it had one."""
        if self._process.is_alive():
            self._inbox.put(None)
        self._listener.join()
        self._process.join()
        self._inbox.close()
        self._inbox.join_thread()
        if self.error is not None:
            raise self.error

    def _listen(self) -> None:
        while True:
            try:
                kind, payload = self._outbox.get(timeout=_POLL)
            except stdlib_queue.Empty:
                if self._process.is_alive():
                    continue
                kind, payload = "error", ArchiveError(
                    f"the archive writer stopped unexpectedly (exit code "
                    f"{self._process.exitcode})")
            if kind == "written":
                self._on_written(payload)
                continue
            if kind == "error":
                self.error = payload
                self._on_written([])  # wake the crawl, so it sees the failure
            self._ready.set()
            if kind in ("error", "closed"):
                return


def _serve(path: str, record_queue: bool, return_articles: bool, workers: int,
           inbox: multiprocessing.Queue, outbox: multiprocessing.Queue) -> None:
    """The writer process: extract and write until told to stop.

    With `workers`, pages are extracted by that many processes while this one
    stores the batch before: extraction of batch k+1 overlaps the writing of k.
    """
    _die_with_parent()
    _leave_interrupts_to_the_crawl()
    try:
        archive = Archive(path)
    except ScraperError as exc:
        outbox.put(("error", exc))
        return
    pool = _extraction_pool(workers)
    outbox.put(("ready", None))
    parent = os.getppid()
    in_hand: deque[tuple[list[Finished], list]] = deque()  # batches being extracted
    try:
        stopping = False
        while not stopping or in_hand:
            batch: list = []
            if not stopping:
                try:  # wait for work only when none is in hand
                    batch = [inbox.get(timeout=_POLL) if not in_hand else inbox.get_nowait()]
                except stdlib_queue.Empty:
                    if not in_hand and os.getppid() != parent:
                        return  # the crawl is gone, and with it anyone to report to
            while batch and len(batch) < MAX_BATCH:
                try:
                    batch.append(inbox.get_nowait())
                except stdlib_queue.Empty:
                    break
            if None in batch:
                stopping = True
                batch = [item for item in batch if item is not None]
            if batch:
                in_hand.append((batch, [_extraction(pool, item) for item in batch]))
            if in_hand:
                done, extractions = in_hand.popleft()
                articles = [e.result() if hasattr(e, "result") else e for e in extractions]
                outbox.put(("written", _write(archive, done, articles, record_queue,
                                              return_articles)))
        outbox.put(("closed", None))
    except (ScraperError, sqlite3.Error) as exc:
        outbox.put(("error", exc if isinstance(exc, ScraperError)
                    else ArchiveError(f"archive {path}: {exc}")))
    finally:
        archive.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _extraction_pool(workers: int) -> Executor | None:
    if workers <= 0:
        return None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_leave_interrupts_to_the_crawl)


def _extraction(pool: Executor | None, item: Finished):
    """The page's Article, or a Future of it; None when there is no page to extract."""
    result = item.result
    if not result.ok or not result.body:
        return None
    url = result.final_url or result.url
    if pool is None:
        return extract_page(result.body, result.content_type, url)
    return pool.submit(extract_page, result.body, result.content_type, url)


def extract_page(body: bytes, content_type: str | None, url: str) -> Article:
    # imported where it runs: the crawl's process never needs the extractor
    from .encoding import decode_html
    from .extract import extract

    return extract(decode_html(body, content_type)[0], url)


def _leave_interrupts_to_the_crawl() -> None:
    """Ctrl-C reaches the whole process group; the crawl decides, and tells the writer to
    finish what it has, rather than have it die halfway through."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the crawl's process dies (kill -9 included)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent check in _serve remains
        pass


def _write(archive: Archive, batch: list[Finished], articles: list[Article | None],
           record_queue: bool, return_articles: bool) -> list[Written]:
    outcomes = archive.save_batch([
        PageWrite(item.result if item.requested else None, article,
                  _recorder(item.url, item.state, item.result) if record_queue else None)
        for item, article in zip(batch, articles)])
    written: list[Written] = []
    refused: list[PageWrite] = []
    for item, article, outcome in zip(batch, articles, outcomes):
        light = replace(item.result, body=b"", text=None)
        if isinstance(outcome, sqlite3.Error):
            reason = f"the archive refused the page: {outcome}"
            failure = replace(light, error=reason, error_kind=FetchError.UNSTORABLE.value)
            refused.append(PageWrite(failure, None, _recorder(item.url, FAILED, failure)
                                     if record_queue else None))
            written.append(Written(item.url, failure, FAILED, refused=reason))
        else:
            written.append(Written(item.url, light, item.state, saved=outcome,
                                   article=article if return_articles else None))
    if refused:  # recorded on their own, without the rows SQLite would not take
        archive.save_batch(refused)
    return written


def _recorder(url: str, state: str, result: FetchResult
              ) -> Callable[[Database, Saved | None], None]:
    def record_state(db: Database, saved: Saved | None) -> None:
        record(db, url, state, result.attempts, result.error_kind, result.error,
               saved.fetch_id if saved is not None else None)
    return record_state
