"""`scrape reextract` on a Dask cluster: stored pages extracted on the workers.

The head reads chunks of stored pages and writes each chunk's articles in one
transaction, as without a cluster; only extraction moves. A few chunks are out
on the cluster at once (two per worker thread, at most MAX_AHEAD), so the
head's memory stays bounded whatever the archive's size; they are written in
the order they were read.

A chunk whose worker died is extracted again page by page, one at a time, so
that a page a worker dies on alone is known: it is left as it was, and counted.
"""
from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Iterable, Iterator

from ..archive.store import StoredPage
from ..models import Article
from .connect import task_failure
from .work import RELEASE, extract_pages

if TYPE_CHECKING:
    from distributed import Client, Future

MAX_AHEAD = 32  # chunks out on the cluster at once, at most


class ClusterExtraction:
    """An archive.reextract.ChunkExtraction that extracts on the cluster's workers."""

    def __init__(self, client: "Client", address: str) -> None:
        self._client = client
        self._address = address
        threads = sum(client.nthreads().values())
        self._ahead = max(2, min(MAX_AHEAD, 2 * threads))

    def __call__(self, chunks: Iterable[list[StoredPage]]
                 ) -> Iterator[tuple[list[StoredPage], list[Article | None]]]:
        out: deque[tuple[list[StoredPage], "Future"]] = deque()
        try:
            for chunk in chunks:
                out.append((chunk, self._submit(chunk)))
                if len(out) >= self._ahead:
                    yield self._result(*out.popleft())
            while out:
                yield self._result(*out.popleft())
        finally:
            for _, future in out:
                future.release()

    def _submit(self, pages: list[StoredPage]) -> "Future":
        return self._client.submit(extract_pages, RELEASE, pages, pure=False)

    def _result(self, pages: list[StoredPage], future: "Future"
                ) -> tuple[list[StoredPage], list[Article | None]]:
        from distributed import KilledWorker

        try:
            return pages, future.result()
        except KilledWorker:
            return pages, [self._alone(page) for page in pages]
        except Exception as exc:
            raise task_failure(exc, self._address) from None
        finally:
            future.release()

    def _alone(self, page: StoredPage) -> Article | None:
        from distributed import KilledWorker

        future = self._submit([page])
        try:
            [article] = future.result()
            return article
        except KilledWorker:
            return None
        except Exception as exc:
            raise task_failure(exc, self._address) from None
        finally:
            future.release()
