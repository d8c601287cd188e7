"""Benchmark: `scrape batch --cluster local:N` for N = 1, 2, 4 against `scrape batch`
without a cluster, on the loopback test web, and the writer's own ceiling.

    python benchmarks/cluster.py                     # 2,000 URLs a run
    python benchmarks/cluster.py --urls 5000 --workers 1 2 4 8 --apart 4

Each configuration crawls fresh URLs of the test web (benchmarks/sites.py, in its
own process: 20 hosts, ~33 KB pages, 20 ms latency) with the same limits. A run's
fixed costs (starting Python and Dask's processes, importing, connecting) are
measured on a run of one URL per host and taken off, so the figures are those
of the crawl itself: pages/s, and CPU per page of all the run's processes
together (from wait4) and by role, sampled from /proc: the head (the scrape
process: its loop, the Dask client and, for local:N, the scheduler's thread),
the writer process, and the rest (Dask's worker processes, or without a cluster
the extraction processes).

With local:N the scheduler and the workers' nannies run in the head's process,
and their CPU counts as the head's. So the last run starts a scheduler and
workers apart, with Dask's own commands (`dask scheduler`, `dask worker`), as
they run on other machines: the head's figure is then its own (and the
scheduler's counts with the workers').

The writer's ceiling: pages extracted and packed beforehand, handed to the
writer process as a crawl hands them (lists of 32, the crawl's room bounding
how many are in its hands), queue state included: pages/s it stores, and its
CPU per page. A cluster that extracts faster than that is bound by the writer.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from crawl import cpu_seconds, measure, sample_tree, start_sites, write_list  # noqa: E402

DASK = Path(sys.executable).parent / "dask"


def batch_command(url_list: Path, db: Path, args, cluster: str | None) -> list[str]:
    return [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
            "--concurrency", str(args.concurrency), "--per-host", str(args.per_host),
            "--quiet", *(["--cluster", cluster] if cluster else [])]


@contextmanager
def apart(workers: int) -> Iterator[tuple[str, list[int]]]:
    """A scheduler and `workers` worker processes (two threads each) started with Dask's
    commands, on loopback; their address, and the pids whose process trees are theirs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port",
                                   str(port), "--dashboard-address", "127.0.0.1:0"], **quiet)]
    processes.append(subprocess.Popen([DASK, "worker", address, "--nworkers", str(workers),
                                       "--nthreads", "2", "--dashboard-address",
                                       "127.0.0.1:0"], **quiet))
    try:
        yield address, [process.pid for process in processes]
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait()


def cluster_cpu(pids: list[int]) -> float:
    return sum(seconds for pid in pids for _, seconds in sample_tree(pid)[1].values())


def run(tmp: Path, port: int, server_pid: int, args, cluster: str | None, first: int,
        apart_pids: list[int] = ()) -> dict:
    """The crawl of args.urls fresh URLs, less the fixed costs of a run (see the docstring)."""
    figures = {}
    for size in (args.sites, args.urls):
        url_list = tmp / f"{first}-{size}.txt"
        write_list(url_list, port, args.sites, size, start=first + (size != args.sites) *
                   args.sites, kind="article")
        before = cluster_cpu(apart_pids)
        figures[size] = measure(batch_command(url_list, tmp / f"{url_list.stem}.db", args,
                                              cluster), server_pid)
        figures[size]["cpu"] += cluster_cpu(apart_pids) - before
        figures[size]["by_process"]["other"] += cluster_cpu(apart_pids) - before
    small, big = figures[args.sites], figures[args.urls]
    pages = args.urls - args.sites
    by_role = {role: (big["by_process"].get(stage, 0.0) - small["by_process"].get(stage, 0.0))
               / pages * 1000 for role, stage in (("head", "crawl"), ("writer", "writer"))}
    by_role["workers"] = sum(big["by_process"].get(s, 0.0) - small["by_process"].get(s, 0.0)
                             for s in ("extraction", "other")) / pages * 1000
    return {"rate": pages / (big["elapsed"] - small["elapsed"]),
            "cpu": (big["cpu"] - small["cpu"]) / pages * 1000, "by_role": by_role,
            "fixed": small["elapsed"], "rss": big["rss_mb"]}


def line(name: str, result: dict) -> str:
    roles = result["by_role"]
    return (f"  {name:<20} {result['rate']:7.1f} pages/s   CPU {result['cpu']:5.2f} ms/page "
            f"(head {roles['head']:.2f}, writer {roles['writer']:.2f}, "
            f"extraction/workers {roles['workers']:.2f})   fixed cost {result['fixed']:4.1f} s"
            f"   peak RSS {result['rss']:.0f} MB")


# -- the writer's ceiling ----------------------------------------------------------

def writer_ceiling(tmp: Path, pages: int) -> tuple[float, float]:
    """(pages/s, writer CPU ms/page) storing `pages` prepared pages."""
    from sites import article_page

    from scraper.archive.store import Archive
    from scraper.crawl.queue import UrlQueue
    from scraper.crawl.writer import HAND_ON, Finished, Writer, prepare
    from scraper.models import FetchResult

    urls = [f"http://127.0.0.{n % 20 + 2}/article/{n}" for n in range(pages)]
    prepared = [prepare(Finished(url, FetchResult(
        url=url, final_url=url, status=200, content_type="text/html; charset=utf-8",
        headers={"content-type": "text/html; charset=utf-8"},
        body=article_page(n % 20, n)))) for n, url in enumerate(urls)]
    db = tmp / "writer.db"
    with Archive(db) as archive:
        UrlQueue(archive.db).add(urls, lambda bad: None)

    room = threading.Semaphore(64 * 4)  # as the crawl's room at --concurrency 64
    written = threading.Event()
    count = [0]

    def on_written(batch) -> None:
        for _ in batch:
            room.release()
        count[0] += len(batch)
        if count[0] >= pages:
            written.set()

    writer = Writer(db, record_queue=True, on_written=on_written)
    writer.start()
    cpu_before = cpu_seconds(writer._process.pid)
    started = time.perf_counter()
    for start in range(0, pages, HAND_ON):
        handing = prepared[start:start + HAND_ON]
        for _ in handing:
            room.acquire()
        writer.put(handing)
    written.wait()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(writer._process.pid) - cpu_before
    writer.close()
    return pages / elapsed, cpu / pages * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=2000, help="URLs per crawl")
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4],
                        help="sizes of the local clusters to run")
    parser.add_argument("--apart", type=int, default=2,
                        help="worker processes of the cluster started apart (0: none)")
    parser.add_argument("--writer-pages", type=int, default=3000)
    args = parser.parse_args()

    print(f"this machine: {len(os.sched_getaffinity(0))} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{args.urls:,} URLs a run over {args.sites} hosts, {args.latency * 1000:.0f} ms "
          f"latency, concurrency {args.concurrency}, per host {args.per_host}; fixed costs "
          f"(a run of {args.sites} URLs) taken off")
    server, port = start_sites(args.sites, args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            configurations = [None, *(f"local:{n}" for n in args.workers)]
            clusters = []
            for n, cluster in enumerate(configurations):
                result = run(tmp, port, server.pid, args, cluster,
                             first=n * (args.urls + args.sites))
                print(line(f"--cluster {cluster}" if cluster else "scrape batch", result),
                      flush=True)
                if cluster is not None:
                    clusters.append(result)
            if args.apart:
                with apart(args.apart) as (address, pids):
                    time.sleep(5)  # the workers join; a first crawl warms them up
                    run(tmp, port, server.pid, args, address, apart_pids=pids,
                        first=(len(configurations) + 1) * (args.urls + args.sites))
                    result = run(tmp, port, server.pid, args, address, apart_pids=pids,
                                 first=len(configurations) * (args.urls + args.sites))
                print(line(f"apart: {args.apart} workers", result), flush=True)
                clusters.append(result)
            rate, cpu = writer_ceiling(tmp, args.writer_pages)
            print(f"  {'writer alone':<20} {rate:7.1f} pages/s   CPU {cpu:5.2f} ms/page "
                  f"(pages arriving extracted and packed, {args.writer_pages:,} of them)")
    finally:
        server.kill()
        server.wait()
    # The least disturbed figures: more workers than cores only add waiting.
    workers = min(result["by_role"]["workers"] for result in clusters)
    head = clusters[-1]["by_role"]["head"]
    print(f"the writer on a core of its own: {1000 / cpu:.0f} pages/s; at {workers:.2f} ms of "
          f"worker CPU a page, that is the work of {workers / cpu:.1f} worker cores")
    print(f"the head's own process: {head:.2f} ms a page"
          + (" (scheduler and workers apart)" if args.apart else " (with local:N's scheduler)")
          + f": {1000 / head:.0f} pages/s on a core of its own")


if __name__ == "__main__":
    main()
