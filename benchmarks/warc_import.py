"""Benchmark: `scrape import` of a WARC file, against reading the same file with a WARC
library alone.

    python benchmarks/warc_import.py                      # 3,000 pages
    python benchmarks/warc_import.py --pages 20000
    python benchmarks/warc_import.py --gigabytes 1        # a ~1 GB file, built in the temp folder
    python benchmarks/warc_import.py --keep crawl.warc.gz # keep the file (and reuse it next time)
    python benchmarks/warc_import.py --cluster local:2    # also `scrape import --cluster local:2`

The file is built the way a crawler writes one: warcio's writer, one gzip member per
record, a response and its request per page, the loopback test web's article pages
(benchmarks/sites.py: ~35 KB, every one different, 20 sites), and one response in 20
an image, which an import skips. Then, each in a process of its own:

- warcio alone: every record parsed, every response body read and decoded, the least an
  import has to do (and what `scrape import` does in its reading process);
- FastWARC alone, the same, when it is installed (`pip install fastwarc`);
- `scrape import`: reading, extraction on every core, the archive's every table and FTS;
- with --cluster, `scrape import --cluster SPEC` into another archive: the workers read
  and extract (local:N's worker processes are the import's children, so they are measured).

For each: wall time, pages/s (HTML responses), CPU seconds and peak RSS of the whole
process tree at once (sampled every 50 ms, as benchmarks/crawl.py does).
"""
from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crawl import measure  # noqa: E402  (benchmarks/ is not a package)
from sites import article_page, host_ip  # noqa: E402

SITES = 20
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
BATCH = 200  # pages a builder process writes at a time


def records(start: int) -> bytes:
    """Pages start .. start + BATCH as WARC records, one gzip member each."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    for n in range(start, start + BATCH):
        site, number = n % SITES, n // SITES
        image = n % 20 == 19
        url = f"http://{host_ip(site)}/{'img' if image else 'article'}/{number}"
        body = IMAGE if image else article_page(site, number)
        kind = "image/png" if image else "text/html; charset=utf-8"
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", kind),
                                                     ("Content-Length", str(len(body)))],
                                          protocol="HTTP/1.1"))
        request = writer.create_warc_record(
            url, "request", http_headers=StatusAndHeaders(
                f"GET {url.split('/', 3)[3]} HTTP/1.1", [("Host", host_ip(site))],
                is_http_request=True))
        writer.write_request_response_pair(request, response)
    return out.getvalue()


def build(path: Path, *, pages: int | None, size: int | None) -> None:
    """Write the file: `pages` pages, or until it is `size` bytes (records are made on every
    core, and written in order)."""
    started, written = time.perf_counter(), 0
    with path.open("wb") as out, multiprocessing.Pool() as pool:
        starts = range(0, pages, BATCH) if pages else range(0, 10**9, BATCH)
        for data in pool.imap(records, starts, chunksize=1):
            out.write(data)
            written += BATCH
            if size and out.tell() >= size:
                break
            if written % 20_000 == 0:
                print(f"  built {written:,} pages, {out.tell() / 1e6:,.0f} MB", flush=True)
        pool.terminate()
    print(f"built {path} ({path.stat().st_size / 1e6:,.1f} MB, {written:,} pages) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def read_alone(library: str, path: Path) -> None:
    """Read every record and every response body: what any import must do at least."""
    pages = 0
    with path.open("rb") as stream:
        if library == "warcio":
            from warcio.archiveiterator import ArchiveIterator

            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    kind = record.http_headers.get_header("content-type") or ""
                    body = record.content_stream().read()
                    pages += kind.startswith("text/html") and len(body) > 0
        else:
            from fastwarc.warc import ArchiveIterator, WarcRecordType

            for record in ArchiveIterator(stream, record_types=WarcRecordType.response):
                kind = record.http_headers.get("content-type") or ""
                body = record.reader.read()
                pages += kind.startswith("text/html") and len(body) > 0
    print(pages)


def report(name: str, figures: dict, pages: int) -> None:
    print(f"{name:<16} {figures['elapsed']:7.1f} s  {pages / figures['elapsed']:8.1f} pages/s  "
          f"CPU {figures['cpu']:7.1f} s ({figures['cpu'] / pages * 1000:.1f} ms a page)  "
          f"peak RSS {figures['rss_mb']:6.1f} MB", flush=True)
    stages = {("reading" if stage == "crawl" else stage): seconds
              for stage, seconds in figures["by_process"].items() if seconds}
    if len(stages) > 1:  # scrape import: its processes name themselves
        print(" " * 17 + "CPU a page: " + ", ".join(
            f"{stage} {seconds / pages * 1000:.1f} ms" for stage, seconds in stages.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--gigabytes", type=float, help="build a file this large instead")
    parser.add_argument("--keep", type=Path, help="the WARC file: built if missing, kept")
    parser.add_argument("--workers", type=int, help="scrape import --workers")
    parser.add_argument("--cluster", metavar="SPEC", help="also scrape import --cluster SPEC")
    parser.add_argument("--read-alone", nargs=2, metavar=("LIBRARY", "FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_alone:
        return read_alone(args.read_alone[0], Path(args.read_alone[1]))

    with tempfile.TemporaryDirectory(prefix="warc-import-") as tmp:
        path = args.keep or Path(tmp) / "crawl.warc.gz"
        size = int(args.gigabytes * 1e9) if args.gigabytes else None
        if not path.exists():
            build(path, pages=None if size else args.pages, size=size)
        me = os.getpid()  # measure() also times a server's CPU: there is none here
        db = Path(tmp) / "archive.db"
        workers = [] if args.workers is None else ["--workers", str(args.workers)]
        importing = measure([sys.executable, "-m", "scraper", "import", str(path), "--db",
                             str(db), "--quiet", *workers], me)
        from sqlite_utils import Database

        pages = Database(db)["articles"].count  # every HTML page of the file, each once
        megabytes = path.stat().st_size / 1e6
        print(f"{path.name}: {megabytes:,.1f} MB, {pages:,} HTML pages")
        report("scrape import", importing, pages)
        if args.cluster:
            other = Path(tmp) / "cluster.db"
            on_cluster = measure([sys.executable, "-m", "scraper", "import", str(path), "--db",
                                  str(other), "--quiet", "--cluster", args.cluster], me)
            assert Database(other)["articles"].count == pages
            report(f"--cluster {args.cluster}", on_cluster, pages)
        readers = ["warcio"]
        try:
            import fastwarc  # noqa: F401
            readers.append("fastwarc")
        except ImportError:
            print("(FastWARC is not installed: pip install fastwarc to compare it too)")
        for library in readers:
            report(f"{library} alone",
                   measure([sys.executable, __file__, "--read-alone", library, str(path)], me),
                   pages)
        print(f"scrape import: {megabytes / importing['elapsed']:.1f} MB/s of the file")


if __name__ == "__main__":
    main()
