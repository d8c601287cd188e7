"""Benchmark: `scrape batch` against a bare httpx crawler, on a loopback test web.

    python benchmarks/crawl.py                      # 5,000 URLs over 20 sites, both crawlers
    python benchmarks/crawl.py --urls 2000 --rounds 3
    python benchmarks/crawl.py --memory-urls 100000 # peak RSS of a 100,000-URL list
    python benchmarks/crawl.py --memory-urls 500 --memory-kind huge   # ... of faults

The test web (benchmarks/sites.py) runs in its own process: 20 hosts
(127.0.0.2 ... 127.0.0.21), ~33 KB article pages, 20 ms latency. Each crawler
runs in its own process too, so CPU seconds are its own and its children's
(from wait4), and peak RSS is that of its whole process tree at once (crawl,
writer and extraction processes together). Both get the same limits:
--concurrency in flight overall, --per-host per host.

Each round also prints the CPU per page of each of scrape batch's processes
(crawl, extraction, writer: they name themselves). Before the rounds, extraction
runs alone and then once per core at once: how much more work the cores do
together than one bounds any pipeline that spreads its work over them.

The baseline is what a bare script would do: one plain `httpx.AsyncClient()`,
a semaphore for each limit, selectolax for the title, `sqlite3.executemany`
of (url, status, title, html) every 100 pages. `scrape batch` does the whole
job: robots.txt, politeness, retries, charset decoding, full extraction,
every table of the archive, the durable queue.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def start_sites(sites: int, latency: float) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, str(HERE / "sites.py"), "--sites", str(sites),
                               "--latency", str(latency), "--lifetime", "3600"],
                              stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().split()
    if not line or line[0] != "ready":
        server.kill()
        raise SystemExit("the test web did not start")
    return server, int(line[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_list(path: Path, port: int, sites: int, count: int, start: int, kind: str) -> None:
    with path.open("w") as out:
        for n in range(start, start + count):
            out.write(f"http://127.0.0.{n % sites + 2}:{port}/{kind}/{n}\n")


def sample_tree(pid: int) -> tuple[float, dict[int, tuple[str, float]]]:
    """Resident memory (MB) of a process and all its descendants, summed; and the name
    and CPU seconds of each."""
    total, cpu, pending = 0, {}, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
            cpu[current] = (status.split("Name:")[1].split()[0], cpu_seconds(current))
            for task in os.listdir(f"/proc/{current}/task"):
                pending += [int(c) for c in
                            Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (OSError, IndexError, ValueError):  # it ended meanwhile
            continue
    return total / 1024, cpu


def measure(command: list[str], server_pid: int, exit_codes: tuple[int, ...] = (0,)) -> dict:
    """Run a crawler process; its wall time, CPU seconds and peak RSS, and the server's CPU.

    CPU seconds are the process's and its children's (wait4). Peak RSS is that of
    the whole process tree at once (sampled every 50 ms): what the machine must
    have, whichever process holds it."""
    server_cpu = cpu_seconds(server_pid)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0.0]
    by_pid: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            rss, cpu = sample_tree(process.pid)
            peak[0] = max(peak[0], rss)
            by_pid.update(cpu)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) not in exit_codes:
        raise SystemExit(f"{command[2:4]} failed: {process.stderr.read().decode()[-2000:]}")
    by_process: dict[str, float] = defaultdict(float)  # as last sampled: a little short
    for pid, (name, seconds) in by_pid.items():
        by_process[_STAGES.get(name, "crawl" if pid == process.pid else "other")] += seconds
    return {"elapsed": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": max(peak[0], usage.ru_maxrss / 1024),
            "server_cpu": cpu_seconds(server_pid) - server_cpu, "by_process": by_process}


# What scrape batch's processes call themselves (scraper/crawl/writer.py), as stages.
_STAGES = {"scrape-extract": "extraction", "scrape-writer": "writer"}


def scrape_batch(url_list: Path, db: Path, args) -> list[str]:
    workers = [] if args.workers is None else ["--workers", str(args.workers)]
    return [sys.executable, "-m", "scraper", "batch", str(url_list), "--db", str(db),
            "--concurrency", str(args.concurrency), "--per-host", str(args.per_host),
            *workers, "--quiet"]


def baseline(url_list: Path, db: Path, args) -> list[str]:
    return [sys.executable, __file__, "--run-baseline", str(url_list), str(db),
            "--concurrency", str(args.concurrency), "--per-host", str(args.per_host)]


def report(name: str, urls: int, figures: dict) -> float:
    rate = urls / figures["elapsed"]
    print(f"  {name:<13} {rate:8.1f} pages/s  {figures['elapsed']:6.1f} s  "
          f"CPU {figures['cpu']:6.1f} s ({figures['cpu'] / urls * 1000:.2f} ms/page)  "
          f"peak RSS {figures['rss_mb']:6.1f} MB  server CPU {figures['server_cpu']:.1f} s")
    stages = figures["by_process"]
    if len(stages) > 1:
        print("    CPU by process: " + ", ".join(
            f"{stage} {seconds / urls * 1000:.2f}" for stage, seconds in
            sorted(stages.items(), key=lambda item: -item[1]) if seconds >= 0.05) + " ms/page")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=5000, help="URLs per crawl")
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None,
                        help="scrape batch --workers (default: its own default)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each")
    parser.add_argument("--memory-urls", type=int, default=0,
                        help="instead: peak RSS of scrape batch on a list this long")
    parser.add_argument("--memory-kind", choices=("private", "article", "bomb", "huge"),
                        default="private",
                        help="private: every URL disallowed by robots.txt; article: fetched; "
                             "bomb: gzip bombs (1 GiB inflated); huge: 20 MB bodies of no "
                             "declared length")
    parser.add_argument("--run-baseline", nargs=2, metavar=("LIST", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--run-probe", type=int, metavar="PAGES", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_probe:
        print(run_probe(args.run_probe))
        return
    if args.run_baseline:
        asyncio.run(run_baseline(Path(args.run_baseline[0]), Path(args.run_baseline[1]),
                                 args.concurrency, args.per_host))
        return

    server, port = start_sites(args.sites, args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            if args.memory_urls:
                memory(tmp, port, server.pid, args)
            else:
                compare(tmp, port, server.pid, args)
    finally:
        server.kill()
        server.wait()


def core_speedup(pages: int = 400) -> tuple[int, float, float]:
    """(cores, slowdown, speedup): CPU per page of extraction run in one process per core at
    once against one process alone, and how much more work all the cores do than one.

    Cores running at once share caches, memory bandwidth and clock boost (and, on a
    virtual machine, maybe physical cores): a pipeline that spreads its work over
    every core gains less than the core count, while a one-process crawler does not
    pay this."""
    cores = len(os.sched_getaffinity(0))

    def at_once(count: int) -> float:
        probes = [subprocess.Popen([sys.executable, __file__, "--run-probe", str(pages)],
                                   stdout=subprocess.PIPE, text=True) for _ in range(count)]
        return sum(float(probe.communicate()[0]) for probe in probes) / count

    alone = min(at_once(1), at_once(1))
    together = at_once(cores)
    return cores, together / alone, cores * alone / together


def run_probe(pages: int) -> float:
    """CPU milliseconds per page that extract() takes on the test web's pages."""
    sys.path.insert(0, str(HERE.parent))
    from sites import article_page

    from scraper.extract import extract

    html = [article_page(n % 20, n).decode() for n in range(pages)]
    for text in html[:20]:  # imports and caches warmed
        extract(text, "http://127.0.0.2/article/0")
    started = time.process_time()
    for n, text in enumerate(html):
        extract(text, f"http://127.0.0.{n % 20 + 2}/article/{n}")
    return (time.process_time() - started) / pages * 1000


def compare(tmp: Path, port: int, server_pid: int, args) -> None:
    cores, slowdown, speedup = core_speedup()
    print(f"this machine: {cores} cores; extraction run on all of them at once takes "
          f"{slowdown:.2f}x the CPU per page it takes alone: together they do {speedup:.2f}x "
          f"the work of one")
    print(f"{args.urls:,} URLs over {args.sites} hosts, {args.latency * 1000:.0f} ms latency, "
          f"concurrency {args.concurrency}, per host {args.per_host}, "
          f"scrape batch --workers {'default' if args.workers is None else args.workers}")
    ratios = []
    for round_ in range(args.rounds):
        rates = {}
        for name, command in (("baseline", baseline), ("scrape batch", scrape_batch)):
            url_list = tmp / f"{name.replace(' ', '-')}-{round_}.txt"
            # Fresh URLs every run: nothing is cached anywhere.
            write_list(url_list, port, args.sites, args.urls,
                       start=(round_ * 2 + len(rates)) * args.urls, kind="article")
            figures = measure(command(url_list, tmp / f"{url_list.stem}.db", args), server_pid)
            rates[name] = report(name, args.urls, figures)
        ratios.append(rates["scrape batch"] / rates["baseline"])
        print(f"  round {round_ + 1}: scrape batch / baseline = {ratios[-1]:.2f}x")
    print(f"ratio over {len(ratios)} rounds: {sum(ratios) / len(ratios):.2f}x "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")


def memory(tmp: Path, port: int, server_pid: int, args) -> None:
    url_list = tmp / "memory.txt"
    write_list(url_list, port, args.sites, args.memory_urls, start=0, kind=args.memory_kind)
    print(f"{args.memory_urls:,} URLs ({args.memory_kind}) over {args.sites} hosts, "
          f"concurrency {args.concurrency}, per host {args.per_host}")
    faults = args.memory_kind in ("bomb", "huge")  # every URL fails: exit code 1
    figures = measure(scrape_batch(url_list, tmp / "memory.db", args), server_pid,
                      exit_codes=(0, 1) if faults else (0,))
    report("scrape batch", args.memory_urls, figures)


async def run_baseline(url_list: Path, db: Path, concurrency: int, per_host: int) -> None:
    """The bare crawler: plain httpx, a title, executemany."""
    import sqlite3

    import httpx
    from selectolax.lexbor import LexborHTMLParser

    urls = url_list.read_text().split()
    conn = sqlite3.connect(db)
    conn.execute("create table pages (url text primary key, status int, title text, html blob)")
    rows: list[tuple] = []
    overall = asyncio.Semaphore(concurrency)
    hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))

    async with httpx.AsyncClient() as client:
        async def one(url: str) -> None:
            async with overall, hosts[url.split("/")[2]]:
                response = await client.get(url)
            node = LexborHTMLParser(response.text).css_first("title")
            rows.append((url, response.status_code, node.text() if node else None,
                         response.content))
            if len(rows) >= 100:
                conn.executemany("insert into pages values (?, ?, ?, ?)", rows)
                conn.commit()
                rows.clear()

        await asyncio.gather(*(one(url) for url in urls))
    conn.executemany("insert into pages values (?, ?, ?, ?)", rows)
    conn.commit()


if __name__ == "__main__":
    main()
