"""`scrape import` on a Dask cluster: the workers read the WARC files and prepare the pages.

The head keeps what an import keeps without a cluster: the filters, the one
writer, and what tells an import run again where it stopped (the archive: a
record whose place it names was imported, a page with the same URL and bytes
is a duplicate). Workers read the files where they are, so every worker must
see each file at the same path (a shared folder), the head need not.

Files are read in spans (warc.source.Span): a file of gzip members is cut into
spans read side by side, other files are one span each. A task reads a span
from one of its records on, up to MAX_PAGES pages, prepares them (extracted,
body packed, by crawl.writer.prepare as an extraction process would) and says
where the span's next record starts; the head stores the pages and only then
sends the span's next task. Pages in flight at the head are so bounded
whatever the cluster's size: at most `ahead` tasks out, each with at most
MAX_PAGES pages, and what the writer has in hand.

Faults: a worker that dies takes its task with it, and only its task: the
span's task is sent again from the same record, and alone (one page at most),
so nothing is lost and, each task's answer being taken once, nothing doubled.
If the page kills a worker alone, it is located without being extracted and
recorded as failed (`extraction_crashed`, as a crawl does), and the span goes
on past it. A lost scheduler ends the run with one ClusterError; what was
committed stays, and a rerun goes on past it.
"""
from __future__ import annotations

import asyncio
import bisect
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Awaitable, Callable

from ..crawl.batch import Tally, archive_pages
from ..crawl.queue import FAILED
from ..crawl.writer import Finished, Prepared, Written
from ..errors import FetchError, WarcFileError
from ..warc.source import ImportFilter, Problem, Reading, Seen, Span, SpanPart
from .connect import connect, task_failure
from .work import RELEASE, WarcFile, import_span, look_at_files

if TYPE_CHECKING:
    from distributed import Client

MAX_PAGES = 16  # pages a task prepares at most: a few seconds of a worker thread's time
MAX_AHEAD = 16  # tasks out at once, at most, whatever the cluster's size
MIN_SPAN = 1 << 20  # bytes: smaller files are one span, and spans are no smaller
MAX_SPAN = 256 << 20  # bytes: a span is no larger, however few the workers


@dataclass(frozen=True)
class ImportSettings:
    """What the import is asked: which records, and where the pages go."""

    keep: ImportFilter
    archive_path: Path
    max_in_flight: int  # pages handed to the writer and not yet committed


@dataclass
class _Step:
    """A span's next task: from `span.start` on (a record's offset, unless the span's first)."""

    span: Span
    deaths: int = 0  # workers that died on this task: 1, sent alone; 2, the page located only


def spans_of(files: list[WarcFile], threads: int) -> list[Span]:
    """The spans the files are read in: enough for every worker thread to have a few."""
    total = sum(file.size for file in files)
    size = max(MIN_SPAN, min(MAX_SPAN, total // max(1, 4 * threads)))
    spans = []
    for file in files:
        assert file.path is not None
        if not file.splittable or file.size <= size:
            spans.append(Span(file.path, 0))
            continue
        for start in range(0, file.size, size):
            end = start + size if start + size < file.size else None
            spans.append(Span(file.path, start, end, exact=start == 0))
    return spans


async def import_on_cluster(address: str, files: list[Path], settings: ImportSettings, *,
                            seen: Seen, reading: Reading, tally: Tally,
                            on_total: Callable[[int], None],
                            on_record: Callable[[Reading], None],
                            on_written: Callable[[list[Written]], None]) -> None:
    """Import `files` with the cluster at `address` reading them (see the module docstring).
    `reading` and `tally` count as the import goes, as without a cluster."""
    client = await connect(address)
    try:
        # Absolute, since a worker's working folder is not the head's.
        looked = await _result(client.submit(look_at_files, RELEASE,
                                             [str(f.absolute()) for f in files], pure=False),
                               address)
        for given, file in zip(files, looked):
            if file.problem is not None:
                raise WarcFileError(f"cannot read WARC file {given}: {file.problem}")
        on_total(sum(file.size for file in looked))
        threads = sum((await client.nthreads()).values())
        reader = _Reader(client, address, settings, seen, reading, on_record,
                         ahead=max(2, min(MAX_AHEAD, 2 * threads)))
        await archive_pages(reader.produce(spans_of(looked, threads)),
                            settings.archive_path, record_queue=False, on_written=on_written,
                            workers=0, tally=tally, max_pages=settings.max_in_flight)
    finally:
        await client.close()


class _Reader:
    """Sends the spans' tasks, and hands over what comes back."""

    def __init__(self, client: "Client", address: str, settings: ImportSettings, seen: Seen,
                 reading: Reading, on_record: Callable[[Reading], None], *, ahead: int) -> None:
        self._client, self._address = client, address
        self._keep = settings.keep
        self._seen, self._reading, self._on_record = seen, reading, on_record
        self._ahead = ahead
        self._imported: dict[str, list[int]] = {}  # file -> offsets the archive names

    def produce(self, spans: list[Span]
                ) -> Callable[[Callable[[Finished | Prepared], Awaitable[None]]],
                              Awaitable[None]]:
        async def produce(hand_over) -> None:
            waiting = deque(spans)
            out: dict[asyncio.Future, _Step] = {}
            try:
                while waiting or out:
                    while waiting and len(out) < self._ahead:
                        step = _Step(waiting.popleft())
                        out[self._send(step)] = step
                    done, _ = await asyncio.wait(out, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        step = out.pop(task)
                        following = await self._take(step, task, hand_over)
                        if following is not None:
                            out[self._send(following)] = following
            finally:
                for task in out:
                    task.cancel()
                await asyncio.gather(*out, return_exceptions=True)
        return produce

    def _send(self, step: _Step) -> asyncio.Future:
        span = step.span
        offsets = self._offsets(span.file)
        low = bisect.bisect_left(offsets, span.start)
        high = len(offsets) if span.end is None else bisect.bisect_left(offsets, span.end)
        future = self._client.submit(
            import_span, RELEASE, span, self._keep, frozenset(offsets[low:high]),
            1 if step.deaths else MAX_PAGES, step.deaths < 2, pure=False)
        return asyncio.ensure_future(_released(future))

    async def _take(self, step: _Step, task: asyncio.Future, hand_over) -> _Step | None:
        """What came back for `step`, handed over; the span's next step, if any."""
        from distributed import KilledWorker

        try:
            part: SpanPart = task.result()
        except KilledWorker:
            if step.deaths < 2:
                return replace(step, deaths=step.deaths + 1)
            self._reading.problems.append(Problem(
                step.span.file, step.span.start, "a cluster worker died reading from here "
                "without extracting; the rest of this part of the file is skipped"))
            self._on_record(self._reading)
            return None
        except Exception as exc:
            raise task_failure(exc, self._address) from None
        for page in part.pages:
            if step.deaths >= 2:  # it killed a worker alone: failed, not sent again
                await hand_over(_crashed(page))
            else:
                await self._hand_over_once(page, hand_over)
        self._count(part.reading)
        if part.next is None:
            return None
        return _Step(replace(step.span, start=part.next, exact=True))

    async def _hand_over_once(self, page: Prepared, hand_over) -> None:
        result, skipped = page.finished.result, self._reading.skipped
        if result.warc is not None and self._seen.imported(result.warc):
            skipped["imported before"] += 1
        elif page.packed is not None and self._seen.duplicate_digest(page.finished.url,
                                                                     page.packed.sha256):
            skipped["duplicate"] += 1
        else:
            await hand_over(page)

    def _count(self, part: Reading) -> None:
        reading = self._reading
        reading.records += part.records
        reading.skipped.update(part.skipped)
        reading.problems.extend(part.problems)
        reading.bytes_read += part.bytes_read
        self._on_record(reading)

    def _offsets(self, file: str) -> list[int]:
        """Where the records of `file` that the archive holds start, in order (read once:
        what this run adds, the head tells apart as pages come back)."""
        offsets = self._imported.get(file)
        if offsets is None:
            offsets = self._imported[file] = self._seen.offsets(file)
        return offsets


def _crashed(page: Finished) -> Finished:
    result = replace(page.result, body=b"", error_kind=FetchError.EXTRACTION_CRASHED.value,
                     error="a cluster worker died on this page alone (the page may crash "
                           "the parser)")
    return Finished(page.url, result, FAILED)


async def _released(future):
    try:
        return await future
    finally:
        future.release()


async def _result(future, address: str):
    try:
        return await _released(future)
    except Exception as exc:
        raise task_failure(exc, address) from None
