"""The `scrape` command line. Thin: parses arguments, calls the stages, prints.

Every failure the user can meet prints one line on stderr and sets the exit
code (see errors.py); no traceback reaches the terminal.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from . import __version__
from .errors import EXIT_SOME_FAILED, ScraperError
from .batch import CrawlSettings, ListFrontier, QueueFrontier, crawl
from .fetch import DEFAULT_USER_AGENT, FetchPolicy, RetryPolicy, read_local
from .models import Article, FetchResult
from .progress import make_display, summary_table
from .queue import DONE, FAILED, UrlQueue, last_validators, open_url_list
from .render import print_article
from .store import Archive
from .urls import credentials_of, normalize_url, origin_of, redact
from .writer import Finished, Written

app = typer.Typer(
    help="Archive news articles into SQLite: headline, body, share URL, "
         "navigation links and comment form.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stdout = Console()
stderr = Console(stderr=True)

DB_OPTION = typer.Option(Path("archive.db"), "--db", help="SQLite archive to write.")


def _version(value: bool) -> None:
    if value:
        print(f"scrape {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Archive news articles into SQLite."""


@app.command("url")
def url_command(
    targets: List[str] = typer.Argument(..., metavar="URL...",
                                        help="Article URLs (http/https) or local .html files."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON Lines, one object per article."),
    timeout: float = typer.Option(60.0, help="Total seconds one request may take."),
) -> None:
    """Download articles, extract them and store them in the archive."""
    keys = {t: (t if _is_local(t) else normalize_url(t)) for t in targets}
    urls = [keys[t] for t in targets if not _is_local(t)]
    archive = Archive(db)
    try:  # what the archive knows of these URLs, for conditional requests
        frontier = ListFrontier(urls, validators=lambda url: last_validators(archive.db, url))
    finally:
        archive.close()
    local = [_local_page(t) for t in targets if _is_local(t)]
    # A person asked for these pages, as in a browser: robots.txt is for crawls.
    settings = CrawlSettings(concurrency=max(1, len(urls)), per_host=2, obey_robots=False,
                             fetch=FetchPolicy(deadline=timeout),
                             retry=RetryPolicy(budget=max(RetryPolicy().budget, timeout * 2)))
    pages: dict[str, Written] = {}

    def keep(batch: list[Written]) -> None:
        pages.update((item.url, item) for item in batch)

    credentials = {origin_of(normalize_url(t)): c for t in targets
                   if not _is_local(t) and (c := credentials_of(t))}
    asyncio.run(crawl(settings, frontier, db, record_queue=False, on_written=keep,
                      credentials=credentials, return_articles=True, before=local))
    failed = 0
    for target in targets:
        page = pages[keys[target]]
        result, article = page.result, page.article
        if not result.ok or article is None:
            stderr.print(f"[red]error:[/] {redact(target)}: {result.error}",
                         highlight=False, soft_wrap=True)
            failed += 1
        elif as_json:
            print(json.dumps(_json_record(result, article), ensure_ascii=False))
        else:
            print_article(stdout, result, article)
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _local_page(path: str) -> Finished:
    """A local file, read, ready for the writer like a fetched page."""
    result = read_local(path)
    return Finished(path, result, DONE if result.ok else FAILED)


# --- batch command (scrape batch) goes here ---


@app.command("batch")
def batch_command(
    url_list: str = typer.Argument(..., metavar="FILE",
                                   help="URL list, one per line ('-' reads standard input)."),
    db: Path = DB_OPTION,
    concurrency: int = typer.Option(16, min=1, help="Requests in flight at once, all hosts."),
    per_host: int = typer.Option(2, min=1, help="Requests in flight at once to one host."),
    delay: float = typer.Option(0.0, min=0.0,
                                help="Seconds from the end of one request to a host to the "
                                     "start of the next (robots.txt may ask more)."),
    timeout: float = typer.Option(30.0, min=0.001, help="Total seconds one request may take."),
    connect_timeout: float = typer.Option(10.0, min=0.001, help="Seconds to connect."),
    read_timeout: float = typer.Option(20.0, min=0.001,
                                       help="Seconds the server may stay silent mid-response."),
    retries: int = typer.Option(2, min=0, help="Further attempts on timeouts, connection "
                                               "errors, 429 and 5xx."),
    backoff: float = typer.Option(1.0, min=0.0, help="Seconds before the first retry "
                                                     "(doubling, with jitter)."),
    max_retry_after: float = typer.Option(60.0, min=0.0, help="Longest Retry-After honoured; "
                                                              "a longer one fails the URL."),
    max_url_time: float = typer.Option(120.0, min=0.001, help="Total seconds one URL may cost, "
                                                              "retries and waits included."),
    max_body: float = typer.Option(10.0, min=0.001, help="Largest body in MiB, after "
                                                         "decompression."),
    max_redirects: int = typer.Option(10, min=0, help="Redirects (and meta refreshes) "
                                                      "followed."),
    user_agent: str = typer.Option(DEFAULT_USER_AGENT, help="User-Agent header sent."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots",
                                       help="Fetch what robots.txt disallows."),
    retry_failed: bool = typer.Option(False, "--retry-failed",
                                      help="Try the URLs that failed before again."),
    refresh: bool = typer.Option(False, "--refresh",
                                 help="Fetch the listed URLs already archived again "
                                      "(conditional GET)."),
    workers: int = typer.Option(0, min=0, help="Extra processes that extract pages (0: the "
                                               "writer process extracts them itself)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or log lines."),
) -> None:
    """Crawl a list of URLs into the archive: polite, concurrent, resumable."""
    settings = CrawlSettings(
        concurrency=concurrency, per_host=per_host, delay=delay, obey_robots=not ignore_robots,
        fetch=FetchPolicy(connect_timeout=connect_timeout, read_timeout=read_timeout,
                          deadline=timeout, max_bytes=int(max_body * 1024 * 1024),
                          max_redirects=max_redirects, user_agent=user_agent),
        retry=RetryPolicy(retries=retries, backoff=backoff, max_retry_after=max_retry_after,
                          budget=max_url_time))
    display = make_display(stderr, quiet=quiet)
    archive = Archive(db)
    try:
        queue = UrlQueue(archive.db)
        with queue.claimed(db):
            listed = queue.add(open_url_list(url_list), display.bad_line, refresh=refresh)
            if retry_failed:
                queue.retry_failed()
            display.start(queue.counts()["pending"])
            interrupted = False
            try:
                asyncio.run(crawl(settings, QueueFrontier(queue), db, record_queue=True,
                                  on_written=display.written, credentials=listed.credentials,
                                  workers=workers, tally=display.tally))
            except KeyboardInterrupt:  # what was committed stays; the rest is still pending
                interrupted = True
            finally:
                display.stop()
        failed_before = queue.counts()["failed"] - sum(display.tally.failed.values())
    finally:
        archive.close()
    stdout.print(summary_table(display.tally, bad_lines=display.bad_lines,
                               failed_before=failed_before))
    if interrupted:
        stderr.print("interrupted: run the same command again to resume", highlight=False)
        raise typer.Exit(130)
    if display.tally.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


# --- archive commands (reextract, export, stats, show) go here ---


def _json_record(result: FetchResult, article: Article) -> dict:
    data = article.to_dict()
    data["url"] = redact(result.url)
    data["final_url"] = redact(result.final_url) if result.final_url else None
    return {"url": data.pop("url"), "final_url": data.pop("final_url"), **data}


def _is_local(target: str) -> bool:
    """A path, not a URL: it has no scheme, or it names a file that exists."""
    return "://" not in target and (Path(target).exists() or ":" not in target)


def main() -> None:
    """Console-script entry point: run the app, turning ScraperError into one line + exit code."""
    try:
        app()
    except ScraperError as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        stderr.print("interrupted", highlight=False)
        sys.exit(130)
