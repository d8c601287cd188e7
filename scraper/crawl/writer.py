"""The one writer, and the processes that extract pages for it.

The crawl hands over finished URLs. Each page is extracted and packed
(compressed, hashed) in an extraction process, then written by the writer
process, which commits whatever has arrived in one transaction (group commit:
one page when the crawl is slow, many when it is fast), each page with its
queue state in its own savepoint. A page the archive refuses is recorded as
failed on its own; the others are kept.

    crawl (fetch) --pages--> extraction processes --articles--> writer (SQLite)
                  `--------------- workers=0: the writer extracts too --'

Why processes: extraction and SQLite together cost several times what
fetching does, per page. In a thread they hold the GIL, and every socket call
of the event loop then waits its turn (measured: the crawl ran at a third of
its speed). Extraction and writing are split because the writer alone could
not keep up with one fetching process (benchmarks/crawl.py): apart, they use
every core, and SQLite still has one writer. Every process dies with the
crawl (Linux: PR_SET_PDEATHSIG), so a killed crawl never leaves one writing
behind a rerun's back.

Nothing here fetches. A run-level failure (disk full, archive locked, a
process that died) stops the crawl; `close()` raises it in the crawl's process.
A process that dies while extracting a page (a crash in the parser, the kernel
killing it for memory) leaves that page's URL behind in shared memory: the page
is recorded as failed, so a rerun goes on past it instead of dying on it again.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue as stdlib_queue
import signal
import sqlite3
import threading
import time
from ctypes import Array, c_char
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..archive.store import Archive, Counted, PackedBody, PageWrite, Saved
from ..errors import ArchiveError, FetchError, ScraperError
from ..models import Article, FetchResult
from .queue import DONE, FAILED, record

# sqlite-utils is imported only where an archive is opened (store.Archive): the extraction
# processes import this module and the archive's, and never open one; it would cost each of
# them 13 MB of memory.
if TYPE_CHECKING:
    from sqlite_utils import Database

log = logging.getLogger(__name__)

MAX_BATCH = 64  # messages per transaction at most (each a list of up to HAND_ON pages)
_POLL = 0.5  # seconds between checks that the other side is still alive
# Bytes of the URL a process is extracting, kept where the crawl can read it if the
# process dies. (URL lists take longer URLs only in theory: such a page is not named.)
URL_SLOT = 16_384
# Pages travel between processes in lists: one message per page would wake the receiver
# (and the crawl, with the writer's report) once per page. A page waits at most LINGER
# seconds for others to go with it, and HAND_ON go together at most.
LINGER = 0.05
HAND_ON = 32


def default_workers() -> int:
    """Extraction processes worth running here: one per core, up to 8; none on a single
    core, where the writer extracting itself saves passing pages along.

    Extraction is most of a page's work (benchmarks/crawl.py: about 60% of its CPU, the
    writer 25%, the crawl 15% since it fetches with aiohttp), so it gets every core and
    shares them with the crawl and the writer, rather than leave the crawl's core mostly
    idle. (2 cores, under heavy load from other work: 0.45-0.58x the
    bare crawler with one extraction process, 0.80-0.90x with two.)
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(cores, 8)


@dataclass
class Finished:
    """A URL the crawl is done with, for the archive."""

    url: str  # the archive key (normalized, no credentials)
    result: FetchResult
    state: str = DONE  # queue state: done, failed or skipped
    requested: bool = True  # False when no request was made (robots.txt said no)
    kind: str | None = None  # None: an article page; else a discovery document (a sitemap...)
    context: Any = None  # discovery's: where the URL sits in a seed's discovery (discover/)


@dataclass
class Prepared:
    """A Finished page made ready to write: extracted, its body packed (and dropped)."""

    finished: Finished
    article: Article | None
    packed: PackedBody | None
    found: Any = None  # what discovery found in the page, recorded with it (discover/record.py)
    counted: Counted | None = None  # the article's word count and digest, for the writer


def handed_size(page: Finished | Prepared) -> int:
    """Bytes a page counts for while it is in the writer's hands (see Written.size)."""
    if isinstance(page, Prepared):
        return page.packed.size if page.packed is not None else len(page.finished.result.body)
    return len(page.result.body)


@dataclass
class Written:
    """What the archive did with a Finished page. `result` comes back without its body."""

    url: str
    result: FetchResult
    state: str
    saved: Saved | None = None
    refused: str | None = None  # why the archive would not hold the page
    article: Article | None = None  # only when the writer was asked to return articles
    size: int = 0  # bytes of the body handed over (what the crawl may hand over again)
    discovered: Any = None  # what recording the page's discoveries did (discover.Discovered)
    kind: str | None = None  # as Finished.kind: None for an article page


class Writer:
    """Runs the writer process (and the extraction processes) and talks to them.

    Args:
        path: the archive file.
        record_queue: also set each URL's state in the queue table (`scrape batch`).
        return_articles: send each extracted Article back (`scrape url` prints them).
        workers: extraction processes; 0: the writer process extracts pages itself.
        on_written: called in a thread of this process after each commit.
    """

    def __init__(self, path: str | Path, *, record_queue: bool, return_articles: bool = False,
                 workers: int = 0, on_written: Callable[[list[Written]], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self._path, self._record_queue = path, record_queue
        # The writer's inbox: lists of Finished or Prepared pages; None when a sender is done.
        self._inbox = context.Queue()
        self._outbox = context.Queue()  # the writer's reports: ready, written, error, closed
        # What each process is extracting, if anything (the writer's first, when it extracts).
        self._extracting = [context.Array("c", URL_SLOT, lock=False)
                            for _ in range(max(workers, 1))]
        self._process = context.Process(
            target=_serve, args=(str(path), record_queue, return_articles, workers,
                                 self._inbox, self._outbox, self._extracting[0]),
            name="scrape-writer")
        self._to_extract = context.Queue() if workers > 0 else None
        self._extractors = [
            context.Process(target=_extract_pages,
                            args=(self._to_extract, self._inbox, self._extracting[n]),
                            name=f"scrape-extract-{n}") for n in range(workers)]
        self._on_written = on_written
        self._listener = threading.Thread(target=self._listen, name="writer-listener",
                                          daemon=True)
        self._ready = threading.Event()
        self.error: BaseException | None = None
        self._recorded_crash: _Died | None = None  # once the page a process died on is recorded

    def start(self) -> None:
        """Start the processes; returns once the archive is open (raises if it cannot be)."""
        self._process.start()
        self._listener.start()
        self._ready.wait()
        if self.error is not None:
            self._process.join()
            raise self.error
        for extractor in self._extractors:
            extractor.start()

    def put(self, pages: list[Finished | Prepared]) -> None:
        """Hand pages over, a few at a time (see LINGER). Never blocks: the caller bounds
        how many are in its hands. Pages may come prepared already (on a cluster).

        The decoded text stays behind: the body is decoded again where it is extracted,
        which costs less than pickling the page twice across the process boundary."""
        pages = [replace(page, result=replace(page.result, text=None))
                 if isinstance(page, Finished) and page.result.text is not None else page
                 for page in pages]
        (self._to_extract or self._inbox).put(pages)

    def close(self) -> None:
        """Let the processes finish what they have, stop them, and raise a failure if one had."""
        if self._to_extract is not None:
            for extractor in self._extractors:
                if extractor.is_alive():
                    self._to_extract.put(None)
            for extractor in self._extractors:
                extractor.join()
                if extractor.exitcode != 0:  # it could not pass the end on: say it for it
                    self._inbox.put(None)
            self._to_extract.close()
            self._to_extract.join_thread()
        elif self._process.is_alive():
            self._inbox.put(None)
        self._listener.join()
        self._process.join()
        self._inbox.close()
        self._inbox.join_thread()
        if self.error is None or isinstance(self.error, _Died):
            # pages a dead process took with it are not archived (they stay pending)
            self.error = self._failure() or self.error
        if self.error is not None:
            raise self.error

    def _listen(self) -> None:
        while True:
            try:
                kind, payload = self._outbox.get(timeout=_POLL)
            except stdlib_queue.Empty:
                failure = self._failure()
                if failure is None and not self._process.is_alive():  # gone without a word
                    failure = _Died.of("the archive writer", self._process.exitcode)
                if failure is None:
                    continue
                kind, payload = "error", failure
            if kind == "written":
                self._on_written(payload)
                continue
            if kind == "error":
                self.error = payload
                self._on_written([])  # wake the crawl, so it sees the failure
            self._ready.set()
            if kind in ("error", "closed"):
                return

    def _failure(self) -> ScraperError | None:
        """Why the archive can no longer be written, if a process died; else None.

        Once every process has ended, a page the dead one was extracting is recorded as
        failed: the rerun goes on past it."""
        if self._recorded_crash is not None:
            return self._recorded_crash
        if self._process.exitcode not in (None, 0):
            who, code, extracting = ("the archive writer", self._process.exitcode,
                                     self._extracting[0])
        else:
            dead = [(extractor.exitcode, slot) for extractor, slot
                    in zip(self._extractors, self._extracting)
                    if extractor.exitcode not in (None, 0)]
            if not dead:
                return None
            who, (code, extracting) = "an extraction process", dead[0]
        url = extracting.value.decode("utf-8", "replace")
        if url and not self._process.is_alive() and not any(
                extractor.is_alive() for extractor in self._extractors
        ) and self._record_crash(url, code):
            self._recorded_crash = _Died.of(who, code, url)
            return self._recorded_crash
        return _Died.of(who, code)

    def _record_crash(self, url: str, exit_code: int) -> bool:
        """Record the page a process died on as failed; False if the archive would not."""
        reason = (f"the process extracting the page stopped (exit code {exit_code}): the "
                  f"page may crash the parser")
        failure = FetchResult(url=url, error_kind=FetchError.EXTRACTION_CRASHED.value,
                              error=reason, attempts=1)
        try:
            with Archive(self._path) as archive:
                [outcome] = archive.save_batch([PageWrite(
                    failure, None, _recorder(url, FAILED, failure) if self._record_queue
                    else None)])
        except (ScraperError, sqlite3.Error) as exc:
            log.warning("could not record the page %s as failed: %s", url, exc)
            return False
        return not isinstance(outcome, sqlite3.Error)


class _Died(ArchiveError):
    """A process of the crawl's died (while extracting `url`, recorded as failed)."""

    @classmethod
    def of(cls, who: str, exit_code: int | None, url: str | None = None) -> "_Died":
        while_ = (f" while extracting {url}; that page is recorded as failed:" if url
                  else ";")
        return cls(f"{who} stopped unexpectedly (exit code {exit_code}){while_} run the "
                   f"batch again to resume")


def _extract_pages(pages: multiprocessing.Queue, writer: multiprocessing.Queue,
                   extracting: Array[c_char]) -> None:
    """An extraction process: prepare pages for the writer until told to stop.

    Pages are prepared as they come and passed on in small batches: one message
    per page would wake the writer (and the crawl, with its report) per page."""
    _become_child("scrape-extract")
    memory = _Trim()
    ready: list[Prepared] = []
    since = 0.0  # when the oldest page in `ready` was prepared
    while True:
        wait = _POLL if not ready else max(0.0, since + LINGER - time.monotonic())
        try:
            handed = pages.get(timeout=wait)
        except stdlib_queue.Empty:
            handed = []
        for finished in handed or ():
            if not ready:
                since = time.monotonic()
            ready.append(finished if isinstance(finished, Prepared)
                         else _prepare_naming(finished, extracting))
        if ready and (handed is None or len(ready) >= HAND_ON
                      or time.monotonic() - since >= LINGER):
            writer.put(ready)
            memory.after(len(ready))
            ready = []
        if handed is None:
            writer.put(None)  # one end for each extraction process: the writer counts them
            return


def _prepare_naming(finished: Finished, extracting: Array[c_char]) -> Prepared:
    """prepare(), with the page's URL left in `extracting` while it runs (see URL_SLOT)."""
    url = finished.url.encode("utf-8", "replace")
    extracting.value = url if len(url) < URL_SLOT else b""
    prepared = prepare(finished)
    extracting.value = b""
    return prepared


def prepare(finished: Finished) -> Prepared:
    """Extract the page and pack its body; the Finished that goes on carries no body.
    A page of a discovery is read by discovery: a sitemap's URLs, an article's links."""
    if finished.context is not None:
        from ..discover.read import prepare_discovered  # only discovery runs need it

        return prepare_discovered(finished)
    return prepare_article(finished)


def prepare_article(finished: Finished) -> Prepared:
    """prepare() for an article page."""
    result = finished.result
    if not result.ok or not result.body:
        return Prepared(finished, None, None)
    url = result.final_url or result.url
    try:
        article = extract_page(result.body, result.content_type, url)
    except Exception as exc:  # extract() promises never to raise; if it does, the page is
        # archived as fetched, with an empty article (`scrape reextract` can redo it), rather
        # than kill this process on every rerun of the crawl
        log.warning("could not extract %s: %s: %s", url, type(exc).__name__, exc)
        article = Article(url=url)
    packed = PackedBody.of(result.body)
    return Prepared(replace(finished, result=replace(result, body=b"", text=None)), article,
                    packed, counted=Counted.of(article))


def extract_page(body: bytes, content_type: str | None, url: str) -> Article:
    # imported where it runs: the crawl's process never needs the extractor
    from ..extract import extract

    return extract(body, url, content_type)  # (the bytes: a UTF-8 page goes to the parser as it is)


def _serve(path: str, record_queue: bool, return_articles: bool, workers: int,
           inbox: multiprocessing.Queue, outbox: multiprocessing.Queue,
           extracting: Array[c_char]) -> None:
    """The writer process: write batches of pages until every sender says it is done.

    Pages come in lists: Prepared from `workers` extraction processes, or Finished
    from the crawl itself when there are none (then this process extracts them).
    """
    senders, senders_extract = max(workers, 1), workers > 0
    _become_child("scrape-writer")
    memory = _Trim()
    try:
        archive = Archive(path)
    except ScraperError as exc:
        outbox.put(("error", exc))
        return
    outbox.put(("ready", None))
    parent = os.getppid()
    try:
        while senders:
            try:
                batch = [inbox.get(timeout=_POLL)]
            except stdlib_queue.Empty:
                if os.getppid() != parent:
                    return  # the crawl is gone, and with it anyone to report to
                continue
            # Prepared pages: give others a moment to arrive too (group commit). Pages to
            # extract here need no such moment: extracting them gives it.
            until = time.monotonic() + (LINGER if senders_extract else 0.0)
            while len(batch) < MAX_BATCH and None not in batch:
                left = until - time.monotonic()
                try:
                    batch.append(inbox.get(timeout=left) if left > 0 else inbox.get_nowait())
                except stdlib_queue.Empty:
                    break
            senders -= batch.count(None)
            pages = [page if isinstance(page, Prepared) else _prepare_naming(page, extracting)
                     for item in batch if item is not None for page in item]
            if pages:
                outbox.put(("written", _write(archive, pages, record_queue, return_articles)))
                memory.after(len(pages))
        outbox.put(("closed", None))
    except (ScraperError, sqlite3.Error) as exc:
        outbox.put(("error", exc if isinstance(exc, ScraperError)
                    else ArchiveError(f"archive {path}: {exc}")))
    finally:
        archive.close()


class _Trim:
    """Hands the memory a process freed back to the system, every TRIM_EVERY pages.

    glibc's malloc keeps what was freed for reuse, and pages passed between
    processes (pickled by a queue's feeder thread, in a heap of its own) leave its
    heaps fragmented: over a 1 GB import (139,460 pages) an extraction process grew
    from 36 to 63 MB, though the same pages extracted in a loop keep one at 34 MB.
    Trimmed, both stayed at 36-39 MB (benchmarks/warc_import.py --gigabytes 1: peak
    RSS of the whole import 196 MB, from 262). Elsewhere than glibc, nothing is done."""

    TRIM_EVERY = 512

    def __init__(self) -> None:
        self._since = 0
        try:
            import ctypes

            self._trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            self._trim = None

    def after(self, pages: int) -> None:
        self._since += pages
        if self._trim is not None and self._since >= self.TRIM_EVERY:
            self._since = 0
            self._trim(0)


def _become_child(name: str) -> None:
    """Set up a process of the crawl's.

    Ctrl-C reaches the whole process group; the crawl decides, and tells the writer to
    finish what it has, rather than have it die halfway through. Linux is asked to kill
    the process when the crawl's dies (kill -9 included), and to show `name` for it in
    ps and top (and so in benchmarks/crawl.py's CPU by process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_NAME, PR_SET_PDEATHSIG = 15, 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        libc.prctl(PR_SET_NAME, name.encode()[:15])
    except (OSError, AttributeError):  # not Linux: the parent check in _serve remains
        pass


def _write(archive: Archive, pages: list[Prepared], record_queue: bool,
           return_articles: bool) -> list[Written]:
    discovered: list[Any] = [None] * len(pages)
    outcomes = archive.save_batch([
        PageWrite(page.finished.result if page.finished.requested else None, page.article,
                  _recorder(page.finished.url, page.finished.state, page.finished.result,
                            page.found, discovered, n)
                  if record_queue else None, page.packed, page.counted)
        for n, page in enumerate(pages)])
    written: list[Written] = []
    refused: list[PageWrite] = []
    for n, (page, outcome) in enumerate(zip(pages, outcomes)):
        item = page.finished
        size = handed_size(page)
        light = replace(item.result, body=b"", text=None)
        if isinstance(outcome, sqlite3.Error):
            reason = f"the archive refused the page: {outcome}"
            failure = replace(light, error=reason, error_kind=FetchError.UNSTORABLE.value)
            refused.append(PageWrite(failure, None, _recorder(item.url, FAILED, failure)
                                     if record_queue else None))
            written.append(Written(item.url, failure, FAILED, refused=reason, size=size,
                                   kind=item.kind))
        else:
            written.append(Written(item.url, light, item.state, saved=outcome,
                                   article=page.article if return_articles else None,
                                   size=size, discovered=discovered[n], kind=item.kind))
    if refused:  # recorded on their own, without the rows SQLite would not take
        archive.save_batch(refused)
    return written


def _recorder(url: str, state: str, result: FetchResult, found: Any = None,
              discovered: list[Any] | None = None, slot: int = 0
              ) -> Callable[[Database, Saved | None], None]:
    """Records the URL's queue state, and what discovery found in it (new URLs queued with
    where they came from), in the page's own savepoint: a crash keeps both or neither."""
    def record_state(db: Database, saved: Saved | None) -> None:
        record(db, url, state, result.attempts, result.error_kind, result.error,
               saved.fetch_id if saved is not None else None)
        if found is not None:
            from ..discover.record import record_found

            discovered[slot] = record_found(db, found)
    return record_state
