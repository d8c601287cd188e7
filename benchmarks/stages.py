"""Benchmark: CPU per page of each stage of the crawl, and the httpx client layouts.

    python benchmarks/stages.py                 # 3,000 pages over 20 hosts
    python benchmarks/stages.py --pages 1000

Fetching (on the loopback test web of benchmarks/sites.py, run in its own
process, same limits as benchmarks/crawl.py: 64 in flight, 8 per host), with:
  shared-default   one httpx.AsyncClient() with default limits
  shared-64        one client, a pool of 64 kept alive
  per-host         one client per host, a pool of 8 each, one shared SSL context
and with scraper's own Crawler (robots.txt, politeness, retries, caps, decoding;
each page dropped once fetched); then, on the pages fetched: decode + extract
(scraper.extract) and store (Archive.save_batch, batches of 100, into a fresh
archive).

Prints pages/s and CPU milliseconds per page for each: where a crawl's time goes.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl import start_sites  # noqa: E402  (a sibling script)


async def fetch_all(urls: list[str], layout: str, concurrency: int, per_host: int
                    ) -> list[tuple[str, bytes, str]]:
    ssl_context = httpx.create_ssl_context()
    shared = None
    if layout == "shared-default":
        shared = httpx.AsyncClient()
    elif layout == "shared-64":
        shared = httpx.AsyncClient(limits=httpx.Limits(max_connections=64,
                                                       max_keepalive_connections=64))
    clients: dict[str, httpx.AsyncClient] = {}

    def client_for(host: str) -> httpx.AsyncClient:
        if shared is not None:
            return shared
        if host not in clients:
            clients[host] = httpx.AsyncClient(verify=ssl_context, limits=httpx.Limits(
                max_connections=per_host, max_keepalive_connections=per_host))
        return clients[host]

    overall = asyncio.Semaphore(concurrency)
    hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))

    async def one(url: str) -> tuple[str, bytes, str]:
        host = url.split("/")[2]
        async with overall, hosts[host]:
            response = await client_for(host).get(url)
        return url, response.content, response.headers.get("content-type", "")

    pages = await asyncio.gather(*(one(url) for url in urls))
    for client in [*clients.values(), *([shared] if shared else [])]:
        await client.aclose()
    return pages


async def crawl_only(urls: list[str], concurrency: int, per_host: int) -> None:
    from scraper.crawl.batch import Crawler, CrawlSettings, ListFrontier

    async def drop(outcome) -> None:
        assert outcome.result.ok, outcome.result.error

    settings = CrawlSettings(concurrency=concurrency, per_host=per_host)
    await Crawler(settings, ListFrontier(urls), drop).run()


def timed(label: str, count: int, work) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<16} {count / wall:8.1f} pages/s   CPU {cpu / count * 1000:5.2f} ms/page")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    args = parser.parse_args()

    from scraper.archive.store import Archive, PageWrite
    from scraper.extract import extract
    from scraper.encoding import decode_html
    from scraper.models import FetchResult

    server, port = start_sites(args.sites, 0.02)
    try:
        print(f"fetch {args.pages:,} pages over {args.sites} hosts "
              f"(concurrency {args.concurrency}, per host {args.per_host}):")
        pages = []
        for round_, layout in enumerate(("shared-default", "shared-64", "per-host", "Crawler")):
            urls = [f"http://127.0.0.{n % args.sites + 2}:{port}/article/{n}"
                    for n in range(round_ * args.pages, (round_ + 1) * args.pages)]
            if layout == "Crawler":
                timed(layout, len(urls), lambda: asyncio.run(
                    crawl_only(urls, args.concurrency, args.per_host)))
            else:
                pages = timed(layout, len(urls), lambda: asyncio.run(
                    fetch_all(urls, layout, args.concurrency, args.per_host)))
    finally:
        server.kill()
        server.wait()

    print("then, per page:")
    results = []

    def decode_and_extract():
        for url, body, content_type in pages:
            text, encoding = decode_html(body, content_type)
            results.append((FetchResult(url=url, final_url=url, status=200, body=body, text=text,
                                        encoding=encoding, content_type=content_type,
                                        headers={"content-type": content_type}),
                            extract(text, url)))

    timed("decode+extract", len(pages), decode_and_extract)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "stages.db")

        def store():
            for start in range(0, len(results), 100):
                archive.save_batch([PageWrite(fetch, article)
                                    for fetch, article in results[start:start + 100]])

        timed("store", len(results), store)
        archive.close()


if __name__ == "__main__":
    main()
