"""`scrape site`, `scrape feed`, `scrape follow`: discovery, then the crawl, in one run.

Thin, like app.py: builds the seed's Plan from the options, starts the seed's
run, crawls with a DiscoveryFrontier (documents and pages from the queue as
discovery fills it), and prints the summary.
"""
from __future__ import annotations

import asyncio
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..archive.export import json_line
from ..archive.queries import parse_since
from ..archive.store import Archive
from ..crawl.batch import CrawlSettings, crawl
from ..crawl.queue import UrlQueue
from ..crawl.writer import default_workers
from ..discover import seeds
from ..discover.frontier import DiscoveryFrontier
from ..discover.plan import FEED_COMMAND, FOLLOW, SITE, Plan
from ..discover.scope import Scope, ScopeKind
from ..errors import EXIT_SOME_FAILED, UsageError
from ..fetch.http import DEFAULT_USER_AGENT, FetchPolicy, RetryPolicy
from ..urls import ParsedUrl, parse_url
from .app import (CLUSTER_OPTION, DB_OPTION, WARC_OPTION, WARC_SIZE_OPTION, app, capture_into,
                  examples, stderr, stdout)
from .discovery_progress import DiscoveryDisplay, summary, summary_notes, summary_table


class Direction(str, Enum):
    PREV = "prev"
    NEXT = "next"
    BOTH = "both"


# The crawl's options, shared by the three commands (as `scrape batch` names them).
CONCURRENCY = typer.Option(16, min=1, help="Requests in flight at once, all hosts.")
PER_HOST = typer.Option(2, min=1, help="Requests in flight at once to one host.")
DELAY = typer.Option(0.0, min=0.0, help="Seconds from the end of one request to a host to the "
                                        "start of the next (robots.txt may ask more).")
MAX_CRAWL_DELAY = typer.Option(60.0, min=0.0, help="Longest robots.txt Crawl-delay honoured; "
                                                   "a site asking for more is not fetched.")
TIMEOUT = typer.Option(30.0, min=0.001, help="Total seconds one request may take.")
RETRIES = typer.Option(2, min=0, help="Further attempts on timeouts, connection errors, "
                                      "429 and 5xx.")
MAX_BODY = typer.Option(10.0, min=0.001, help="Largest page in MiB, after decompression "
                                               "(sitemaps and feeds have their own caps).")
USER_AGENT = typer.Option(DEFAULT_USER_AGENT, help="User-Agent header sent.")
IGNORE_ROBOTS = typer.Option(False, "--ignore-robots", help="Fetch what robots.txt disallows "
                                                            "(its Sitemap lines are still read).")
WORKERS = typer.Option(None, min=0,
                       show_default="one per CPU core, up to 8 (none on one core)",
                       help="Processes that extract pages.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress line, only the summary.")
AS_JSON = typer.Option(False, "--json", help="Print the summary as one JSON object.")
SCOPE = typer.Option(ScopeKind.HOST, "--scope", case_sensitive=False,
                     help="Which URLs may be queued: the seed's host, its domain (subdomains "
                          "too), URLs under its path (prefix), or any.")
INCLUDE = typer.Option(None, "--include", metavar="REGEX", show_default="every page",
                       help="Only pages whose URL matches (repeatable).")
EXCLUDE = typer.Option(None, "--exclude", metavar="REGEX", show_default="none",
                       help="No pages whose URL matches (repeatable).")
MAX_PAGES = typer.Option(None, "--max-pages", min=0, metavar="N", show_default="no limit",
                         help="Queue at most N pages for this seed, over all its runs.")
SINCE = typer.Option(None, "--since", metavar="DATE", show_default="all",
                     help="Only what sitemaps and feeds date on or after DATE (undated "
                          "entries are kept).")
LIST_ONLY = typer.Option(False, "--list-only", help="Discover and print the pages' URLs; "
                                                    "fetch no page.")
REFRESH = typer.Option(False, "--refresh", help="Also fetch again archived pages that "
                                                "sitemaps or feeds date after the archived copy.")


@app.command("site", epilog=examples(
    "scrape site https://example.org/                     # sitemaps, feeds...",
    "scrape site https://example.org/ --since 2025-03-01  # dated since then",
    "scrape site https://example.org/2025/ --scope prefix --max-pages 50",
    "scrape site https://example.org/ --list-only > urls.txt"))
def site_command(
    url: str = typer.Argument(..., metavar="URL", help="The site, or a section of it."),
    scope: ScopeKind = SCOPE, include: Optional[List[str]] = INCLUDE,
    exclude: Optional[List[str]] = EXCLUDE, since: Optional[str] = SINCE,
    max_pages: Optional[int] = MAX_PAGES, list_only: bool = LIST_ONLY,
    refresh: bool = REFRESH, db: Path = DB_OPTION, concurrency: int = CONCURRENCY,
    per_host: int = PER_HOST, delay: float = DELAY, max_crawl_delay: float = MAX_CRAWL_DELAY,
    timeout: float = TIMEOUT, retries: int = RETRIES, max_body: float = MAX_BODY,
    user_agent: str = USER_AGENT, ignore_robots: bool = IGNORE_ROBOTS,
    workers: Optional[int] = WORKERS, warc: Optional[Path] = WARC_OPTION,
    warc_size: float = WARC_SIZE_OPTION, quiet: bool = QUIET, as_json: bool = AS_JSON,
    cluster: Optional[str] = CLUSTER_OPTION,
) -> None:
    """Find a site's articles (robots.txt, sitemaps, feeds, listing pages) and archive them."""
    _run_seed(SITE, url, locals())


@app.command("feed", epilog=examples(
    "scrape feed https://example.org/feed/             # RSS, Atom or JSON Feed",
    "scrape feed https://example.org/feed/ --db news.db  # again: the new items"))
def feed_command(
    url: str = typer.Argument(..., metavar="URL", help="An RSS, Atom or JSON feed."),
    scope: ScopeKind = typer.Option(ScopeKind.DOMAIN, "--scope", case_sensitive=False,
                                    help="Which item URLs may be queued (default: the feed's "
                                         "domain and its subdomains)."),
    include: Optional[List[str]] = INCLUDE, exclude: Optional[List[str]] = EXCLUDE,
    since: Optional[str] = SINCE, max_pages: Optional[int] = MAX_PAGES,
    list_only: bool = LIST_ONLY, refresh: bool = REFRESH, db: Path = DB_OPTION,
    concurrency: int = CONCURRENCY, per_host: int = PER_HOST, delay: float = DELAY,
    max_crawl_delay: float = MAX_CRAWL_DELAY, timeout: float = TIMEOUT, retries: int = RETRIES,
    max_body: float = MAX_BODY, user_agent: str = USER_AGENT,
    ignore_robots: bool = IGNORE_ROBOTS, workers: Optional[int] = WORKERS,
    warc: Optional[Path] = WARC_OPTION, warc_size: float = WARC_SIZE_OPTION,
    quiet: bool = QUIET, as_json: bool = AS_JSON, cluster: Optional[str] = CLUSTER_OPTION,
) -> None:
    """Archive the items of a feed (run it again to archive the new ones)."""
    _run_seed(FEED_COMMAND, url, locals())


@app.command("follow", epilog=examples(
    "scrape follow https://example.org/2025/01/day-12/  # back to the first",
    "scrape follow URL --direction both --max-pages 200  # the whole series"))
def follow_command(
    url: str = typer.Argument(..., metavar="URL", help="An article of the series."),
    direction: Direction = typer.Option(Direction.PREV, "--direction", case_sensitive=False,
                                        help="prev: back to the first post; next: on to the "
                                             "latest; both."),
    max_pages: int = typer.Option(1000, "--max-pages", min=1, metavar="N",
                                  help="Archive at most N pages of the chain."),
    scope: ScopeKind = SCOPE, include: Optional[List[str]] = INCLUDE,
    exclude: Optional[List[str]] = EXCLUDE, db: Path = DB_OPTION,
    per_host: int = PER_HOST, delay: float = DELAY, max_crawl_delay: float = MAX_CRAWL_DELAY,
    timeout: float = TIMEOUT, retries: int = RETRIES, max_body: float = MAX_BODY,
    user_agent: str = USER_AGENT, ignore_robots: bool = IGNORE_ROBOTS,
    workers: Optional[int] = WORKERS, warc: Optional[Path] = WARC_OPTION,
    warc_size: float = WARC_SIZE_OPTION, quiet: bool = QUIET, as_json: bool = AS_JSON,
    cluster: Optional[str] = CLUSTER_OPTION,
) -> None:
    """Walk an article's previous/next chain, archiving each post; stops at the end or a loop."""
    follow = ("prev", "next") if direction is Direction.BOTH else (direction.value,)
    plan = Plan(0, FOLLOW, _seed(url), Scope(scope, tuple(include or ()), tuple(exclude or ())),
                follow=follow, max_pages=max_pages)
    _run(plan, db, _settings(per_host, per_host, delay, max_crawl_delay, timeout, retries,
                             max_body, user_agent, ignore_robots),
         workers=workers, quiet=quiet, as_json=as_json, list_only=False, cluster=cluster,
         warc=(warc, warc_size) if warc is not None else None)


def _run_seed(command: str, url: str, options: dict) -> None:
    """site and feed: the same options, a different first document."""
    o = options
    plan = Plan(0, command, _seed(url),
                Scope(o["scope"], tuple(o["include"] or ()), tuple(o["exclude"] or ())),
                since=parse_since(o["since"]) if o["since"] else None,
                max_pages=o["max_pages"], refresh=o["refresh"])
    settings = _settings(o["concurrency"], o["per_host"], o["delay"], o["max_crawl_delay"],
                         o["timeout"], o["retries"], o["max_body"], o["user_agent"],
                         o["ignore_robots"])
    _run(plan, o["db"], settings, workers=o["workers"], quiet=o["quiet"], as_json=o["as_json"],
         list_only=o["list_only"], cluster=o["cluster"],
         warc=(o["warc"], o["warc_size"]) if o["warc"] is not None else None)


def _seed(url: str) -> str:
    parsed = parse_url(url)
    if not isinstance(parsed, ParsedUrl):
        raise UsageError(f"{url}: {parsed.message}")
    return parsed.key


def _settings(concurrency: int, per_host: int, delay: float, max_crawl_delay: float,
              timeout: float, retries: int, max_body: float, user_agent: str,
              ignore_robots: bool) -> CrawlSettings:
    return CrawlSettings(
        concurrency=concurrency, per_host=per_host, delay=delay,
        obey_robots=not ignore_robots, max_crawl_delay=max_crawl_delay,
        fetch=FetchPolicy(deadline=timeout, max_bytes=int(max_body * 1024 * 1024),
                          user_agent=user_agent),
        retry=RetryPolicy(retries=retries))


def _run(plan: Plan, db: Path, settings: CrawlSettings, *, workers: int | None, quiet: bool,
         as_json: bool, list_only: bool, cluster: str | None = None,
         warc: tuple[Path, float] | None = None) -> None:
    """`warc`: a folder to capture every request and response into, and its files' size
    in MB (as `scrape batch --warc`)."""
    if cluster is not None and warc is not None:  # the bytes are received on the workers
        raise UsageError("--warc does not work with --cluster yet")
    display = DiscoveryDisplay(stderr, quiet=quiet or as_json)
    capture = capture_into(*warc, settings) if warc is not None else None
    archive = Archive(db)
    interrupted = False
    try:
        queue = UrlQueue(archive.db)
        with queue.claimed(db):
            plan = seeds.start(archive.db, plan)
            frontier = DiscoveryFrontier(archive.db, settings.fetch, pages=not list_only)

            def written(batch) -> None:
                frontier.written(batch)
                display.written(batch)

            display.start()
            try:
                options = dict(record_queue=True, on_written=written, tally=display.tally,
                               expecting=frontier.expecting,
                               workers=default_workers() if workers is None else workers)
                if cluster is None:
                    asyncio.run(crawl(settings, frontier, db, capture=capture, **options))
                else:  # documents and pages fetched and read on the workers
                    from ..cluster.connect import cluster_address
                    from ..cluster.head import crawl_on_cluster

                    with cluster_address(cluster) as address:
                        asyncio.run(crawl_on_cluster(address, settings, frontier, db, **options))
            except KeyboardInterrupt:  # what was committed stays; the rest is still queued
                interrupted = True
            finally:
                display.stop()
            if not interrupted:
                seeds.finish(archive.db, plan)
            figures = summary(plan.command, plan.root, display, seeds.counts(archive.db, plan))
            urls = list(seeds.page_urls(archive.db, plan)) if list_only else []
    finally:
        archive.close()
    for url in urls:
        print(url)
    if as_json:
        print(json_line(figures))
    elif not (list_only and quiet):
        console = stderr if list_only else stdout
        console.print(summary_table(figures))
        for note in summary_notes(figures):
            console.print(note, soft_wrap=True, markup=False, highlight=False)
    if interrupted:
        stderr.print("interrupted: run the same command again to resume", highlight=False)
        raise typer.Exit(130)
    if display.tally.failed:
        raise typer.Exit(EXIT_SOME_FAILED)
