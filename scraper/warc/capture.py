"""WARC capture: every request and response of a crawl, into size-rotated .warc.gz files.

A side output of fetching. Fetch hands each exchange, bytes as received, to
`WarcCapture.record`, which writes its response record (a `revisit` for a 304)
and then its request, one gzip member each, and tells fetch where the response
lies (file, offset, length): the archive keeps that in the fetch's row. Files
are named to sort in the order they were written,

    scrape-20250501120000-00000.warc.gz, scrape-20250501120000-00001.warc.gz, ...

each opening with a `warcinfo` record; the next one starts when the current one
would grow past `max_size`. Records are flushed as they are written, so a
crawl that is killed leaves every record it reported whole.

Gzip and digests cost more than the rest of a fetch; they run on one thread of
the capture's own, where zlib and hashlib let go of the GIL, so the event loop
goes on fetching, and one thread keeps the records in order without a lock. A
capture that cannot be written (a full disk) stops the crawl: a crawl asked to
capture never goes on without.
"""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable

from ..errors import CaptureError
from ..models import Exchange, WarcRef
from .records import SOFTWARE, exchange_records, member, warcinfo

DEFAULT_MAX_SIZE = 1_000_000_000  # bytes: the size web archives customarily rotate at
PREFIX = "scrape"


class WarcCapture:
    """Writes exchanges into WARC files in `folder`; see the module docstring.

    Args:
        folder: where the files go (created if missing).
        max_size: bytes a file may grow to before the next one starts.
        info: fields for each file's warcinfo record (user agent, robots policy...).
    """

    def __init__(self, folder: Path, *, max_size: int = DEFAULT_MAX_SIZE,
                 info: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        self.max_size = max_size
        self._info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
                      "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                                    "warc-format/warc-1.1/",
                      **(info or {})}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaptureError(f"cannot create the WARC folder {self.folder}: "
                               f"{exc.strerror or exc}") from None
        if not os.access(self.folder, os.W_OK):
            raise CaptureError(f"cannot write into the WARC folder {self.folder}")
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="warc-capture")
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._opened_size = 0  # bytes of the current file's warcinfo
        self._stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self._serial = 0
        self.files: list[Path] = []
        self.failure: CaptureError | None = None
        self.on_failure: Callable[[], None] = lambda: None  # the crawl stops on it

    async def record(self, exchange: Exchange) -> WarcRef | None:
        """Write one exchange; where its response record lies (None once writing failed)."""
        if self.failure is not None:
            return None
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._thread, self.write, exchange)
        except OSError as exc:
            if self.failure is None:
                self.failure = CaptureError(f"cannot write the WARC capture into {self.folder}: "
                                            f"{exc.strerror or exc}")
                self.on_failure()
            return None

    def write(self, exchange: Exchange) -> WarcRef:
        """`record`, in the caller's thread."""
        pair = exchange_records(exchange)
        response, request = member(pair.response), member(pair.request)
        file = self._file_for(len(response) + len(request))
        offset = file.tell()
        file.write(response + request)
        file.flush()
        return WarcRef(str(self._path), offset, len(response))

    def close(self) -> None:
        """Finish the records in hand and close the file."""
        self._thread.shutdown(wait=True)
        if self._file is not None:
            self._file.close()
            self._file = None

    def _file_for(self, size: int) -> BinaryIO:
        file = self._file
        if file is not None and file.tell() + size > self.max_size and (
                file.tell() > self._opened_size):  # a record over max_size gets a file alone
            file.close()
            self._file = file = None
        if file is None:
            file = self._open_next()
        return file

    def _open_next(self) -> BinaryIO:
        while True:
            path = self.folder / f"{PREFIX}-{self._stamp}-{self._serial:05d}.warc.gz"
            self._serial += 1
            try:
                file = path.open("xb")  # never over a file of another run's
                break
            except FileExistsError:
                continue
        self._file, self._path = file, path.resolve()
        self.files.append(self._path)
        file.write(member(warcinfo(path.name, self._info)))
        file.flush()
        self._opened_size = file.tell()
        return file
